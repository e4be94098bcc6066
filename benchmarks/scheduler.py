"""Benchmark: Summitry's scheduler against an exhaustive reference.

Random instances of 20, 60 and 200 participants (capitals drawn from
zone.tab, so DST zones, half-hour offsets and Friday-Saturday weekends all
occur), 14 days from 2026-03-02 (inside the US and EU clock changes) at
5-minute steps, 60-minute meetings, some optional participants, some busy
intervals. Each instance is solved by `summitry.scheduling.solve` and by
`reference_evaluate`, which prices every UTC minute through zoneinfo and adds
each slot up minute by minute. Prints figures; asserts nothing. The last line
is one JSON object keyed by size.

    python benchmarks/scheduler.py [--seed N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from summitry.scheduling.model import Busy, Hours, Participant, Request
from summitry.scheduling.reference import reference_evaluate
from summitry.scheduling.solver import solve
from summitry.scheduling.zones import country_zones, seat, to_alpha2

SIZES = (20, 60, 200)
FIRST_DAY = date(2026, 3, 2)
DAYS = 14
DURATION = 60
STEP = 5


def _codes() -> list[str]:
    import pycountry

    found = []
    for country in pycountry.countries:
        code = str(country.alpha_2)
        if country_zones(code):
            found.append(to_alpha2(code))
    return sorted(found)


def instance(size: int, rng: random.Random) -> Request:
    origin = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=UTC)
    codes = _codes()
    people = []
    for i in range(size):
        where = seat(rng.choice(codes))
        busy = []
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            start = origin + timedelta(minutes=rng.randrange(0, DAYS * 1440))
            busy.append(Busy(start, start + timedelta(minutes=rng.randrange(15, 240))))
        options: dict[str, Any] = {}
        if rng.random() < 0.2:
            options["acceptable"] = Hours(
                rng.choice((360, 390, 420, 480)), rng.choice((1260, 1320, 1380, 1440))
            )
        people.append(
            Participant(
                name=f"{where.code}-{i}",
                zone=where.zone,
                country=where.country,
                label=where.name,
                required=rng.random() < 0.9,
                allow_days_off=rng.random() < 0.1,
                busy=tuple(busy),
                **options,
            )
        )
    return Request.over_days(people, DURATION, FIRST_DAY, DAYS, step_minutes=STEP)


def measure(request: Request, repeat: int) -> dict[str, Any]:
    started = time.perf_counter()
    ranking = solve(request)
    cold = (time.perf_counter() - started) * 1000
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        ranking = solve(request)
        warm.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    reference = reference_evaluate(request)
    reference_ms = (time.perf_counter() - started) * 1000

    best = ranking.best
    ours = (not best.acceptable, best.worst, best.total)
    theirs = reference.keys[reference.best][:3]
    same_start = reference.starts[reference.best] == int(
        (best.start - request.start) // timedelta(minutes=1)
    )
    return {
        "participants": len(request.participants),
        "slots": ranking.candidates,
        "summitry_ms": round(statistics.median(warm), 2),
        "summitry_cold_ms": round(cold, 2),
        "reference_ms": round(reference_ms, 1),
        "same_optimum": ours == theirs,
        "same_slot": bool(same_start),
        "same_costs": bool((ranking.evaluation.costs == reference.costs).all()),
        "acceptable_slots": ranking.acceptable_count,
        "best_start": best.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "best_worst": best.worst,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20200326)
    parser.add_argument("--repeat", type=int, default=9, help="warm runs per size")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results: dict[str, dict[str, Any]] = {}
    for size in SIZES:
        figures = measure(instance(size, rng), args.repeat)
        results[str(size)] = figures
        print(
            f"{size:>4} participants, {figures['slots']} slots: "
            f"summitry {figures['summitry_ms']} ms warm (median of {args.repeat}), "
            f"{figures['summitry_cold_ms']} ms cold; "
            f"reference {figures['reference_ms']} ms; "
            f"same optimum {figures['same_optimum']}, same slot {figures['same_slot']}, "
            f"same costs {figures['same_costs']}; "
            f"best {figures['best_start']} worst {figures['best_worst']:,}"
        )
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
