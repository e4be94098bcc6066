"""Dates, times and numbers written for the reader's language (CLDR), in the viewer's zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from summitry.web import formats

pytestmark = pytest.mark.unit

NOON_UTC = dt.datetime(2020, 3, 26, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", "Thursday, 26 March 2020"),
        ("fr", "jeudi 26 mars 2020"),
        ("es", "jueves, 26 de marzo de 2020"),
        ("ru", "четверг, 26 марта 2020\u202fг."),
        ("zh-hans", "2020年3月26日星期四"),
        ("ar", "الخميس، 26 مارس 2020"),
    ],
)
def test_format_date_full_in_each_language(language: str, expected: str) -> None:
    assert formats.format_date(NOON_UTC, "full", language=language) == expected


def test_format_datetime_is_in_the_viewers_zone() -> None:
    with timezone.override(zoneinfo.ZoneInfo("Australia/Sydney")):
        assert formats.format_datetime(NOON_UTC, language="en-gb") == "26 Mar 2020, 23:00"
        # The day, too, is the viewer's.
        assert formats.format_date(NOON_UTC, "short", language="fr") == "26/03/2020"
        late = NOON_UTC + dt.timedelta(hours=2)
        assert formats.format_date(late, "short", language="fr") == "27/03/2020"


def test_format_range_writes_a_shared_day_once() -> None:
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    end = NOON_UTC + dt.timedelta(minutes=90)
    assert (
        formats.format_range(NOON_UTC, end, "MMMEd", "en-gb", shanghai) == "Thu 26 Mar, 20:00–21:30"
    )
    assert (
        formats.format_range(NOON_UTC, end, "MMMEd", "zh-hans", shanghai)
        == "3月26日周四 20:00–21:30"
    )
    overnight = NOON_UTC + dt.timedelta(hours=5)
    assert (
        formats.format_range(NOON_UTC, overnight, "MMMEd", "en-gb", shanghai)
        == "Thu 26 Mar, 20:00\u2009–\u2009Fri 27 Mar, 01:00"
    )


@pytest.mark.parametrize(
    ("language", "number", "percent"),
    [
        ("en-gb", "1,234,567", "93.5%"),
        ("fr", "1\u202f234\u202f567", "93,5\u00a0%"),
        ("es", "1.234.567", "93,5\u00a0%"),
        ("ru", "1\u00a0234\u00a0567", "93,5\u00a0%"),
        ("zh-hans", "1,234,567", "93.5%"),
    ],
)
def test_numbers_and_percentages_use_the_languages_separators(
    language: str, number: str, percent: str
) -> None:
    assert formats.format_number(1234567, language=language) == number
    assert formats.format_percent(0.935, 1, language=language) == percent


def test_formats_follow_the_active_language() -> None:
    with translation.override("ru"):
        assert formats.format_decimal(93.456, 1) == "93,5"
    with translation.override("en-gb"):
        assert formats.format_decimal(93.456, 1) == "93.5"


def test_template_filters_format_for_the_active_language() -> None:
    template = Template(
        "{% load cldr %}{{ day|format_date }}|{{ n|format_number }}|{{ r|format_percent }}|"
        "{{ missing|format_date }}"
    )
    with translation.override("es"), timezone.override(dt.UTC):
        page = template.render(Context({"day": NOON_UTC, "n": 12000, "r": 0.5}))
    assert page == "26 de marzo de 2020|12.000|50\u00a0%|"


def test_unknown_style_is_refused_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="short, medium, long, full"):
        formats.format_date(NOON_UTC, "tiny")
