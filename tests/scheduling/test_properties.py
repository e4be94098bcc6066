"""Property tests: the solver agrees with a plain per-minute evaluation."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summitry.scheduling.model import Busy, Hours, Participant, Request
from summitry.scheduling.reference import reference_evaluate
from summitry.scheduling.solver import solve

pytestmark = pytest.mark.unit

# DST in both hemispheres, half- and quarter-hour offsets, a half-hour DST
# change (Lord Howe), Friday-Saturday and Friday-only weekends.
ZONES = [
    ("America/New_York", "US"),
    ("Europe/London", "GB"),
    ("Europe/Berlin", "DE"),
    ("Australia/Sydney", "AU"),
    ("Australia/Lord_Howe", None),
    ("Australia/Adelaide", None),
    ("Asia/Kolkata", "IN"),
    ("Asia/Kathmandu", "NP"),
    ("Pacific/Chatham", None),
    ("Asia/Riyadh", "SA"),
    ("Asia/Tehran", "IR"),
    ("America/Santiago", "CL"),
    ("Pacific/Kiritimati", None),
    ("America/Adak", None),
]
# Windows that contain clock changes, and ordinary ones.
FIRST_DAYS = [
    date(2026, 3, 7),
    date(2026, 3, 28),
    date(2026, 4, 4),
    date(2026, 10, 3),
    date(2026, 10, 24),
    date(2026, 10, 31),
    date(2026, 1, 13),
    date(2026, 12, 24),
]


@st.composite
def hours(draw: st.DrawFn) -> Hours:
    start = draw(st.integers(0, 47)) * 30
    length = draw(st.integers(1, 47)) * 30
    end = (start + length) % 1440 or 1440
    return Hours(start, end)


@st.composite
def requests(draw: st.DrawFn) -> Request:
    first_day = draw(st.sampled_from(FIRST_DAYS))
    days = draw(st.integers(1, 2))
    origin = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    origin += timedelta(minutes=draw(st.sampled_from([0, 0, 7, 15, 45, 330])))
    window = days * 1440
    step = draw(st.sampled_from([5, 7, 10, 15, 30, 60]))
    duration = draw(st.sampled_from([5, 15, 21, 30, 45, 60, 90, 120, 240]))
    people = []
    for i in range(draw(st.integers(1, 4))):
        zone, country = draw(st.sampled_from(ZONES))
        busy = []
        for _ in range(draw(st.integers(0, 2))):
            start = origin + timedelta(minutes=draw(st.integers(-120, window)))
            busy.append(Busy(start, start + timedelta(minutes=draw(st.integers(1, 300)))))
        people.append(
            Participant(
                name=f"p{i}",
                zone=zone,
                country=country,
                acceptable=draw(hours()) if draw(st.booleans()) else Hours(420, 1380),
                preferred=draw(hours()) if draw(st.booleans()) else Hours(540, 1080),
                allow_days_off=draw(st.booleans()),
                busy=tuple(busy),
                required=draw(st.booleans()) or i == 0,
            )
        )
    prior = {p.name: draw(st.integers(0, 10**8)) for p in people if draw(st.booleans())}
    return Request(
        participants=tuple(people),
        duration_minutes=duration,
        start=origin,
        end=origin + timedelta(minutes=window),
        step_minutes=step,
        prior=prior,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_best_slot_is_never_worse_than_any_other(req: Request) -> None:
    ranking = solve(req)
    reference = reference_evaluate(req)
    best = ranking.best
    index = reference.starts.index(int((best.start - req.start) // timedelta(minutes=1)))
    best_key = reference.keys[index]
    # The objective as the reference computes it, minute by minute.
    for key in reference.keys:
        assert best_key <= key
    assert index == reference.best
    # And every cost the solver reports is the reference's.
    assert (ranking.evaluation.costs == reference.costs).all()
    assert best.worst == best_key[1]
    assert best.total == best_key[2]


@settings(max_examples=30, deadline=None)
@given(requests())
def test_ranked_slots_come_in_objective_order(req: Request) -> None:
    ranking = solve(req)
    keys = [(not s.acceptable, s.worst, s.total, s.start) for s in ranking.slots]
    assert keys == sorted(keys)
    for a, b in zip(ranking.slots, ranking.slots[1:], strict=False):
        assert abs(a.start - b.start) >= timedelta(minutes=req.duration_minutes)
