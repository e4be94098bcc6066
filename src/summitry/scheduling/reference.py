"""A deliberately plain evaluator, to check the solver against.

It converts every UTC minute of the window to local time with zoneinfo,
prices it with `cost.minute_cost`, and adds up each slot minute by minute.
It shares the definition of the objective with the solver and nothing else:
no day tables, prefix sums, offset segments or grid. Slow (seconds for
hundreds of participants over two weeks), so only tests and benchmarks use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .cost import HARD_FLOOR, Int64Array, minute_cost
from .model import Participant, Request
from .public_holidays import public_holidays
from .weekends import weekly_days_off


@dataclass(frozen=True)
class ReferenceResult:
    starts: list[int]  # minutes from the window's start
    costs: Int64Array  # (participants, slots)
    keys: list[tuple[bool, int, int, int]]  # (unacceptable, worst, total, start) per slot
    best: int  # index of the best slot


def participant_minutes(person: Participant, origin: datetime, minutes: int) -> list[int]:
    """Cost of each UTC minute [origin + t, origin + t + 1) for t in range(minutes)."""
    tz = ZoneInfo(person.zone)
    memo: dict[tuple[int, bool, bool], int] = {}
    years = {(origin + timedelta(days=d)).year for d in range(-2, minutes // 1440 + 3)}
    holidays = (
        person.holidays if person.holidays is not None else public_holidays(person.country, years)
    )
    day_off_memo: dict[date, bool] = {}
    busy = [(b.start.astimezone(UTC), b.end.astimezone(UTC)) for b in person.busy]
    out = []
    for t in range(minutes):
        instant = origin + timedelta(minutes=t)
        local = instant.astimezone(tz)
        day = local.date()
        off = day_off_memo.get(day)
        if off is None:
            weekly = (
                person.days_off
                if person.days_off is not None
                else weekly_days_off(person.country, day)
            )
            off = day.weekday() in weekly or day in holidays
            day_off_memo[day] = off
        engaged = any(a < instant + timedelta(minutes=1) and b > instant for a, b in busy)
        key = (local.hour * 60 + local.minute, off, engaged)
        cost = memo.get(key)
        if cost is None:
            cost = minute_cost(
                key[0],
                person.acceptable,
                person.preferred,
                day_off=off,
                allow_days_off=person.allow_days_off,
                busy=engaged,
            )
            memo[key] = cost
        out.append(cost)
    return out


def reference_evaluate(request: Request) -> ReferenceResult:
    origin = request.start.astimezone(UTC)
    window = int((request.end - request.start) // timedelta(minutes=1))
    duration, step = request.duration_minutes, request.step_minutes
    starts = list(range(0, window - duration + 1, step))
    rows = []
    for person in request.participants:
        minutes = np.asarray(participant_minutes(person, origin, window), dtype=np.int64)
        sums = sliding_window_view(minutes, duration).sum(axis=1)
        rows.append(sums[starts])
    costs = np.vstack(rows)
    keys = []
    for s, start in enumerate(starts):
        column = [int(c) for c in costs[:, s]]
        must = [
            c + request.prior.get(p.name, 0)
            for c, p in zip(column, request.participants, strict=True)
            if p.required
        ]
        hard = any(
            c >= HARD_FLOOR for c, p in zip(column, request.participants, strict=True) if p.required
        )
        keys.append((hard, max(must, default=0), sum(column), start))
    best = min(range(len(starts)), key=keys.__getitem__)
    return ReferenceResult(starts=starts, costs=costs, keys=keys, best=best)
