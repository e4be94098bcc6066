"""Exact search over every slot of the window.

For each participant the solver needs Q(t), the cost of all minutes from the
window's start up to UTC minute t, at every point of a grid whose spacing g
is gcd(step, duration, 1440): a slot's cost is then Q(end) - Q(start). Q is
built from local time, not minute by minute:

* a local day's cost depends only on its kind (working day or day off) and
  the participant's hours, so each kind has one table of prefix sums
  (`cost.day_prefix`), plus per-participant running totals of whole days;
  as g divides the day, the grid points of a day are a strided slice of
  that table, and a participant's local prefix on the grid is one
  contiguous row per clock phase;
* local minute = UTC minute + offset, and the offset is constant between the
  zone's transitions, so each stretch is a slice of that row; at a
  transition the local clock jumps, and a constant correction keeps Q
  continuous, so a DST change inside a slot counts the skipped hour zero
  times and the repeated hour twice, as lived;
* busy minutes add a piecewise-linear term in UTC.

Everything is integer arithmetic over NumPy arrays of shape
(participants, grid points), and the ranking is one lexsort, so the result
is the exact optimum of the objective, not an approximation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from math import gcd
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from .cost import BUSY, HARD_FLOOR, Int64Array, day_prefix
from .model import MINUTES_PER_DAY, Attendance, Participant, Ranking, Request, Slot
from .public_holidays import public_holidays
from .weekends import weekly_days_off

BoolArray = npt.NDArray[np.bool_]
_SAMPLE_MINUTES = 360  # no zone changes its offset twice within six hours


@dataclass(frozen=True)
class Evaluation:
    """Every candidate slot's cost for every participant.

    ``costs[p, s]`` is participant p's cost in slot s, which starts
    ``starts[s]`` minutes after ``request.start``. ``order`` lists slot
    indices best first.
    """

    request: Request
    starts: Int64Array
    costs: Int64Array
    required: BoolArray
    worst: Int64Array
    total: Int64Array
    acceptable: BoolArray
    order: Int64Array

    def start_of(self, index: int) -> datetime:
        return self.request.start.astimezone(UTC) + timedelta(minutes=int(self.starts[index]))

    def index_of(self, start: datetime) -> int:
        """Index of the slot starting at `start`; ValueError if it is not a candidate."""
        offset = (start - self.request.start) / timedelta(minutes=1)
        found = np.flatnonzero(self.starts == offset)
        if not found.size:
            raise ValueError(f"{start.isoformat()} is not a candidate slot")
        return int(found[0])


def _offset_minutes(zone: ZoneInfo, instant: datetime) -> int:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds()) // 60


@lru_cache(maxsize=8192)
def offset_segments(zone: str, origin: datetime, minutes: int) -> tuple[tuple[int, int], ...]:
    """(first minute, offset in minutes) for each constant-offset stretch of the window.

    Minutes count from `origin`; the first stretch starts at 0.
    """
    tz = ZoneInfo(zone)

    def at(t: int) -> int:
        return _offset_minutes(tz, origin + timedelta(minutes=t))

    segments = [(0, at(0))]
    previous_t, previous = 0, segments[0][1]
    for t in [*range(_SAMPLE_MINUTES, minutes, _SAMPLE_MINUTES), minutes]:
        current = at(t)
        if current != previous:
            low, high = previous_t, t  # offset(low) is old, offset(high) is new
            while high - low > 1:
                middle = (low + high) // 2
                if at(middle) == previous:
                    low = middle
                else:
                    high = middle
            segments.append((high, current))
        previous_t, previous = t, current
    return tuple(segments)


def _days_off(participant: Participant, first: date, count: int) -> list[bool]:
    days = [first + timedelta(days=i) for i in range(count)]
    if participant.holidays is not None:
        holidays = participant.holidays
    else:
        holidays = public_holidays(participant.country, {d.year for d in days})
    flags = []
    for day in days:
        weekly = (
            participant.days_off
            if participant.days_off is not None
            else weekly_days_off(participant.country, day)
        )
        flags.append(day.weekday() in weekly or day in holidays)
    return flags


@lru_cache(maxsize=8192)
def _country_days_off(country: str | None, first: date, count: int) -> tuple[bool, ...]:
    return tuple(_days_off(Participant(name="-", zone="UTC", country=country), first, count))


def _busy_minutes(participant: Participant, origin: datetime, grid: Int64Array) -> Int64Array:
    """Busy minutes in [origin, origin + grid[k]) for each grid point k."""
    covered = np.zeros(grid.shape, dtype=np.int64)
    intervals = sorted(
        (
            (b.start - origin) // timedelta(minutes=1),
            -((origin - b.end) // timedelta(minutes=1)),  # round the end up
        )
        for b in participant.busy
    )
    merged: list[list[int]] = []
    for a, b in intervals:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    for a, b in merged:
        covered += np.clip(grid - a, 0, b - a)
    return covered


def evaluate(request: Request) -> Evaluation:
    """Cost of every candidate slot for every participant, and the ranking."""
    origin = request.start.astimezone(UTC)
    if origin.second or origin.microsecond:
        raise ValueError("the window must start on a whole minute")
    window = int((request.end - request.start) // timedelta(minutes=1))
    duration, step = request.duration_minutes, request.step_minutes
    # Dividing the day too lets one local day be read as a strided row.
    grain = gcd(step, duration, MINUTES_PER_DAY)
    per_day = MINUTES_PER_DAY // grain
    points = window // grain + 1
    participants = request.participants
    count = len(participants)

    # Local minutes count from local midnight of the day before origin's UTC date.
    first_day = origin.date() - timedelta(days=1)
    base = MINUTES_PER_DAY + origin.hour * 60 + origin.minute
    days = (base + window + 15 * 60) // MINUTES_PER_DAY + 1

    table_rows: dict[tuple[object, ...], int] = {}
    tables: list[Int64Array] = []
    kinds = np.empty((count, days), dtype=np.intp)
    for p, person in enumerate(participants):
        if person.days_off is None and person.holidays is None:
            flags: tuple[bool, ...] | list[bool] = _country_days_off(
                person.country, first_day, days
            )
        else:
            flags = _days_off(person, first_day, days)
        rows = []
        for off in (False, True):
            key = (person.acceptable, person.preferred, off, person.allow_days_off)
            if key not in table_rows:
                table_rows[key] = len(tables)
                tables.append(day_prefix(*key))
            rows.append(table_rows[key])
        kinds[p] = np.where(np.asarray(flags, dtype=bool), rows[1], rows[0])

    table = np.stack(tables)  # (kinds of day, 1441): prefix sums within a day
    cumulative = np.zeros((count, days + 1), dtype=np.int64)  # whole days before
    np.cumsum(table[kinds, MINUTES_PER_DAY], axis=1, out=cumulative[:, 1:])

    def local_prefix(p: int, local: int) -> int:
        day, minute = divmod(local, MINUTES_PER_DAY)
        return int(cumulative[p, day] + table[kinds[p, day], minute])

    # Each participant's prefix at every local minute congruent to `phase`
    # modulo the grain, flattened over days: built once per phase in use.
    strided: dict[int, Int64Array] = {}

    def local_grid(phase: int) -> Int64Array:
        found = strided.get(phase)
        if found is None:
            within = table[:, phase:MINUTES_PER_DAY:grain][kinds]  # (count, days, per_day)
            found = (within + cumulative[:, :days, None]).reshape(count, days * per_day)
            strided[phase] = found
        return found

    prefix = np.empty((count, points), dtype=np.int64)
    for p, person in enumerate(participants):
        segments = offset_segments(person.zone, origin, window)
        correction = 0
        for i, (since, offset) in enumerate(segments):
            if i:  # keep the UTC prefix continuous across the clock change
                before = segments[i - 1][1]
                correction += local_prefix(p, base + since + offset)
                correction -= local_prefix(p, base + since + before)
            until = segments[i + 1][0] if i + 1 < len(segments) else window + 1
            first_k, end_k = -(-since // grain), min(-(-until // grain), points)
            if first_k >= end_k:
                continue
            local = base + offset + first_k * grain
            row = local_grid(local % grain)[p, local // grain :]
            np.subtract(row[: end_k - first_k], correction, out=prefix[p, first_k:end_k])
        if person.busy:
            grid = np.arange(points, dtype=np.int64) * grain
            prefix[p] += BUSY * _busy_minutes(person, origin, grid)

    slots = (window - duration) // step + 1
    stride = step // grain
    span = (slots - 1) * stride + 1
    lead = duration // grain
    costs = prefix[:, lead : lead + span : stride] - prefix[:, :span:stride]

    required = np.fromiter((p.required for p in participants), dtype=bool, count=count)
    total = costs.sum(axis=0)
    if required.any():
        must = costs if required.all() else costs[required]
        worst = must.max(axis=0)
        acceptable = worst < HARD_FLOOR
        prior = np.fromiter(
            (request.prior.get(p.name, 0) for p in participants), dtype=np.int64, count=count
        )[required]
        if prior.any():
            worst = (must + prior[:, None]).max(axis=0)
    else:
        worst = np.zeros(slots, dtype=np.int64)
        acceptable = np.ones(slots, dtype=bool)
    # lexsort is stable, so ties keep index order: the earliest slot wins.
    order = np.lexsort((total, worst, ~acceptable)).astype(np.int64)
    return Evaluation(
        request=request,
        starts=np.arange(slots, dtype=np.int64) * step,
        costs=costs,
        required=required,
        worst=worst,
        total=total,
        acceptable=acceptable,
        order=order,
    )


#: With `spread`, slots less than this (or the meeting) apart on the clock count as one time of day.
SPREAD_MINUTES = 60


def _clock_gap(a: int, b: int) -> int:
    gap = abs(a - b) % MINUTES_PER_DAY
    return min(gap, MINUTES_PER_DAY - gap)


def pick(evaluation: Evaluation, limit: int, distinct: bool, spread: bool = False) -> list[int]:
    """The first `limit` slots in rank order; if `distinct`, none overlapping another.

    With `spread`, rank order is first walked for slots at distinct times of day (at least
    SPREAD_MINUTES, or the meeting's length, apart on the clock, whatever the day), then
    what is left to fill is taken in rank order as without it. An unacceptable slot is never
    spread in ahead of an acceptable one.
    """
    if not distinct:
        return [int(i) for i in evaluation.order[:limit]]
    duration = evaluation.request.duration_minutes
    origin = evaluation.request.start.astimezone(UTC)
    clock = origin.hour * 60 + origin.minute
    chosen: list[int] = []
    taken: list[int] = []
    passes = (True, False) if spread else (False,)
    any_acceptable = bool(evaluation.acceptable.any())
    for spreading in passes:
        for index in evaluation.order:
            if spreading and any_acceptable and not evaluation.acceptable[index]:
                break  # rank order puts every acceptable slot first
            start = int(evaluation.starts[index])
            if any(abs(start - other) < duration for other in taken):
                continue
            if spreading and any(
                _clock_gap(clock + start, clock + other) < max(duration, SPREAD_MINUTES)
                for other in taken
            ):
                continue
            chosen.append(int(index))
            taken.append(start)
            if len(chosen) == limit:
                return chosen
    return chosen


def describe(evaluation: Evaluation, index: int) -> Slot:
    """The slot at candidate `index`, with each participant's local times and cost."""
    request = evaluation.request
    start = evaluation.start_of(index)
    end = start + timedelta(minutes=request.duration_minutes)
    attendance = tuple(
        Attendance(
            participant=person,
            local_start=start.astimezone(ZoneInfo(person.zone)),
            local_end=end.astimezone(ZoneInfo(person.zone)),
            cost=int(evaluation.costs[p, index]),
            acceptable=bool(evaluation.costs[p, index] < HARD_FLOOR),
        )
        for p, person in enumerate(request.participants)
    )
    return Slot(
        start=start,
        end=end,
        worst=int(evaluation.worst[index]),
        total=int(evaluation.total[index]),
        acceptable=bool(evaluation.acceptable[index]),
        attendance=attendance,
    )


def solve(request: Request) -> Ranking:
    """Rank every slot of the window and return the best `request.limit` of them."""
    evaluation = evaluate(request)
    chosen = pick(evaluation, request.limit, request.distinct, request.spread)
    return Ranking(
        request=request,
        slots=tuple(describe(evaluation, i) for i in chosen),
        candidates=int(evaluation.starts.size),
        acceptable_count=int(evaluation.acceptable.sum()),
        evaluation=evaluation,
    )
