"""Benchmark: the register list and the export at scale.

Builds N engagements (default 1,000,000; bulk inserts, one to two countries each, a title and a
readout of a few dozen words, 90 % public) in a temporary database, then times the register page
as an anonymous visitor asks for it (50 rows, rendered): the first page, a page deep in the list
(keyset cursor at 90 % depth), a page sorted by title, a deep page sorted by title, and a search.
Each figure is the median of several runs after one warm-up. Then `summitry export` runs as a
child process over one year (and, with --export-all, over the whole register), and its peak
memory (ru_maxrss) is read: a streaming export stays flat as the register grows. Prints
figures; asserts nothing. The last line is one JSON object.

    python benchmarks/register_scale.py [--engagements N] [--postgres] [--no-export]
                                        [--export-all] [--data-dir DIR]

--postgres runs the same against a throw-away PostgreSQL server (scripts/with-postgres.sh).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100.0
FIRST_YEAR, YEARS = 2016, 10
KINDS = [
    "telephone_call",
    "video_meeting",
    "virtual_summit",
    "video_conference",
    "video_address",
    "written_message",
    "in_person",
]
TITLES = {
    "telephone_call": "Telephone call with {} of {}",
    "video_meeting": "Video meeting with {} of {}",
    "virtual_summit": "Virtual summit hosted by {} of {}",
    "video_conference": "Video conference with {} of {}",
    "video_address": "Address by video link to {} of {}",
    "written_message": "Message to {} of {}",
    "in_person": "Meeting with {} of {}",
}
OFFICES = [
    "the President",
    "the Prime Minister",
    "the Foreign Minister",
    "the King",
    "the Chancellor",
]


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    syllables = [a + b for a in "bcdfghklmnprstvz" for b in "aeiou"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def build(count: int, seed: int = 14) -> dict[str, Any]:
    """Engagements straight into the tables (bulk inserts, no history rows): the register's
    shape, not its write path."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from summitry.directory.models import Country
    from summitry.engagements.models import Engagement
    from summitry.engagements.search import ENGAGEMENT_TEXT

    rng = random.Random(seed)
    words = vocabulary(rng)
    # Zipf-like: a few words everywhere, most rare, as in prose.
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    countries = list(Country.objects.values_list("pk", "name"))
    fields = [f for f in Engagement._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(["id", *(connection.ops.quote_name(f.column) for f in fields)])
    marks = ", ".join(["%s"] * (len(fields) + 1))
    table = Engagement._meta.db_table
    link_table = Engagement.countries.through._meta.db_table
    first_id = (Engagement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    span = YEARS * 365 * 24 * 3600
    origin = dt.datetime(FIRST_YEAR, 1, 1, tzinfo=dt.UTC)
    now = dt.datetime.now(dt.UTC)
    batch = 20_000
    # Columns this benchmark does not fill (added by later migrations, too) take their default.
    defaults = {f.name: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    # One index build at the end is far cheaper than a trigger per row.
    ENGAGEMENT_TEXT.drop(connection)
    for offset in range(0, count, batch):
        rows = []
        links = []
        for i in range(offset, min(offset + batch, count)):
            pk = first_id + i
            kind = rng.choice(KINDS)
            country, name = rng.choice(countries)
            undated = rng.random() < 0.01
            start = None if undated else origin + dt.timedelta(seconds=rng.randrange(span))
            time_known = rng.random() < 0.3
            if start is not None and not time_known:
                start = start.replace(hour=12, minute=0, second=0)
            roll = rng.random()
            values: dict[str, Any] = {
                "title": TITLES[kind].format(rng.choice(OFFICES), name),
                "kind": kind,
                "status": "proposed" if undated else "held",
                "start": start,
                "time_known": time_known,
                "readout": " ".join(
                    rng.choices(words, cum_weights=cumulative, k=rng.randint(15, 45))
                ),
                "confidentiality": "public"
                if roll < 0.9
                else ("restricted" if roll < 0.98 else "confidential"),
                "created_at": now,
                "updated_at": now,
            }
            row = [pk]
            for field in fields:
                if field.name in values:
                    row.append(field.get_db_prep_save(values[field.name], connection))
                else:
                    row.append(defaults[field.name])
            rows.append(row)
            links.append((pk, country))
            if rng.random() < 0.5:
                links.append((pk, rng.choice(countries)[0]))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            cursor.executemany(
                f"INSERT INTO {link_table} (engagement_id, country_id) VALUES (%s, %s)",
                list(dict.fromkeys(links)),
            )
    ENGAGEMENT_TEXT.create(connection)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Engagement]):
            cursor.execute(statement)
        cursor.execute("ANALYZE")
    # A word in about one record in a thousand: a search a person would make.
    middle = words[min(len(words) - 1, 600)]
    return {"search": middle}


def timed(client: Any, url: str, runs: int = 7) -> tuple[float, float, int]:
    """Median wall time and median CPU time of this process (SQLite runs inside it), in ms.
    On a shared machine the CPU time is the figure that does not depend on the neighbours."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    wall, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    rows = response.content.decode().count("<tr>\n      <td>")
    return statistics.median(wall), statistics.median(cpu), rows


def deep_cursor(sort: str, depth: float) -> str:
    from summitry.engagements.forms import SORT_KEYS
    from summitry.engagements.queries import visible_to
    from summitry.keyset import Order, encode

    column = sort.lstrip("-")
    order = Order(SORT_KEYS[column], descending=sort.startswith("-"))
    public = visible_to(None).filter(**{f"{order.key}__isnull": False})
    total = public.count()
    sign = "-" if order.descending else ""
    # Found once with OFFSET to place the cursor; the page itself is read by keyset.
    row = public.order_by(f"{sign}{order.key}", f"{sign}pk")[int(total * depth)]
    return encode(row, order)


def export_peak(fmt: str, year: int | None) -> dict[str, Any]:
    """Peak resident memory of `summitry export` as a child process, and what it wrote."""
    command = [sys.executable, "-m", "summitry.cli", "export", "--format", fmt, "-o", os.devnull]
    if year is not None:
        command += ["--year", str(year)]
    began = time.perf_counter()
    child = subprocess.Popen(command, stderr=subprocess.PIPE, env=os.environ.copy())
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    err = child.stderr.read().decode() if child.stderr else ""
    if status != 0:
        raise RuntimeError(f"export failed: {err}")
    written = int(err.split()[1]) if err.startswith("Wrote") else -1
    return {
        "records": written,
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "seconds": round(seconds, 1),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection
    from django.test import Client

    from summitry.directory.services import sync_reference_data
    from summitry.engagements.models import Engagement

    call_command("migrate", interactive=False, verbosity=0)
    began = time.perf_counter()
    if Engagement.objects.exists():
        # A kept database (--data-dir): the search word as the build chose it.
        built = {"search": vocabulary(random.Random(14))[600]}
        print(f"{connection.vendor}: reusing {Engagement.objects.count():,} engagements")
    else:
        sync_reference_data()
        built = build(args.engagements)
        print(
            f"{connection.vendor}: built {Engagement.objects.count():,} engagements"
            f" in {time.perf_counter() - began:.0f} s"
        )
    build_s = time.perf_counter() - began

    client = Client()
    figures: dict[str, float] = {}
    pages = {
        "first_page_ms": "/engagements/",
        "deep_page_ms": f"/engagements/?after={deep_cursor('-date', 0.9)}",
        "sorted_page_ms": "/engagements/?sort=title",
        "deep_sorted_page_ms": f"/engagements/?sort=title&after={deep_cursor('title', 0.9)}",
        "search_ms": f"/engagements/?q={built['search']}",
        "search_sorted_ms": f"/engagements/?q={built['search']}&sort=title",
        "filtered_page_ms": f"/engagements/?year={FIRST_YEAR + 4}&kind=telephone_call",
    }
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, url in pages.items():
        cpu_name = name.replace("_ms", "_cpu_ms")
        figures[name], figures[cpu_name], rows = timed(client, url)
        verdict = "ok" if min(figures[name], figures[cpu_name]) <= TARGET_MS else "over target"
        print(
            f"  {name:22} {figures[name]:7.1f} ms wall {figures[cpu_name]:7.1f} ms CPU"
            f"  ({rows} rows; {verdict})"
        )

    exports: dict[str, Any] = {}
    if not args.no_export:
        sizes: list[tuple[str, int | None]] = [("one_year", FIRST_YEAR + 4)]
        if args.export_all:
            sizes.append(("all", None))
        for label, year in sizes:
            exports[label] = export_peak("csv", year)
            e = exports[label]
            print(
                f"  export csv {label:8} {e['records']:>9,} records  {e['seconds']:6.1f} s"
                f"  peak {e['peak_mb']:.0f} MB"
            )
    return {
        "database": connection.vendor,
        "engagements": Engagement.objects.count(),
        "build_s": round(build_s, 1),
        **{k: round(v, 1) for k, v in figures.items()},
        "target_ms": TARGET_MS,
        "load_average": round(os.getloadavg()[0], 1),
        "export_csv": exports,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--no-export", action="store_true", help="skip the export's memory runs")
    parser.add_argument(
        "--export-all",
        action="store_true",
        help="also export the whole register (about 1 ms of CPU a record)",
    )
    parser.add_argument(
        "--data-dir",
        help="keep the SQLite database in this directory, and reuse the register found there",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if args.postgres and not url.startswith("postgres"):
        script = str(ROOT / "scripts" / "with-postgres.sh")
        os.execv(script, [script, sys.executable, *sys.argv])  # noqa: S606
    with tempfile.TemporaryDirectory(prefix="summitry-register-") as temporary:
        folder = args.data_dir or temporary
        Path(folder).mkdir(parents=True, exist_ok=True)
        if not args.postgres:
            os.environ["DATABASE_URL"] = f"sqlite:///{folder}/register.sqlite3"
        os.environ["SUMMITRY_DATA_DIR"] = folder
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitry.settings")
        result = run(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
