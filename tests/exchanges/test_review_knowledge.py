"""The yearly review's knowledge figures: video conferences held, countries reached, editions and
translations published, each by its counting rule and over what the reader may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.review.cache import review_for
from summitry.review.render import review_text
from tests import factories
from tests.exchanges import factories as exchange
from tests.knowledge import factories as knowledge

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def year_2020(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMITRY_HOME_COUNTRY", "CN")
    expert = factories.person("Dr Diallo", country_code="SN")
    chinese = factories.person("Dr Zhong", country_code="CN")
    exchange.conference(experts=(chinese, expert), countries=("CN", "IT", "FR"))
    exchange.conference(experts=(chinese,), countries=("IT", "PK"))
    exchange.conference(countries=("DE",), status="cancelled")
    exchange.conference(countries=("US",), start=dt.datetime(2021, 2, 1, 12, tzinfo=dt.UTC))
    factories.engagement(kind="telephone_call", countries=("RU",))
    protocol = knowledge.work("Protocol", slug="protocol")
    first = knowledge.edition(protocol, published_on=dt.date(2020, 1, 16))
    knowledge.translation(first, language="fr", published_on=dt.date(2020, 2, 1))
    knowledge.translation(first, language="ar", published_on=dt.date(2020, 3, 1))
    knowledge.translation(first, language="es")  # no date: not counted
    second = knowledge.edition(protocol, published_on=dt.date(2020, 12, 31))
    knowledge.translation(second, language="fr", published_on=dt.date(2021, 1, 2))
    knowledge.edition(protocol)  # no date: not counted
    knowledge.edition(protocol, published_on=dt.date(2021, 1, 1))
    hidden = knowledge.work("Restricted plan", slug="restricted", shared_with=("IT",))
    knowledge.edition(hidden, published_on=dt.date(2020, 6, 1))


def test_review_counts_conferences_countries_editions_and_translations(year_2020: None) -> None:
    figures = review_for(2020, None).knowledge
    assert figures is not None
    assert figures.conferences == 2
    # IT, FR, PK named, SN by its expert; CN is home.
    assert figures.countries_reached == 4
    assert figures.editions == 2
    assert figures.translations == 2
    assert figures.translation_languages == 2


def test_review_counts_restricted_editions_only_for_those_who_see_them(
    year_2020: None, editor: User
) -> None:
    figures = review_for(2020, editor).knowledge
    assert figures is not None and figures.editions == 3


def test_review_page_api_and_text_show_the_knowledge_figures(
    year_2020: None, client: Client
) -> None:
    page = client.get("/review/2020/").content.decode()
    assert 'data-figure="conferences">2<' in page
    assert 'data-figure="countries-reached">4<' in page
    assert 'data-figure="editions">2<' in page
    assert "translations published, in 2 languages" in page
    data = client.get("/api/review/2020").json()
    assert data["knowledge"] == {
        "conferences": 2,
        "countries_reached": 4,
        "editions": 2,
        "translations": 2,
        "translation_languages": 2,
    }
    assert "editions published 2" in review_text(review_for(2020, None))


def test_review_knowledge_figures_follow_a_new_edition(
    year_2020: None, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert 'data-figure="editions">2<' in client.get("/review/2020/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        knowledge.edition(knowledge.work("Plan", slug="plan"), published_on=dt.date(2020, 5, 5))
    assert 'data-figure="editions">3<' in client.get("/review/2020/").content.decode()
