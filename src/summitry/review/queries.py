"""The yearly review: figures computed by the database, each by a stated counting rule.

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
  delegation; counterpart countries are the distinct ones represented; counterpart organisations
  are the distinct international and regional organisations represented (forums, formats and
  initiatives are not organisations).
- Per region: an engagement counts once in each UN M49 region of its counterpart countries.
- The map and the top counterparts count, for each country, the engagements it was represented in.

Every figure is an aggregate over the year's held engagements, found through the index on
(status, start) by a range of start times, so a year costs what its own records cost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from summitry.directory.models import Country, Organisation, Person
from summitry.engagements.models import ONLINE_KINDS, Engagement, Kind, Participation, Role, Status
from summitry.engagements.queries import confidentialities_seen_whole, visible_to
from summitry.review import sentence as review_sentence
from summitry.review.knowledge import KnowledgeFigures

VIDEO_LINK_KINDS = (
    Kind.VIDEO_MEETING,
    Kind.VIRTUAL_SUMMIT,
    Kind.VIDEO_CONFERENCE,
    Kind.VIDEO_ADDRESS,
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Only these are counted as organisations; forums, formats and initiatives are listed apart.
COUNTED_ORGANISATIONS = (
    Organisation.Category.INTERNATIONAL,
    Organisation.Category.REGIONAL,
)


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
    # Kept for callers of the old API; the figures no longer load the records themselves.
    engagements: list[Engagement] = field(default_factory=list)
    # Forums, formats and initiatives the year's engagements were held in (not organisations).
    top_groupings: list[Counterpart] = field(default_factory=list)
    # The principal's name as written in other languages ("zh-hans": "习近平"), where known.
    principal_names: dict[str, str] = field(default_factory=dict)
    # Expert conferences, countries reached, editions and translations (review/knowledge.py).
    knowledge: KnowledgeFigures | None = None

    @property
    def principal_total(self) -> int:
        """The engagements the sentence counts: the principal's own."""
        return sum(self.principal_by_kind.values())


def review_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(os.environ.get("SUMMITRY_REVIEW_TIME_ZONE", "UTC"))


def local_date(engagement: Engagement, zone: dt.tzinfo) -> dt.date:
    assert engagement.start is not None
    if not engagement.time_known:
        return engagement.start.astimezone(dt.UTC).date()
    return engagement.start.astimezone(zone).date()


def _dated_between(first: dt.date, after: dt.date, zone: dt.tzinfo) -> Q:
    """Engagements whose local date (see `local_date`) lies in [first, after), as start ranges.

    Comparisons of `start` with constants keep the (status, start) index usable on every
    database; no per-row time-zone function is needed.
    """

    def moment(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, tzinfo=tz)

    if _same_as_utc(zone, (first, after)):
        return Q(start__gte=moment(first, dt.UTC), start__lt=moment(after, dt.UTC))
    return Q(time_known=True, start__gte=moment(first, zone), start__lt=moment(after, zone)) | Q(
        time_known=False, start__gte=moment(first, dt.UTC), start__lt=moment(after, dt.UTC)
    )


def _same_as_utc(zone: dt.tzinfo, days: Iterable[dt.date]) -> bool:
    """Whether `zone` is at UTC at midnight of each of `days`: then dating by the zone or by UTC
    draws the same lines, and one range (or one month expression) serves both kinds of start."""
    return all(
        dt.datetime(day.year, day.month, day.day, tzinfo=zone).utcoffset() == dt.timedelta(0)
        for day in days
    )


def year_window(year: int, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """A start range (UTC) holding every engagement of `year` in any zone, and little else."""
    return (
        dt.datetime(year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=2),
        dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=2),
    )


def held_in(
    year: int, engagements: QuerySet[Engagement] | None = None, zone: dt.tzinfo | None = None
) -> QuerySet[Engagement]:
    """The held engagements of `year`, dated by the counting rule (in the review's zone unless
    `zone` is given)."""
    zone = zone or review_zone()
    low, high = year_window(year, zone)
    return (engagements if engagements is not None else Engagement.objects.all()).filter(
        _dated_between(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), zone),
        status=Status.HELD,
        start__gte=low,
        start__lt=high,
    )


def _sentence(
    year: int,
    principal: str | None,
    by_kind: dict[str, int],
    totals: tuple[int, float, int, int],
) -> str:
    # The English writer of review/sentence.py, the one that writes the other five languages too.
    return review_sentence.english(review_sentence.figures(year, principal, by_kind, totals))


def _month(year: int, zone: dt.tzinfo) -> Case | Value:
    """The month (1-12) of a held engagement of `year`, by the counting rule's dating: a binary
    search over the months' first instants (four comparisons a record, not up to eleven)."""

    def months(tz: dt.tzinfo, low: int = 1, high: int = 12) -> Case | Value:
        if low == high:
            return Value(low)
        middle = (low + high) // 2
        return Case(
            When(
                start__lt=dt.datetime(year, middle + 1, 1, tzinfo=tz), then=months(tz, low, middle)
            ),
            default=months(tz, middle + 1, high),
        )

    if _same_as_utc(zone, (dt.date(year, month, 1) for month in range(1, 13))):
        return months(dt.UTC)
    return Case(When(time_known=True, then=months(zone)), default=months(dt.UTC))


@contextlib.contextmanager
def _index_joins() -> Iterator[None]:
    """On PostgreSQL, joins from the year's engagements through the indexes (nested loops), not
    hash or merge joins that read a whole join table: a year then costs what its own records
    cost (at a million records, 2-4 s instead of 7-15 s). Set for this transaction and restored
    after; SQLite already joins so."""
    if connection.vendor != "postgresql":
        yield
        return
    names = ("enable_hashjoin", "enable_mergejoin")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(['current_setting(%s)'] * len(names))}", names)
        before = cursor.fetchone()
        for name in names:
            cursor.execute("SELECT set_config(%s, 'off', true)", (name,))
        yield
        # After an error the rollback of this transaction (or savepoint) restores them.
        for name, value in zip(names, before, strict=True):
            cursor.execute("SELECT set_config(%s, %s, true)", (name, value))


@dataclass
class _Aggregates:
    by_kind: dict[str, int]
    per_month: list[int]
    principals: dict[int, dict[str, int]]  # person → kind → engagements as principal
    heads: set[int]
    country_counts: dict[int, int]
    org_counts: dict[int, int]


def _aggregates(year: int, held: QuerySet[Engagement]) -> _Aggregates:
    """Kinds and months, principals by kind, heads of delegation, countries and organisations
    represented: one statement, in which the year's held engagements are found once (a
    materialised CTE read by every branch) and each join is answered by an index alone."""
    held_sql, held_params = (
        held.annotate(month=_month(year, review_zone()))
        .values_list("id", "kind", "month")
        .order_by()
        .query.sql_with_params()
    )
    quote = connection.ops.quote_name
    part = quote(Participation._meta.db_table)
    countries = quote(Engagement.countries.through._meta.db_table)
    organisations = quote(Engagement.organisations.through._meta.db_table)
    # Every branch gives (what, an integer, a kind or NULL, a count), so the types agree. CROSS
    # JOIN keeps SQLite from scanning a whole join table against the year (PostgreSQL plans as
    # it sees fit).
    sql = f"""WITH held (id, kind, month) AS MATERIALIZED ({held_sql})
        SELECT 'month', h.month, h.kind, COUNT(*) FROM held h GROUP BY h.month, h.kind
        UNION ALL
        SELECT 'principal', p.person_id, h.kind, COUNT(*)
        FROM held h CROSS JOIN {part} p
        WHERE p.engagement_id = h.id AND p.role = %s GROUP BY p.person_id, h.kind
        UNION ALL
        SELECT DISTINCT 'head', p.person_id, NULL, 1
        FROM held h CROSS JOIN {part} p WHERE p.engagement_id = h.id AND p.role = %s
        UNION ALL
        SELECT 'country', c.country_id, NULL, COUNT(*)
        FROM held h CROSS JOIN {countries} c WHERE c.engagement_id = h.id GROUP BY c.country_id
        UNION ALL
        SELECT 'organisation', o.organisation_id, NULL, COUNT(*)
        FROM held h CROSS JOIN {organisations} o WHERE o.engagement_id = h.id
        GROUP BY o.organisation_id"""  # noqa: S608  # names from the models, values as parameters
    found = _Aggregates({kind.value: 0 for kind in Kind}, [0] * 12, {}, set(), {}, {})
    with _index_joins(), connection.cursor() as cursor:
        cursor.execute(sql, (*held_params, Role.PRINCIPAL.value, Role.HEAD_OF_DELEGATION.value))
        for what, key, kind, n in cursor.fetchall():
            if what == "month":
                found.by_kind[kind] += n
                found.per_month[key - 1] += n
            elif what == "principal":
                found.principals.setdefault(key, {k.value: 0 for k in Kind})[kind] = n
            elif what == "head":
                found.heads.add(key)
            elif what == "country":
                found.country_counts[key] = n
            else:
                found.org_counts[key] = n
    return found


def _principal(
    by_person: dict[int, dict[str, int]], held_ids: QuerySet[Engagement, Any]
) -> Person | None:
    """The person who took part as principal most often (among equals, the one who did so first:
    by start, then record, then place in the list of participants)."""
    if not by_person:
        return None
    counts = {person: sum(kinds.values()) for person, kinds in by_person.items()}
    most = max(counts.values())
    tied = [person for person, n in counts.items() if n == most]
    if len(tied) > 1:
        tied = list(
            Participation.objects.filter(
                role=Role.PRINCIPAL, engagement_id__in=held_ids, person_id__in=tied
            )
            .order_by("engagement__start", "engagement_id", "order", "id")
            .values_list("person_id", flat=True)[:1]
        )
    return Person.objects.select_related("country").get(pk=tied[0])


def _top(items: Iterable[tuple[str, str, int]], limit: int = 10) -> list[Counterpart]:
    ranked = sorted(items, key=lambda item: (-item[2], item[1]))
    return [Counterpart(code, name, count) for code, name, count in ranked[:limit]]


def yearly_review(
    year: int,
    engagements: QuerySet[Engagement] | None = None,
    home_country: str | None = None,
    *,
    tallied: bool = True,
) -> Review:
    """The review of `year` over `engagements` (by default the whole register, whose figures
    then come from the tallies kept by tally.py, unless `tallied` is False)."""
    if engagements is None and tallied:
        return _review(year, held_in(year), home_country, tallied=True, confidentialities=None)
    return _review(year, held_in(year, engagements), home_country)


def yearly_review_for(year: int, user: Any, home_country: str | None = None) -> Review:
    """The review of `year` over what `user` (None: the public) may see: from the tallies when
    the access rule lets the user see whole confidentialities, else counted from the records."""
    seen = confidentialities_seen_whole(user)
    if seen is None:
        return yearly_review(year, visible_to(user), home_country)
    held = held_in(year, Engagement.objects.filter(confidentiality__in=seen))
    return _review(year, held, home_country, tallied=True, confidentialities=seen)


def _from_tallies(
    year: int, confidentialities: Sequence[str] | None
) -> tuple[_Aggregates, dict[tuple[str, int], int]]:
    from summitry.review import tally

    counted = tally.counts(year, str(review_zone()), confidentialities)
    found = _Aggregates({kind.value: 0 for kind in Kind}, [0] * 12, {}, counted.heads, {}, {})
    for (month, kind), n in counted.months.items():
        found.by_kind[kind] += n
        found.per_month[month - 1] += n
    for person, kinds in counted.principals.items():
        found.principals[person] = {kind.value: kinds.get(kind.value, 0) for kind in Kind}
    found.country_counts = counted.countries
    found.org_counts = counted.organisations
    return found, counted.regions


def _review(
    year: int,
    held: QuerySet[Engagement],
    home_country: str | None,
    *,
    tallied: bool = False,
    confidentialities: Sequence[str] | None = None,
) -> Review:
    held_ids = held.values("id")
    regions: dict[tuple[str, int], int] | None = None
    if tallied:
        found, regions = _from_tallies(year, confidentialities)
    else:
        found = _aggregates(year, held)
    principal = _principal(found.principals, held_ids)
    principal_by_kind = (
        found.principals[principal.pk] if principal else {kind.value: 0 for kind in Kind}
    )
    home = (
        home_country
        or os.environ.get("SUMMITRY_HOME_COUNTRY")
        or (principal.country.code if principal and principal.country else None)
    )
    by_kind, per_month, heads = found.by_kind, found.per_month, found.heads
    total = sum(by_kind.values())

    # The home country by id, so that the counts need no join to the countries' table.
    home_id = Country.objects.filter(code=home).values_list("pk", flat=True).first()
    country_counts = {pk: n for pk, n in found.country_counts.items() if pk != home_id}
    countries = {c.pk: c for c in Country.objects.filter(pk__in=country_counts)}
    by_country = {countries[pk]: n for pk, n in country_counts.items()}

    if regions is not None:
        # An engagement counts in a region unless the home country is its only country there.
        per_region: dict[str, int] = {}
        for (name, only), n in regions.items():
            if only != home_id:
                per_region[name] = per_region.get(name, 0) + n
    else:
        represented = Engagement.countries.through.objects.filter(engagement_id__in=held_ids)
        if home_id is not None:
            represented = represented.exclude(country_id=home_id)
        region = Case(
            When(country__region="", then=Value("Other")),
            default="country__region",
            output_field=CharField(),
        )
        with _index_joins():
            per_region = dict(
                represented.annotate(region_name=region)
                .values_list("region_name")  # type: ignore[misc]  # the stubs miss annotations here
                .annotate(n=Count("engagement_id", distinct=True))
                .order_by()
            )

    org_counts = found.org_counts
    organisations = Organisation.objects.filter(pk__in=org_counts)
    by_org = {o: org_counts[o.pk] for o in organisations if o.category in COUNTED_ORGANISATIONS}
    groupings = {
        o: org_counts[o.pk] for o in organisations if o.category not in COUNTED_ORGANISATIONS
    }

    if home_id is not None:
        heads -= set(Person.objects.filter(country_id=home_id).values_list("pk", flat=True))
    leaders = len(heads)

    online = sum(by_kind[kind] for kind in ONLINE_KINDS)
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
        counterpart_leaders=leaders,
        counterpart_countries=len(by_country),
        counterpart_organisations=len(by_org),
        by_country={c.numeric: n for c, n in by_country.items()},
        country_names={c.numeric: c.name for c in by_country},
        top_countries=_top((c.code, c.name, n) for c, n in by_country.items()),
        top_organisations=_top((o.acronym, o.name, n) for o, n in by_org.items()),
        home_country=home,
        principal=principal.name if principal else None,
        principal_names={k: v for k, v in (principal.names or {}).items() if v}
        if principal
        else {},
        sentence=_sentence(
            year,
            principal.name if principal else None,
            principal_by_kind if principal else by_kind,
            totals,
        ),
        principal_by_kind=principal_by_kind,
        top_groupings=_top((o.acronym, o.name, n) for o, n in groupings.items()),
    )
