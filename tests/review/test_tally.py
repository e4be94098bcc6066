"""The review's tallies, kept by each write, give the same figures as counting the records."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import asdict

import pytest

from summitry.accounts.models import User
from summitry.directory.models import Country, Person
from summitry.engagements.models import Engagement, Kind, Role, Status
from summitry.engagements.queries import visible_to
from summitry.engagements.services import (
    EngagementInvalid,
    ParticipantInput,
    change_status,
    input_from,
    update_engagement,
)
from summitry.review import tally
from summitry.review.queries import Review, yearly_review, yearly_review_for
from tests import factories
from tests.review.test_review_sql import random_register

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

YEARS = (2019, 2020, 2021)


def _comparable(review: Review) -> dict[str, object]:
    data = asdict(review)
    del data["engagements"]
    return data


def _assert_tallies_agree_with_the_records() -> None:
    admin = factories.user(User.Role.ADMINISTRATOR)
    for year in YEARS:
        for home in (None, "US"):
            counted = _comparable(yearly_review(year, home_country=home, tallied=False))
            assert _comparable(yearly_review(year, home_country=home)) == counted, (year, home)
            public = yearly_review(year, visible_to(None), home_country=home)
            assert _comparable(yearly_review_for(year, None, home)) == _comparable(public)
            assert _comparable(yearly_review_for(year, admin, home)) == counted


def _random_writes(seed: int) -> int:
    """Moves, re-kinds, re-links, hides, holds and deletes records through the services;
    returns how many writes were made (the services refuse some, such as reopening)."""
    rng = random.Random(seed)
    countries = list(Country.objects.filter(code__in=("US", "FR", "DE", "KE", "JP", "CN")))
    people = list(Person.objects.all())
    editor = factories.user(User.Role.EDITOR)
    records = list(Engagement.objects.order_by("pk"))
    written = 0
    for engagement in rng.sample(records, 40):
        written += 1
        if rng.random() < 0.15:
            engagement.delete()
            continue
        if engagement.status == Status.SCHEDULED and rng.random() < 0.5:
            change_status(engagement, Status.HELD, by=editor)
            continue
        data = input_from(engagement)
        data.start = dt.datetime(2019, 12, 25, tzinfo=dt.UTC) + dt.timedelta(
            hours=rng.randrange(0, 24 * 400)
        )
        data.kind = rng.choice(list(Kind)).value
        data.confidentiality = rng.choice(["public", "restricted", "confidential"])
        data.countries = rng.sample(countries, rng.randint(0, 3))
        data.participants = [
            ParticipantInput(p, role=rng.choice([Role.PRINCIPAL, Role.HEAD_OF_DELEGATION]).value)
            for p in rng.sample(people, rng.randint(0, 3))
        ]
        try:
            update_engagement(engagement, data, by=editor)
        except EngagementInvalid:
            written -= 1
    return written


@pytest.mark.parametrize("seed", [5, 6])
def test_tally_kept_by_writes_agrees_with_the_records(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    random_register(seed)
    for year in YEARS:
        yearly_review(year)  # counts each year once
    recounted: list[int] = []
    count_year = tally.count_year

    def counting(year: int, zone: str) -> None:
        recounted.append(year)
        count_year(year, zone)

    monkeypatch.setattr(tally, "count_year", counting)
    assert _random_writes(seed) > 20
    _assert_tallies_agree_with_the_records()
    # The writes kept the years counted: none was counted again from its records.
    assert recounted == []


def test_tally_counts_a_year_again_after_a_write_that_bypasses_the_models() -> None:
    principal = factories.person("Principal", "CN")
    factories.engagement(
        start=dt.datetime(2020, 3, 1, 12, tzinfo=dt.UTC),
        countries=("FR",),
        participants=[ParticipantInput(principal, role="principal")],
    )
    assert yearly_review(2020).total == 1
    Engagement.objects.bulk_create(
        [
            Engagement(
                title="Bulk",
                kind="telephone_call",
                status="held",
                start=dt.datetime(2020, 7, 1, tzinfo=dt.UTC),
            )
        ]
    )
    # A later write through the models must not make the year look current again.
    factories.engagement(start=dt.datetime(2020, 9, 1, 12, tzinfo=dt.UTC), countries=("DE",))
    assert yearly_review(2020).per_month[6] == 1
    assert _comparable(yearly_review(2020)) == _comparable(yearly_review(2020, tallied=False))


def test_tally_regions_follow_a_country_moved_to_another_region() -> None:
    principal = factories.person("Principal", "CN")
    factories.engagement(
        start=dt.datetime(2020, 3, 1, 12, tzinfo=dt.UTC),
        countries=("FR",),
        participants=[ParticipantInput(principal, role="principal")],
    )
    assert yearly_review(2020).per_region == {"Europe": 1}
    france = Country.objects.get(code="FR")
    france.region = "Oceania"
    france.save()
    assert yearly_review(2020).per_region == {"Oceania": 1}
