"""Messages that were English whatever the reader's language: validation and import errors, the
review's months and charts, the times Find a time proposes. Each is now a whole sentence in the
reader's language (the catalogues are compiled by `make setup`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from summitry.engagements.find_time import _span
from summitry.engagements.importer import ImportFailed, import_text
from summitry.engagements.services import EngagementInvalid, SourceInput, TextInput
from summitry.review import charts
from summitry.review.render import month_names
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_too_long_title_is_refused_in_a_whole_french_sentence() -> None:
    with translation.override("fr"), pytest.raises(EngagementInvalid) as refused:
        factories.engagement(original_language="en", versions=[TextInput("fr", "x" * 301)])
    assert refused.value.errors["title@fr"] == ["Le titre dépasse 300 caractères."]


def test_bad_source_link_is_refused_in_russian_naming_the_source() -> None:
    with translation.override("ru"), pytest.raises(EngagementInvalid) as refused:
        factories.engagement(sources=[SourceInput(citation="Readout", url="javascript:alert(1)")])
    assert refused.value.errors["sources"] == [
        "Источник 1: ссылка на страницу должна быть адресом http:// или https://."
    ]


def test_import_problems_are_in_the_readers_language() -> None:
    factories.person("Emmanuel Macron", "FR", "President of the French Republic")
    text = "title,kind,status,start,countries\nCall,telephone_call,held,2020-03-23,Frnace\n"
    with translation.override("es"), pytest.raises(ImportFailed) as failed:
        import_text(text, "csv")
    with translation.override("es"):
        messages = [str(p) for p in failed.value.problems]
    assert messages == [
        "línea 2, campo 'countries': país desconocido 'Frnace'; ¿quiso decir 'France'?"
    ]


def test_review_months_and_map_tooltips_are_in_the_readers_language() -> None:
    with translation.override("zh-hans"):
        assert month_names()[:3] == ["1月", "2月", "3月"]
        assert charts._tooltip("法国", 2) == "法国：2 项外交活动"
    with translation.override("ru"):
        assert month_names()[0] == "янв."
        assert charts._tooltip("Франция", 5) == "Франция: 5 мероприятий"
    with translation.override("en-gb"):
        assert month_names()[0] == "Jan"
        assert charts._tooltip("France", 1) == "France: 1 engagement"


def test_find_a_time_writes_local_spans_as_the_language_does() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    start = dt.datetime(2026, 3, 26, 13, 0, tzinfo=zone)
    end = start + dt.timedelta(minutes=90)
    with translation.override("zh-hans"):
        assert _span(start, end) == "3月26日周四 13:00–14:30"
    with translation.override("en-gb"):
        assert _span(start, end) == "Thu 26 Mar, 13:00–14:30"
