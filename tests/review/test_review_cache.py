"""The cached review: served while its year is unchanged, never once the year or the directory
changed, however the change was written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

from summitry.directory.models import Country
from summitry.engagements.models import Engagement
from summitry.engagements.services import ParticipantInput, input_from, update_engagement
from summitry.review.cache import review_for
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CaptureQueries = Callable[..., AbstractContextManager[Any]]


def at(year: int, month: int = 5) -> dt.datetime:
    return dt.datetime(year, month, 10, 12, tzinfo=dt.UTC)


def held(year: int, *countries: str) -> Engagement:
    principal = factories.person("Principal", "CN")
    return factories.engagement(
        start=at(year),
        countries=countries,
        participants=[ParticipantInput(principal, role="principal")],
    )


def test_review_cache_answers_an_unchanged_year_without_counting_again(
    django_assert_max_num_queries: CaptureQueries,
) -> None:
    held(2020, "FR")
    assert review_for(2020, None).total == 1
    # The year's stamp and the cache's own reads, not the dozen aggregates.
    with django_assert_max_num_queries(4):
        assert review_for(2020, None).total == 1


def test_review_cache_is_refreshed_by_each_write_to_the_year() -> None:
    first = held(2020, "FR")
    assert review_for(2020, None).total == 1
    held(2020, "DE")
    assert review_for(2020, None).total == 2
    moved = input_from(first)
    moved.start = at(2021)
    update_engagement(first, moved, by=None)
    assert review_for(2020, None).total == 1
    assert review_for(2021, None).total == 1
    Engagement.objects.filter(start__year=2020).delete()
    assert review_for(2020, None).total == 0


def test_review_cache_is_refreshed_by_a_bulk_insert_that_bypasses_the_models() -> None:
    held(2020, "FR")
    assert review_for(2020, None).total == 1
    Engagement.objects.bulk_create(
        [Engagement(title="Bulk", kind="telephone_call", status="held", start=at(2020, 7))]
    )
    assert review_for(2020, None).per_month[6] == 1


def test_review_cache_keeps_a_year_when_another_year_changes(
    django_assert_max_num_queries: CaptureQueries,
) -> None:
    held(2020, "FR")
    review_for(2020, None)
    held(2022, "FR")
    with django_assert_max_num_queries(4):
        assert review_for(2020, None).total == 1


def test_review_cache_is_refreshed_when_a_country_is_renamed(
    django_capture_on_commit_callbacks: CaptureQueries,
) -> None:
    held(2020, "FR")
    assert review_for(2020, None).top_countries[0].name == "France"
    with django_capture_on_commit_callbacks(execute=True):
        france = Country.objects.get(code="FR")
        france.name = "French Republic"
        france.save()
    assert review_for(2020, None).top_countries[0].name == "French Republic"


def test_review_cache_keeps_confidential_figures_from_the_public() -> None:
    held(2020, "FR")
    factories.engagement(start=at(2020), confidentiality="confidential")
    admin = factories.user("administrator")
    assert review_for(2020, admin).total == 2
    assert review_for(2020, None).total == 1
    assert Client().get("/api/review/2020").json()["total"] == 1
