"""The review computed by the database agrees with a plain Python count on random registers."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections import Counter
from dataclasses import asdict

import pytest
from django.db import connection, transaction

from summitry.accounts.models import User
from summitry.directory.models import Country, Organisation, Person
from summitry.engagements.models import ONLINE_KINDS, Engagement, Kind, Role, Status
from summitry.engagements.queries import visible_to
from summitry.engagements.services import EngagementInput, ParticipantInput, create_engagement
from summitry.review.queries import (
    COUNTED_ORGANISATIONS,
    Counterpart,
    Review,
    _sentence,
    _top,
    local_date,
    review_zone,
    yearly_review,
)
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def python_review(year: int, engagements: list[Engagement], home_country: str | None) -> Review:
    """The review as it was counted before the database did it: record by record, in Python."""
    zone = review_zone()
    held = [
        e
        for e in engagements
        if e.status == Status.HELD and e.start is not None and local_date(e, zone).year == year
    ]
    held.sort(key=lambda e: (e.start, e.pk))
    principals = Counter(
        p.person for e in held for p in e.participations.all() if p.role == Role.PRINCIPAL
    )
    principal: Person | None = principals.most_common(1)[0][0] if principals else None
    home = (
        home_country
        or os.environ.get("SUMMITRY_HOME_COUNTRY")
        or (principal.country.code if principal and principal.country else None)
    )
    by_kind = {kind.value: 0 for kind in Kind}
    per_month = [0] * 12
    per_region: Counter[str] = Counter()
    by_country: Counter[Country] = Counter()
    by_org: Counter[Organisation] = Counter()
    groupings: Counter[Organisation] = Counter()
    leaders: set[int] = set()
    principal_by_kind = {kind.value: 0 for kind in Kind}
    for engagement in held:
        if principal is not None and any(
            p.person_id == principal.pk and p.role == Role.PRINCIPAL
            for p in engagement.participations.all()
        ):
            principal_by_kind[engagement.kind] += 1
        by_kind[engagement.kind] += 1
        per_month[local_date(engagement, zone).month - 1] += 1
        countries = [c for c in engagement.countries.all() if c.code != home]
        by_country.update(countries)
        per_region.update({c.region or "Other" for c in countries})
        for o in engagement.organisations.all():
            (by_org if o.category in COUNTED_ORGANISATIONS else groupings)[o] += 1
        leaders.update(
            p.person_id
            for p in engagement.participations.all()
            if p.role == Role.HEAD_OF_DELEGATION
            and (p.person.country is None or p.person.country.code != home)
        )
    total = len(held)
    online = sum(1 for e in held if e.kind in ONLINE_KINDS)
    share = round(100 * online / total, 1) if total else 0.0
    totals = (total, share, len(by_country), len(by_org))
    return Review(
        year=year,
        total=total,
        by_kind=by_kind,
        online=online,
        online_share=share,
        per_month=per_month,
        per_region=dict(sorted(per_region.items(), key=lambda item: (-item[1], item[0]))),
        counterpart_leaders=len(leaders),
        counterpart_countries=len(by_country),
        counterpart_organisations=len(by_org),
        by_country={c.numeric: n for c, n in by_country.items()},
        country_names={c.numeric: c.name for c in by_country},
        top_countries=_top((c.code, c.name, n) for c, n in by_country.items()),
        top_organisations=_top((o.acronym, o.name, n) for o, n in by_org.items()),
        home_country=home,
        principal=principal.name if principal else None,
        sentence=_sentence(
            year,
            principal.name if principal else None,
            principal_by_kind if principal else by_kind,
            totals,
        ),
        principal_by_kind=principal_by_kind,
        top_groupings=_top((o.acronym, o.name, n) for o, n in groupings.items()),
    )


COUNTRY_CODES = ("CN", "US", "FR", "DE", "KE", "BR", "JP", "RU", "IN", "AQ", "ZA", "SG")
ORGANISATIONS = ("UN", "WHO", "EU", "ASEAN", "AU", "G20", "BRICS", "BRI", "GDI", "BFA", "APT")


def random_register(seed: int, count: int = 120) -> None:
    """Engagements of every kind, status and visibility around the turns of 2020, with
    countries, organisations and participants drawn at random (ties between principals too)."""
    rng = random.Random(seed)
    countries = list(Country.objects.filter(code__in=COUNTRY_CODES))
    organisations = list(Organisation.objects.filter(acronym__in=ORGANISATIONS))
    assert len(organisations) == len(ORGANISATIONS)
    people = [factories.person(f"Person {seed}-{i}", rng.choice(COUNTRY_CODES)) for i in range(14)]
    Person.objects.filter(pk=people[0].pk).update(country=None)
    people[0].refresh_from_db()
    author = factories.user(User.Role.EDITOR)
    moments = [
        dt.datetime(2019, 12, 31, 18, tzinfo=dt.UTC),
        dt.datetime(2020, 1, 1, 0, tzinfo=dt.UTC),
        dt.datetime(2020, 12, 31, 20, tzinfo=dt.UTC),
        dt.datetime(2021, 1, 1, 3, tzinfo=dt.UTC),
    ]
    for _ in range(count):
        if rng.random() < 0.25:
            start = rng.choice(moments)
        else:
            start = dt.datetime(2019, 12, 1, tzinfo=dt.UTC) + dt.timedelta(
                hours=rng.randrange(0, 24 * 430)
            )
        chosen = rng.sample(people, rng.randint(0, 4))
        roles = [Role.PRINCIPAL, Role.HEAD_OF_DELEGATION, Role.DELEGATION_MEMBER]
        create_engagement(
            EngagementInput(
                title=f"Random {rng.random()}",
                kind=rng.choice(list(Kind)).value,
                status=rng.choice([Status.HELD] * 4 + [Status.SCHEDULED, Status.CANCELLED]),
                start=start,
                time_known=rng.random() < 0.7,
                countries=rng.sample(countries, rng.randint(0, 3)),
                organisations=rng.sample(organisations, rng.randint(0, 2)),
                confidentiality=rng.choice(["public", "public", "restricted", "confidential"]),
                participants=[ParticipantInput(p, role=rng.choice(roles).value) for p in chosen],
            ),
            by=author,
        )


def _comparable(review: Review) -> dict[str, object]:
    data = asdict(review)
    del data["engagements"]
    return data


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_review_sql_agrees_with_python_on_random_registers(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    random_register(seed)
    admin = factories.user(User.Role.ADMINISTRATOR)
    every = list(
        Engagement.objects.prefetch_related(
            "countries", "organisations", "participations__person__country"
        )
    )
    public = [e for e in every if e.confidentiality == "public"]
    compared = 0
    # London: at UTC on 1 January, not in summer (one range for the year, two month expressions).
    for zone in ("UTC", "Europe/London", "Asia/Shanghai", "America/Los_Angeles"):
        monkeypatch.setenv("SUMMITRY_REVIEW_TIME_ZONE", zone)
        for year in (2019, 2020, 2021):
            for home in (None, "US"):
                expected = python_review(year, every, home)
                assert _comparable(yearly_review(year, home_country=home)) == _comparable(
                    expected
                ), (zone, year, home)
                assert _comparable(
                    yearly_review(year, visible_to(admin), home_country=home)
                ) == _comparable(expected)
                assert _comparable(
                    yearly_review(year, visible_to(None), home_country=home)
                ) == _comparable(python_review(year, public, home))
                compared += expected.total
    assert compared > 0


def test_review_counts_only_international_and_regional_organisations() -> None:
    principal = factories.person("Principal", "CN")
    for acronyms in (("UN", "BRI"), ("EU", "GDI"), ("BFA",), ("G20", "WHO")):
        create_engagement(
            EngagementInput(
                title=f"With {acronyms}",
                kind="video_address",
                status="held",
                start=dt.datetime(2020, 5, 1, 12, tzinfo=dt.UTC),
                organisations=list(Organisation.objects.filter(acronym__in=acronyms)),
                participants=[ParticipantInput(principal, role="principal")],
            ),
            by=None,
        )
    review = yearly_review(2020)
    assert review.counterpart_organisations == 3
    assert {o.code for o in review.top_organisations} == {"UN", "EU", "WHO"}
    assert {o.code for o in review.top_groupings} == {"BRI", "GDI", "BFA", "G20"}
    assert review.top_groupings[0] == Counterpart("BRI", "Belt and Road Initiative", 1)
    assert "counterparts from 3 international organizations." in review.sentence


def test_review_leaves_the_planner_settings_as_they_were() -> None:
    # On PostgreSQL the review turns hash and merge joins off for its own statements only.
    random_register(4)

    def settings() -> tuple[str, ...]:
        if connection.vendor != "postgresql":
            return ()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin')"
            )
            row = cursor.fetchone()
        assert row is not None
        return tuple(row)

    with transaction.atomic():
        before = settings()
        review = yearly_review(2020)
        assert settings() == before
    assert review.total > 0
    assert before in ((), ("on", "on"))
