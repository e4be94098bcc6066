"""A large register built fast, for the scale benchmarks (not a benchmark itself).

``build_register(n)`` adds ``n`` held engagements to the database Django is connected to, spread
evenly over ``YEARS`` and numbered in date order, each with one to three counterpart countries
(now and then the home country too), an organisation for about a third, a principal (one of
three home leaders, the first most often) and one to three heads of delegation from a pool of
foreign leaders, sometimes a delegation member. Nine in ten are public, the rest restricted.
Rows are written with ``executemany`` on SQLite and ``COPY`` on PostgreSQL, in chunks, so memory
stays flat and a million engagements take minutes. Seeded: the same ``n`` and seed give the same
register.

Used by ``review_scale.py``; the register benchmark may build its data with it too.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

YEARS = tuple(range(2015, 2025))
HOME = "CN"
CHUNK = 50_000
KINDS = (
    ("telephone_call", 30),
    ("video_meeting", 15),
    ("virtual_summit", 8),
    ("video_conference", 12),
    ("video_address", 10),
    ("written_message", 10),
    ("in_person", 15),
)


@dataclass
class Built:
    engagements: int
    country_links: int
    organisation_links: int
    participations: int
    people: int


def _insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from django.db import connection

    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor: COPY is many times faster than INSERT
            with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def _people(rng: random.Random, foreign_leaders: int) -> tuple[list[int], list[int]]:
    from summitry.directory.models import Country, Person

    countries = list(Country.objects.exclude(code=HOME).order_by("code"))
    home = Country.objects.get(code=HOME)
    principals = Person.objects.bulk_create(
        [Person(name=f"Home leader {i}", country=home) for i in range(3)]
    )
    leaders = Person.objects.bulk_create(
        [
            Person(name=f"Leader {i}", country=None if i % 97 == 0 else rng.choice(countries))
            for i in range(foreign_leaders)
        ]
    )
    return [p.pk for p in principals], [p.pk for p in leaders]


def _starts(rng: random.Random, engagements: int, years: Sequence[int]) -> Iterator[dt.datetime]:
    """Start times in order: records numbered as they would be by a register kept over the
    years, or by an archive imported in date order."""
    for index, year in enumerate(years):
        count = engagements * (index + 1) // len(years) - engagements * index // len(years)
        first = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        for second in sorted(rng.randrange(365 * 86_400) for _ in range(count)):
            yield first + dt.timedelta(seconds=second)


def build_register(
    engagements: int, *, seed: int = 14, foreign_leaders: int = 5_000, years: Sequence[int] = YEARS
) -> Built:
    """Adds `engagements` held engagements (see the module's docstring) in one transaction."""
    from django.db import connection, transaction
    from django.db.models import Max

    from summitry.directory.models import Country, Organisation
    from summitry.engagements.models import Engagement

    rng = random.Random(seed)
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Django's foreign keys are checked at commit, one trigger per row: hours for millions
            # of rows. The generated rows refer only to rows just read or written.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        principals, leaders = _people(rng, foreign_leaders)
        country_ids = list(Country.objects.exclude(code=HOME).values_list("pk", flat=True))
        home_id = Country.objects.get(code=HOME).pk
        organisation_ids = list(Organisation.objects.values_list("pk", flat=True))
        next_id = (Engagement.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        kinds, weights = zip(*KINDS, strict=True)
        now = adapt(dt.datetime.now(dt.UTC))
        built = Built(0, 0, 0, 0, len(principals) + len(leaders))
        starts = _starts(rng, engagements, years)
        for chunk_start in range(0, engagements, CHUNK):
            rows, countries, organisations, people = [], [], [], []
            for index in range(chunk_start, min(engagements, chunk_start + CHUNK)):
                pk = next_id + index
                day = next(starts)
                time_known = rng.random() < 0.8
                start = day if time_known else day.replace(hour=12, minute=0, second=0)
                kind = rng.choices(kinds, weights)[0]
                confidentiality = "public" if rng.random() < 0.9 else "restricted"
                rows.append(
                    (pk, f"Engagement {pk}", kind, "held", adapt(start), time_known, "",
                     confidentiality, "en", now, now)
                )  # fmt: skip
                chosen = rng.sample(country_ids, rng.randint(1, 3))
                if rng.random() < 0.1:
                    chosen.append(home_id)
                countries += [(pk, c) for c in chosen]
                if rng.random() < 0.33:
                    organisations.append((pk, rng.choice(organisation_ids)))
                principal = principals[0] if rng.random() < 0.7 else rng.choice(principals)
                heads = rng.sample(leaders, rng.randint(1, 3))
                people.append((pk, principal, "principal", 0))
                people += [(pk, h, "head_of_delegation", i + 1) for i, h in enumerate(heads)]
                if rng.random() < 0.2:
                    member = rng.choice(leaders)
                    if member not in heads:
                        people.append((pk, member, "delegation_member", len(heads) + 1))
            _insert(
                "engagements_engagement",
                ("id", "title", "kind", "status", "start", "time_known", "readout",
                 "confidentiality", "original_language", "created_at", "updated_at"),
                rows,
            )  # fmt: skip
            _insert("engagements_engagement_countries", ("engagement_id", "country_id"), countries)
            _insert(
                "engagements_engagement_organisations",
                ("engagement_id", "organisation_id"),
                organisations,
            )
            _insert(
                "engagements_participation", ("engagement_id", "person_id", "role", "order"), people
            )
            built.engagements += len(rows)
            built.country_links += len(countries)
            built.organisation_links += len(organisations)
            built.participations += len(people)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('engagements_engagement', 'id'),"
                    " (SELECT MAX(id) FROM engagements_engagement))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return built
