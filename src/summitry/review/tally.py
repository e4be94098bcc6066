"""The review's tallies (see models.py), counted once per year and then kept by every write.

A year is counted by `count_year`: its held engagements' contributions, found by the same
statement and dating rule as the live review (`queries.held_in`), then summed. A write to an
engagement, its participants, countries or organisations changes only that engagement's
contributions and the sums they enter (`recount`), so keeping a year costs what the write
touches, never what the year or the other years hold. A year whose stamp no longer matches (a
write that bypassed the models) or whose countries changed region is counted again when read.
"""

from __future__ import annotations

import datetime as dt
import zlib
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from summitry.directory.models import Country
from summitry.directory.signals import reference_data_changed
from summitry.engagements.models import Engagement, Participation, Role
from summitry.review.models import Contribution, Figure, Tally, TallyState
from summitry.review.queries import _month, held_in, year_window

# (year, confidentiality, figure, item, label)
Key = tuple[int, str, str, int, str]


def year_stamp(year: int) -> str:
    """Count, latest update and sum of ids of every engagement (any status) whose start lies in
    the year's window, read from an index: any write to the year's records changes it."""
    low, high = year_window(year, dt.UTC)
    figures = Engagement.objects.filter(start__gte=low, start__lt=high).aggregate(
        n=Count("id"), last=Max("updated_at"), ids=Sum("id")
    )
    return (
        f"{figures['n']}:{figures['last'].isoformat() if figures['last'] else '-'}:{figures['ids']}"
    )


def _insert_contributions(year: int, zone: str, ids: Sequence[int] | None = None) -> None:
    """Writes the contributions of the year's held engagements (or of those among `ids`)."""
    base = Engagement.objects.all() if ids is None else Engagement.objects.filter(pk__in=ids)
    tz = zoneinfo.ZoneInfo(zone)
    held_sql, held_params = (
        held_in(year, base, tz)
        .annotate(month=_month(year, tz))
        .values_list("id", "kind", "month", "confidentiality")
        .order_by()
        .query.sql_with_params()
    )
    quote = connection.ops.quote_name
    part = quote(Participation._meta.db_table)
    countries = quote(Engagement.countries.through._meta.db_table)
    organisations = quote(Engagement.organisations.through._meta.db_table)
    region = f"CASE WHEN co.{quote('region')} = '' THEN 'Other' ELSE co.{quote('region')} END"
    # The same joins as the live review's (queries._aggregates), one row per thing counted.
    sql = f"""WITH held (id, kind, month, confidentiality) AS MATERIALIZED ({held_sql})
        INSERT INTO {quote(Contribution._meta.db_table)}
            (engagement_id, zone, year, confidentiality, figure, item, label)
        SELECT f.id, %s, %s, f.confidentiality, f.figure, f.item, f.label FROM (
            SELECT h.id, h.confidentiality, 'month' AS figure, h.month AS item, h.kind AS label
            FROM held h
            UNION ALL
            SELECT h.id, h.confidentiality, 'principal', p.person_id, h.kind
            FROM held h CROSS JOIN {part} p WHERE p.engagement_id = h.id AND p.role = %s
            UNION ALL
            SELECT h.id, h.confidentiality, 'head', p.person_id, ''
            FROM held h CROSS JOIN {part} p WHERE p.engagement_id = h.id AND p.role = %s
            UNION ALL
            SELECT h.id, h.confidentiality, 'country', c.country_id, ''
            FROM held h CROSS JOIN {countries} c WHERE c.engagement_id = h.id
            UNION ALL
            SELECT h.id, h.confidentiality, 'organisation', o.organisation_id, ''
            FROM held h CROSS JOIN {organisations} o WHERE o.engagement_id = h.id
            UNION ALL
            SELECT h.id, h.confidentiality, 'region',
                CASE WHEN COUNT(*) = 1 THEN MIN(c.country_id) ELSE 0 END, {region}
            FROM held h CROSS JOIN {countries} c CROSS JOIN {quote(Country._meta.db_table)} co
            WHERE c.engagement_id = h.id AND co.id = c.country_id
            GROUP BY h.id, h.confidentiality, {region}
        ) f"""  # noqa: S608  # names from the models, values as parameters
    params = (*held_params, zone, year, Role.PRINCIPAL.value, Role.HEAD_OF_DELEGATION.value)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _lock(zone: str, years: Iterable[int]) -> None:
    """On PostgreSQL, holds (zone, year) for this transaction, so that two counts or a count and
    a write's recount of one year take turns; in order, so that two writers cannot wait on each
    other. SQLite lets one writer at a time anyway."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for year in sorted(set(years)):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", (zlib.crc32(zone.encode()) >> 1, year)
            )


def count_year(year: int, zone: str) -> None:
    """Counts the year afresh (unless another process just did): its contributions, their sums
    and its stamp."""
    with transaction.atomic():
        _lock(zone, [year])
        stamp = year_stamp(year)
        if TallyState.objects.filter(zone=zone, year=year, stamp=stamp).exists():
            return
        Contribution.objects.filter(zone=zone, year=year).delete()
        Tally.objects.filter(zone=zone, year=year).delete()
        _insert_contributions(year, zone)
        quote = connection.ops.quote_name
        columns = "zone, year, confidentiality, figure, item, label"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(Tally._meta.db_table)} ({columns}, total)"  # noqa: S608
                f" SELECT {columns}, COUNT(*) FROM {quote(Contribution._meta.db_table)}"
                f" WHERE zone = %s AND year = %s GROUP BY {columns}",
                (zone, year),
            )
        TallyState.objects.update_or_create(zone=zone, year=year, defaults={"stamp": stamp})


@dataclass
class Counts:
    """A year's figures for some confidentialities, summed from the tallies."""

    months: dict[tuple[int, str], int]  # (month, kind) → engagements
    principals: dict[int, dict[str, int]]  # person → kind → engagements as principal
    heads: set[int]
    countries: dict[int, int]
    organisations: dict[int, int]
    regions: dict[tuple[str, int], int]  # (region, its only country or 0) → engagements


def counts(year: int, zone: str, confidentialities: Iterable[str] | None) -> Counts:
    """The year's figures from the tallies, counting the year first if it is not counted or
    its stamp changed."""
    state = TallyState.objects.filter(zone=zone, year=year).values_list("stamp", flat=True)
    if state.first() != year_stamp(year):
        count_year(year, zone)
    tallies = Tally.objects.filter(zone=zone, year=year)
    if confidentialities is not None:
        tallies = tallies.filter(confidentiality__in=list(confidentialities))
    found = Counts({}, {}, set(), {}, {}, {})
    rows = (
        tallies.values_list("figure", "item", "label")
        .annotate(n=Sum("total"))
        .order_by()
        .values_list("figure", "item", "label", "n")
    )
    for figure, item, label, n in rows:
        if not n:
            continue
        if figure == Figure.MONTH:
            found.months[(item, label)] = n
        elif figure == Figure.PRINCIPAL:
            found.principals.setdefault(item, {})[label] = n
        elif figure == Figure.HEAD:
            found.heads.add(item)
        elif figure == Figure.COUNTRY:
            found.countries[item] = n
        elif figure == Figure.ORGANISATION:
            found.organisations[item] = n
        else:
            found.regions[(label, item)] = n
    return found


def _counted_years(start: dt.datetime | None) -> set[int]:
    # A start is dated in its UTC year or, in the review's zone, at most a day either side.
    return set() if start is None else {start.year - 1, start.year, start.year + 1}


def recount(ids: Iterable[int]) -> None:
    """Brings the tallies up to date with engagements `ids` as the database now holds them:
    their old contributions are taken away and their new ones added, in counted years only."""
    ids = sorted(set(ids))
    states = list(TallyState.objects.values_list("zone", "year"))
    if not ids or not states:
        return
    starts = Engagement.objects.filter(pk__in=ids).values_list("start", flat=True)
    years = set().union(*(_counted_years(start) for start in starts))
    fields = ("year", "confidentiality", "figure", "item", "label")
    with transaction.atomic():
        for zone in {zone for zone, _ in states}:
            counted = {year for z, year in states if z == zone}
            mine = Contribution.objects.filter(zone=zone, engagement_id__in=ids)
            before = set(mine.values_list("year", flat=True))
            _lock(zone, (years | before) & counted)
            old: Counter[Key] = Counter(mine.values_list(*fields))
            mine.delete()
            for year in sorted(years & counted):
                _insert_contributions(year, zone, ids)
            delta: Counter[Key] = Counter(mine.values_list(*fields))
            delta.subtract(old)
            _add(zone, {key: n for key, n in delta.items() if n and key[0] in counted})


def _add(zone: str, delta: dict[Key, int]) -> None:
    if not delta:
        return
    quote = connection.ops.quote_name
    table = quote(Tally._meta.db_table)
    columns = "zone, year, confidentiality, figure, item, label"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}, total) VALUES (%s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
            f" ON CONFLICT ({columns}) DO UPDATE SET total = {table}.total + excluded.total",
            [(zone, *key, n) for key, n in delta.items()],
        )
    Tally.objects.filter(zone=zone, year__in={key[0] for key in delta}, total__lte=0).delete()


# Writes seen by the models' signals. The stamp of a year the write touches is checked before
# (a year already out of date must not look current after) and renewed after.


def _stamped_years(*starts: dt.datetime | None) -> set[int]:
    years = set()
    for start in starts:
        for year in _counted_years(start):
            low, high = year_window(year, dt.UTC)
            if start is not None and low <= start < high:
                years.add(year)
    return years


def _before_engagement_write(sender: Any, instance: Engagement, **kwargs: Any) -> None:
    instance._tally_start = None  # type: ignore[attr-defined]
    if not TallyState.objects.exists():
        return
    before = None
    if not instance._state.adding:
        found = Engagement.objects.filter(pk=instance.pk).values_list("start", flat=True)
        before = instance._tally_start = found.first()  # type: ignore[attr-defined]
    for year in _stamped_years(before, instance.start):
        TallyState.objects.filter(year=year).exclude(stamp=year_stamp(year)).delete()


def _after_engagement_write(sender: Any, instance: Engagement, **kwargs: Any) -> None:
    recount([instance.pk])
    for year in _stamped_years(getattr(instance, "_tally_start", None), instance.start):
        counted = TallyState.objects.filter(year=year)
        if counted.exists():
            counted.update(stamp=year_stamp(year))


def _participation_written(sender: Any, instance: Participation, **kwargs: Any) -> None:
    recount([instance.engagement_id])


def _links_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        recount([instance.pk])
    elif pk_set is not None:
        recount(pk_set)
    else:  # a country or organisation cleared of all its engagements: which, is not told
        TallyState.objects.all().delete()


def _regions_may_have_changed(**kwargs: Any) -> None:
    # A country's region enters the regions' counts of all its engagements: count again.
    TallyState.objects.all().delete()


def connect() -> None:
    uid = "review-tally"
    pre_save.connect(_before_engagement_write, sender=Engagement, dispatch_uid=f"{uid}-pre-save")
    pre_delete.connect(_before_engagement_write, sender=Engagement, dispatch_uid=f"{uid}-pre-del")
    post_save.connect(_after_engagement_write, sender=Engagement, dispatch_uid=f"{uid}-save")
    post_delete.connect(_after_engagement_write, sender=Engagement, dispatch_uid=f"{uid}-del")
    post_save.connect(_participation_written, sender=Participation, dispatch_uid=f"{uid}-part")
    post_delete.connect(
        _participation_written, sender=Participation, dispatch_uid=f"{uid}-part-del"
    )
    for through in (Engagement.countries.through, Engagement.organisations.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"{uid}-{through}")
    post_save.connect(_regions_may_have_changed, sender=Country, dispatch_uid=f"{uid}-country")
    post_delete.connect(
        _regions_may_have_changed, sender=Country, dispatch_uid=f"{uid}-country-del"
    )
    reference_data_changed.connect(_regions_may_have_changed, dispatch_uid=f"{uid}-reference")
