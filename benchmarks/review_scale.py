"""Benchmark: the yearly review over a register of a million held engagements, against pandas.

Builds ``--engagements`` held engagements (1,000,000 by default; see ``scale_data.py``) over ten
years in a temporary database (SQLite; PostgreSQL with ``--postgres``, started by
``scripts/with-postgres.sh``), then times, alternately, in the same run and on the same database:

- summitry: ``yearly_review_for(year, None)``, the public review as the page computes it when
  its cache is empty: from the year's tallies (counted once before the runs, then kept by each
  write; the time of that first count is printed apart);
- summitry counting the records: ``yearly_review(year, visible_to(None))`` (``live_s``);
- pandas: the same figures from the same database, reading the year's rows with
  ``pandas.read_sql`` (the SQL only selects the year's window) and counting in pandas.

The two must agree. Also times the review page, first computed (after another year's page, so
not the process's first), then from the cache. Prints
figures; the last line is one JSON object with ``engagements``, ``summitry_s`` and ``pandas_s``
(medians of ``--runs``, wall time) and ``ratio`` (summitry / pandas), with the CPU time of each
(``*_cpu_s``). Target: summitry at most 1 s, ratio at most 1.

    python benchmarks/review_scale.py [--engagements N] [--runs 5] [--year 2020] [--postgres]
        [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def pandas_review(year: int) -> dict[str, Any]:
    """The review's figures for the public, counted by pandas from the year's rows."""
    import datetime as dt

    import pandas as pd
    from django.db import connection

    from summitry.review.queries import COUNTED_ORGANISATIONS, review_zone, year_window

    zone = review_zone()
    low, high = (connection.ops.adapt_datetimefield_value(t) for t in year_window(year, zone))
    mark = "%s" if connection.vendor == "postgresql" else "?"
    window = (
        f"SELECT id FROM engagements_engagement WHERE status = 'held'"
        f" AND start >= {mark} AND start < {mark}"
    )
    raw = connection.connection
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas prefers SQLAlchemy; DB-API works

        def read(sql: str) -> pd.DataFrame:
            return pd.read_sql(sql, raw, params=(low, high))

        def table(sql: str) -> pd.DataFrame:
            return pd.read_sql(sql, raw)

        engagements = read(
            "SELECT id, kind, start, time_known, confidentiality FROM engagements_engagement"
            f" WHERE status = 'held' AND start >= {mark} AND start < {mark}"
        )
        links = read(
            "SELECT engagement_id, country_id FROM engagements_engagement_countries"
            f" WHERE engagement_id IN ({window})"
        )
        org_links = read(
            "SELECT engagement_id, organisation_id FROM engagements_engagement_organisations"
            f" WHERE engagement_id IN ({window})"
        )
        parts = read(
            'SELECT id, engagement_id, person_id, role, "order" FROM engagements_participation'
            f" WHERE engagement_id IN ({window})"
        )
        countries = table("SELECT id, code, numeric, region FROM directory_country")
        people = table("SELECT id, country_id FROM directory_person")
        organisations = table("SELECT id, category FROM directory_organisation")

    engagements = engagements[engagements["confidentiality"] == "public"]
    start = pd.to_datetime(engagements["start"], utc=True, format="ISO8601")
    known = engagements["time_known"].astype(bool)
    local = start.dt.tz_convert(zone)
    year_of = local.dt.year.where(known, start.dt.year)
    month_of = local.dt.month.where(known, start.dt.month)
    held = engagements.assign(start=start, month=month_of)[year_of == year]
    ids = held["id"]

    by_kind = held["kind"].value_counts().to_dict()
    per_month = held["month"].value_counts().reindex(range(1, 13), fill_value=0).tolist()

    parts = parts[parts["engagement_id"].isin(ids)]
    principals = parts[parts["role"] == "principal"].merge(
        held[["id", "start"]].rename(columns={"id": "engagement_id"}), on="engagement_id"
    )
    principal = None
    if len(principals):
        counts = principals["person_id"].value_counts()
        tied = principals[principals["person_id"].isin(counts[counts == counts.max()].index)]
        first = tied.sort_values(["start", "engagement_id", "order", "id"]).iloc[0]
        principal = int(first["person_id"])
    countries = countries.set_index("id")
    people = people.set_index("id")
    home_id = people["country_id"].get(principal) if principal is not None else None
    home = countries["code"].get(home_id) if home_id is not None and home_id == home_id else None
    own = principals[principals["person_id"] == principal]["engagement_id"]
    principal_by_kind = held[held["id"].isin(own)]["kind"].value_counts().to_dict()

    links = links[links["engagement_id"].isin(ids)].join(countries, on="country_id")
    if home:
        links = links[links["code"] != home]
    by_country = links["numeric"].value_counts().to_dict()
    regions = links.assign(region=links["region"].replace("", "Other"))
    per_region = regions.drop_duplicates(["engagement_id", "region"])["region"].value_counts()

    org_links = org_links[org_links["engagement_id"].isin(ids)].join(
        organisations.set_index("id"), on="organisation_id"
    )
    counted = org_links[org_links["category"].isin([str(c) for c in COUNTED_ORGANISATIONS])]

    heads = parts[parts["role"] == "head_of_delegation"].join(people, on="person_id")
    if home:
        heads = heads[heads["country_id"].isna() | (heads["country_id"] != home_id)]
    del dt
    return {
        "total": len(held),
        "by_kind": {k: int(v) for k, v in by_kind.items()},
        "per_month": [int(n) for n in per_month],
        "per_region": {str(k): int(v) for k, v in per_region.items()},
        "by_country": {str(k): int(v) for k, v in by_country.items()},
        "leaders": int(heads["person_id"].nunique()),
        "countries": len(by_country),
        "organisations": int(counted["organisation_id"].nunique()),
        "principal_by_kind": {k: int(v) for k, v in principal_by_kind.items()},
    }


def summitry_figures(review: Any) -> dict[str, Any]:
    def nonzero(counts: dict[str, int]) -> dict[str, int]:
        return {k: v for k, v in counts.items() if v}

    return {
        "total": review.total,
        "by_kind": nonzero(review.by_kind),
        "per_month": review.per_month,
        "per_region": review.per_region,
        "by_country": review.by_country,
        "leaders": review.counterpart_leaders,
        "countries": review.counterpart_countries,
        "organisations": review.counterpart_organisations,
        "principal_by_kind": nonzero(review.principal_by_kind),
    }


CPU: list[float] = []  # the CPU seconds of the last timed call


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Wall seconds and result of `work`; its CPU seconds (this process) go to CPU."""
    began, cpu = time.perf_counter(), time.process_time()
    result = work()
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - began, result


def run(args: argparse.Namespace, data_dir: str) -> dict[str, Any]:
    os.environ.update(SUMMITRY_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="summitry.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from scale_data import build_register
    from summitry.engagements.models import Engagement, Status
    from summitry.engagements.queries import visible_to
    from summitry.review import tally
    from summitry.review.queries import review_zone, yearly_review, yearly_review_for

    print(f"Database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    held = Engagement.objects.filter(status=Status.HELD).count()
    if held:
        print(f"Reusing the {held} held engagements already in the database")
    else:
        began = time.perf_counter()
        built = build_register(args.engagements)
        held = built.engagements
        print(f"Built {built} in {time.perf_counter() - began:.0f} s")

    # Counts the year's tallies if they are not counted yet (in a kept database they are).
    seconds, _ = timed(lambda: tally.counts(args.year, str(review_zone()), None))
    print(f"Tallies of {args.year} ready in {seconds:.1f} s (a first count, or a read)")

    times: dict[str, list[float]] = {"summitry": [], "live": [], "pandas": []}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    for index in range(args.runs):
        seconds, review = timed(lambda: yearly_review_for(args.year, None))
        times["summitry"].append(seconds)
        cpu["summitry"].append(CPU[-1])
        seconds, live = timed(lambda: yearly_review(args.year, visible_to(None)))
        times["live"].append(seconds)
        cpu["live"].append(CPU[-1])
        seconds, counted = timed(lambda: pandas_review(args.year))
        times["pandas"].append(seconds)
        cpu["pandas"].append(CPU[-1])
        for name, figures in (("summitry", review), ("counting the records", live)):
            if summitry_figures(figures) != counted:
                print(name, summitry_figures(figures), "\npandas:  ", counted, file=sys.stderr)
                raise SystemExit(f"summitry ({name}) and pandas disagree")
        print(
            "run {}: summitry {:.3f} s (CPU {:.3f}), counting the records {:.3f} s (CPU {:.3f}),"
            " pandas {:.3f} s (CPU {:.3f}); {} engagements held in {}".format(
                index + 1,
                *(x[name][-1] for name in times for x in (times, cpu)),
                review.total,
                args.year,
            )
        )

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    # Another year's page first: the process's one-time costs (templates, catalogues, the
    # atlas) are not the year's.
    assert client.get(f"/review/{args.year - 1}/").status_code == 200
    page_cold, first = timed(lambda: client.get(f"/review/{args.year}/"))
    page_cached, second = timed(lambda: client.get(f"/review/{args.year}/"))
    assert first.status_code == second.status_code == 200, (first.status_code, second.status_code)
    print(f"review page: computed {page_cold:.3f} s, from the cache {page_cached:.3f} s")

    summitry_s = statistics.median(times["summitry"])
    pandas_s = statistics.median(times["pandas"])
    return {
        "engagements": held,
        "database": connection.vendor,
        "summitry_s": round(summitry_s, 3),
        "pandas_s": round(pandas_s, 3),
        "ratio": round(summitry_s / pandas_s, 3),
        "summitry_cpu_s": round(statistics.median(cpu["summitry"]), 3),
        "pandas_cpu_s": round(statistics.median(cpu["pandas"]), 3),
        "live_s": round(statistics.median(times["live"]), 3),
        "live_cpu_s": round(statistics.median(cpu["live"]), 3),
        "page_computed_s": round(page_cold, 3),
        "page_cached_s": round(page_cached, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (median)")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL server")
    parser.add_argument(
        "--data-dir",
        help="keep the SQLite database in this directory, and reuse the register found there",
    )
    args = parser.parse_args()
    if args.postgres and "DATABASE_URL" not in os.environ:
        script = ROOT / "scripts" / "with-postgres.sh"
        os.execv(script, [str(script), sys.executable, *sys.argv])  # noqa: S606
    if not args.postgres:
        os.environ.pop("DATABASE_URL", None)
    if args.data_dir:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
        print(json.dumps(run(args, args.data_dir)))
        return
    with tempfile.TemporaryDirectory(prefix="summitry-review-scale-") as data_dir:
        print(json.dumps(run(args, data_dir)))


if __name__ == "__main__":
    main()
