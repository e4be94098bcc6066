"""Hand-made cases whose best slot can be worked out on paper."""

from datetime import date, timedelta

import pytest

from summitry.scheduling.cost import BUSY, HARD_FLOOR
from summitry.scheduling.model import Busy, Participant
from summitry.scheduling.reference import reference_evaluate
from summitry.scheduling.solver import describe, evaluate, solve

from .helpers import request, utc

pytestmark = pytest.mark.unit


def test_g20_extraordinary_summit_local_times() -> None:
    # 26 March 2020, 12:00 UTC: 08:00 Washington, 20:00 Beijing, 23:00 Canberra.
    g20 = [Participant.for_code(code) for code in ("US", "CN", "AU")]
    evaluation = evaluate(request(g20, 60, date(2020, 3, 26), 1))
    slot = describe(evaluation, evaluation.index_of(utc(2020, 3, 26, 12)))
    local = {a.participant.name: a.local_start for a in slot.attendance}
    assert (local["US"].hour, local["US"].minute, local["US"].day) == (8, 0, 26)
    assert (local["CN"].hour, local["CN"].day) == (20, 26)
    assert (local["AU"].hour, local["AU"].day) == (23, 26)
    assert local["AU"].utcoffset() == timedelta(hours=11)  # Sydney still on summer time
    # Canberra is past 23:00, so the slot is not acceptable; the others pay a little.
    assert not slot.local("AU").acceptable
    assert 0 < slot.cost_of("US") < HARD_FLOOR
    assert 0 < slot.cost_of("CN") < HARD_FLOOR
    assert not slot.acceptable


def test_two_zones_twelve_hours_apart_share_the_pain() -> None:
    # Regina (UTC-6) and Dhaka (UTC+6) never change their clocks. The fairest
    # hour puts one at 07:00 and the other at 19:00, equally far from 09:00-18:00.
    people = [
        Participant("Regina", "America/Regina"),
        Participant("Dhaka", "Asia/Dhaka"),
    ]
    # Monday 5 January 2026. At 01:00 UTC Dhaka is at 07:00 but Regina is on Sunday.
    ranking = solve(request(people, 60, date(2026, 1, 5), 2))
    best = ranking.best
    assert best.start == utc(2026, 1, 5, 13)
    assert best.local("Regina").local_start.hour == 7
    assert best.local("Dhaka").local_start.hour == 19
    assert best.cost_of("Regina") == best.cost_of("Dhaka") > 0
    # The mirror image, Tuesday 01:00 UTC, ties exactly and comes later.
    mirror = ranking.evaluation.index_of(utc(2026, 1, 6, 1))
    assert ranking.evaluation.worst[mirror] == best.worst
    assert ranking.evaluation.total[mirror] == best.total
    assert ranking.slots[1].start == utc(2026, 1, 6, 1)


def test_dst_change_moves_the_best_hour() -> None:
    # New York springs forward on Sunday 8 March 2026; London waits until 29 March.
    # From Monday, 09:00 in New York is 13:00 UTC, an hour earlier than on Friday.
    people = [Participant.for_code("US"), Participant("London", "Europe/London", "GB")]
    ranking = solve(request(people, 60, date(2026, 3, 7), 3))  # Sat, Sun, Mon
    best = ranking.best
    assert best.start == utc(2026, 3, 9, 13)
    assert best.local("US").local_start.hour == 9
    assert best.local("US").local_start.utcoffset() == timedelta(hours=-4)
    assert best.local("London").local_start.hour == 13
    assert best.worst == 0
    before = solve(request(people, 60, date(2026, 3, 6), 1)).best
    assert before.start == utc(2026, 3, 6, 14)  # Friday, still EST
    assert before.local("US").local_start.hour == 9


def test_eu_dst_change_shows_the_right_local_times() -> None:
    people = [Participant("London", "Europe/London", "GB"), Participant.for_code("DE")]
    evaluation = evaluate(request(people, 60, date(2026, 3, 27), 4))  # Fri..Mon
    friday = describe(evaluation, evaluation.index_of(utc(2026, 3, 27, 12)))
    monday = describe(evaluation, evaluation.index_of(utc(2026, 3, 30, 12)))
    assert friday.local("London").local_start.hour == 12
    assert friday.local("DE").local_start.hour == 13
    assert monday.local("London").local_start.hour == 13
    assert monday.local("DE").local_start.hour == 14


@pytest.mark.parametrize(
    ("zone", "first_day"),
    [
        ("America/New_York", date(2026, 3, 8)),  # spring forward: 02:00 -> 03:00
        ("America/New_York", date(2026, 11, 1)),  # fall back: 01:00-02:00 twice
        ("Australia/Lord_Howe", date(2026, 4, 5)),  # half-hour change
    ],
)
def test_slots_across_a_clock_change_cost_what_they_are_lived(zone: str, first_day: date) -> None:
    people = [Participant("here", zone)]
    req = request(people, 180, first_day, 1, step_minutes=15)
    evaluation = evaluate(req)
    reference = reference_evaluate(req)
    assert (evaluation.costs == reference.costs).all()


def test_fall_back_counts_the_repeated_hour_twice() -> None:
    # 05:00-07:00 UTC on 1 November 2026 is 01:00-01:59 EDT then 01:00-01:59 EST
    # in New York: two hours of 01:xx, both at night.
    people = [Participant("NY", "America/New_York")]
    evaluation = evaluate(request(people, 120, date(2026, 11, 1), 1, step_minutes=60))
    slot = describe(evaluation, evaluation.index_of(utc(2026, 11, 1, 5)))
    assert slot.local("NY").local_start.hour == 1
    assert slot.local("NY").local_end.hour == 2
    one_hour = evaluate(request(people, 60, date(2026, 11, 1), 1, step_minutes=60))
    first = one_hour.costs[0, one_hour.index_of(utc(2026, 11, 1, 5))]
    second = one_hour.costs[0, one_hour.index_of(utc(2026, 11, 1, 6))]
    assert first == second
    assert slot.cost_of("NY") == 2 * first


def test_public_holiday_is_avoided() -> None:
    # Good Friday, 3 April 2026, is a public holiday in Germany but not in France.
    germany, france = Participant.for_code("DE"), Participant.for_code("FR")
    alone = solve(request([france], 60, date(2026, 4, 3), 1)).best
    assert alone.start == utc(2026, 4, 3, 7)  # 09:00 in Paris
    assert alone.worst == 0
    # With Germany, Friday is out, then the weekend and Easter Monday: Tuesday it is.
    both = solve(request([germany, france], 60, date(2026, 4, 3), 5)).best
    assert both.start == utc(2026, 4, 7, 7)
    assert both.worst == 0
    # Friday alone: nothing acceptable, Germany is the obstacle.
    friday = solve(request([germany, france], 60, date(2026, 4, 3), 1))
    assert not friday.feasible
    assert not friday.best.local("DE").acceptable
    assert friday.best.local("FR").acceptable


def test_holiday_allowed_costs_more_than_a_working_day_but_is_acceptable() -> None:
    germany = Participant.for_code("DE", allow_days_off=True)
    ranking = solve(request([germany], 60, date(2026, 4, 3), 1))
    assert ranking.feasible
    assert 0 < ranking.best.worst < HARD_FLOOR


def test_busy_interval_excludes_a_must_attend_participant() -> None:
    # Tuesday 13 January 2026 in Paris (UTC+1): preferred hours are 08:00-17:00 UTC.
    engaged = Busy(utc(2026, 1, 13, 8), utc(2026, 1, 13, 11), "cabinet meeting")
    paris = Participant.for_code("FR")
    minister = Participant("Minister", "Europe/Paris", "FR", busy=(engaged,))
    free = solve(
        request([paris, Participant("Minister", "Europe/Paris", "FR")], 60, date(2026, 1, 13), 1)
    ).best
    assert free.start == utc(2026, 1, 13, 8)
    ranking = solve(request([paris, minister], 60, date(2026, 1, 13), 1))
    assert ranking.best.start == utc(2026, 1, 13, 11)
    overlapping = ranking.evaluation.index_of(utc(2026, 1, 13, 10, 55))
    assert ranking.evaluation.costs[1, overlapping] >= BUSY  # one busy minute
    assert not ranking.evaluation.acceptable[overlapping]


def test_busy_optional_participant_costs_but_does_not_exclude() -> None:
    engaged = Busy(utc(2026, 1, 13, 8), utc(2026, 1, 13, 11))
    paris = Participant.for_code("FR")
    minister = Participant("Minister", "Europe/Paris", "FR", busy=(engaged,), required=False)
    ranking = solve(request([paris, minister], 60, date(2026, 1, 13), 1))
    clash = ranking.evaluation.index_of(utc(2026, 1, 13, 8))
    assert ranking.evaluation.acceptable[clash]
    assert ranking.evaluation.worst[clash] == 0
    # Equal on the worst cost; the total (the optional minister's clash) breaks the tie.
    assert ranking.best.start == utc(2026, 1, 13, 11)


def test_friday_saturday_weekend() -> None:
    # Friday 9 January 2026. Riyadh (UTC+3) works on Sunday; London does not.
    riyadh = Participant.for_code("SA")
    alone = solve(request([riyadh], 60, date(2026, 1, 9), 3)).best
    assert alone.start == utc(2026, 1, 11, 6)  # Sunday 09:00 in Riyadh
    assert alone.worst == 0
    london = Participant("London", "Europe/London", "GB")
    both = solve(request([riyadh, london], 60, date(2026, 1, 9), 4)).best
    assert both.start.date() == date(2026, 1, 12)  # Monday, the first day both work
    assert both.acceptable


def test_uae_weekend_moved_in_2022() -> None:
    dubai = Participant.for_code("AE")
    # Friday 7 January 2022 is a working day in the UAE, Friday 8 January 2021 was not.
    assert solve(request([dubai], 60, date(2022, 1, 7), 1)).feasible
    assert not solve(request([dubai], 60, date(2021, 1, 8), 1)).feasible


def test_optional_participant_does_not_set_the_worst() -> None:
    people = [Participant.for_code("FR"), Participant.for_code("NZ", required=False)]
    ranking = solve(request(people, 60, date(2026, 1, 13), 1))
    assert ranking.feasible
    assert ranking.best.worst == 0
    assert ranking.best.total >= ranking.best.cost_of("NZ")
