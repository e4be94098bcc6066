"""The yearly review: figures computed from the register, each by a stated counting rule.

Counting rules (also shown on the review page):
- Only engagements with status `held` count; proposed, scheduled, postponed and cancelled do not.
- An engagement counts once, however many people or countries take part (a summit counts once).
- An engagement belongs to the year and month of its start date. A start with an hour is dated in
  the review's time zone (SUMMITRY_REVIEW_TIME_ZONE, UTC by default); a record that gives only a
  date keeps that date.
- Online means every kind except `in_person`.
- The published sentence counts the principal's own engagements (those in which the most frequent
  principal took part as principal); the other figures count the whole register.
- Counterparts exclude the home country (SUMMITRY_HOME_COUNTRY, or else the country of the most
  frequent principal): counterpart leaders are the distinct people who took part as head of
  delegation; counterpart countries and organisations are the distinct ones represented.
- Per region: an engagement counts once in each UN M49 region of its counterpart countries.
- The map and the top counterparts count, for each country, the engagements it was represented in.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from summitry.directory.models import Country, Organisation, Person
from summitry.engagements.models import ONLINE_KINDS, Engagement, Kind, Role, Status
from summitry.review import sentence as review_sentence

VIDEO_LINK_KINDS = (
    Kind.VIDEO_MEETING,
    Kind.VIRTUAL_SUMMIT,
    Kind.VIDEO_CONFERENCE,
    Kind.VIDEO_ADDRESS,
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Counterpart:
    code: str
    name: str
    count: int


@dataclass
class Review:
    year: int
    total: int
    by_kind: dict[str, int]
    online: int
    online_share: float
    per_month: list[int]
    per_region: dict[str, int]
    counterpart_leaders: int
    counterpart_countries: int
    counterpart_organisations: int
    by_country: dict[str, int]  # ISO numeric code → engagements
    country_names: dict[str, str]
    top_countries: list[Counterpart]
    top_organisations: list[Counterpart]
    home_country: str | None
    principal: str | None
    sentence: str
    principal_by_kind: dict[str, int]
    engagements: list[Engagement] = field(default_factory=list)


def review_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(os.environ.get("SUMMITRY_REVIEW_TIME_ZONE", "UTC"))


def local_date(engagement: Engagement, zone: dt.tzinfo) -> dt.date:
    assert engagement.start is not None
    if not engagement.time_known:
        return engagement.start.astimezone(dt.UTC).date()
    return engagement.start.astimezone(zone).date()


def _sentence(
    year: int,
    principal: str | None,
    by_kind: dict[str, int],
    totals: tuple[int, float, int, int],
) -> str:
    # The English writer of review/sentence.py, the one that writes the other five languages too.
    return review_sentence.english(review_sentence.figures(year, principal, by_kind, totals))


def yearly_review(
    year: int,
    engagements: QuerySet[Engagement] | None = None,
    home_country: str | None = None,
) -> Review:
    zone = review_zone()
    selection = (engagements if engagements is not None else Engagement.objects.all()).filter(
        status=Status.HELD,
        start__gte=dt.datetime(year - 1, 12, 30, tzinfo=dt.UTC),
        start__lt=dt.datetime(year + 1, 1, 2, tzinfo=dt.UTC),
    )
    selection = selection.prefetch_related("countries", "organisations", "participations__person")
    held = [e for e in selection if local_date(e, zone).year == year]
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
        by_org.update(engagement.organisations.all())
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
        engagements=held,
    )


def _top(items: Iterable[tuple[str, str, int]], limit: int = 10) -> list[Counterpart]:
    ranked = sorted(items, key=lambda item: (-item[2], item[1]))
    return [Counterpart(code, name, count) for code, name, count in ranked[:limit]]
