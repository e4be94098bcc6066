"""Options at distinct times of day, and how far a slot reaches outside the working day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from summitry.scheduling.explain import HourState, breakdown, timeline
from summitry.scheduling.model import MINUTES_PER_DAY, Participant, Request
from summitry.scheduling.solver import solve

WEEK = date(2020, 3, 23)


def g20(**options: object) -> Request:
    people = [Participant.for_code(code) for code in ("US", "CN", "AU")]
    return Request.over_days(people, 60, WEEK, 5, step_minutes=15, **options)


def clock(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def test_spread_options_start_at_distinct_times_of_day() -> None:
    plain = solve(g20())
    spread = solve(g20(spread=True))
    # Without it, the five options are one hour on five days.
    assert len({clock(slot.start) for slot in plain.slots}) < len(plain.slots)
    # With it, the best is still first, and no two options share an hour of the clock.
    assert spread.best.start == plain.best.start
    starts = [clock(slot.start) for slot in spread.slots]
    assert len(starts) == 5
    for i, a in enumerate(starts):
        for b in starts[i + 1 :]:
            gap = abs(a - b) % MINUTES_PER_DAY
            assert min(gap, MINUTES_PER_DAY - gap) >= 60
    assert all(slot.acceptable for slot in spread.slots)


def test_spread_never_puts_an_unacceptable_time_before_an_acceptable_one() -> None:
    ranking = solve(replace(g20(spread=True), limit=20))
    flags = [slot.acceptable for slot in ranking.slots]
    assert flags == sorted(flags, reverse=True)


def test_breakdown_says_how_far_outside_the_working_day() -> None:
    paris = Participant(name="Macron", zone="Europe/Paris", country="FR")
    seven = datetime(2020, 3, 24, 6, tzinfo=UTC)  # 07:00 in Paris
    early = breakdown(paris, seven, seven + timedelta(hours=1))
    assert (early.before_preferred, early.after_preferred) == (120, 0)
    seven_pm = datetime(2020, 3, 24, 18, tzinfo=UTC)  # 19:00 in Paris
    late = breakdown(paris, seven_pm, seven_pm + timedelta(minutes=30))
    assert (late.before_preferred, late.after_preferred) == (0, 90)


def test_timeline_gives_each_hour_everyones_clock_and_state() -> None:
    slot = solve(g20()).best
    rows = timeline(slot, before=2, after=2)
    assert [row.meeting for row in rows] == [False, False, True, False, False]
    assert all(len(row.hours) == 3 for row in rows)
    meeting = rows[2]
    assert all(hour.state != HourState.NIGHT for hour in meeting.hours)
    assert [hour.local.utcoffset() for hour in meeting.hours] == [
        timedelta(hours=-4),
        timedelta(hours=8),
        timedelta(hours=11),
    ]
