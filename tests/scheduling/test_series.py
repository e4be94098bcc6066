"""A monthly expert video conference across three continents."""

from datetime import date

import pytest

from summitry.scheduling.cost import HARD_FLOOR
from summitry.scheduling.model import Hours, Participant, Request
from summitry.scheduling.series import Ledger, schedule_series
from summitry.scheduling.solver import solve

pytestmark = pytest.mark.unit

# With 08:00-20:00 everywhere, Los Angeles, Berlin and Tokyo have no common
# hour: each meeting someone is outside acceptable hours.
DAYTIME = Hours.parse("08:00-20:00")
EXPERTS = [
    Participant("Los Angeles", "America/Los_Angeles", "US", acceptable=DAYTIME),
    Participant("Berlin", "Europe/Berlin", "DE", acceptable=DAYTIME),
    Participant("Tokyo", "Asia/Tokyo", "JP", acceptable=DAYTIME),
]


def monthly(months: int) -> list[Request]:
    return [
        Request.over_days(EXPERTS, 60, date(2026, month, 1), 7, step_minutes=15)
        for month in range(1, months + 1)
    ]


def test_without_a_ledger_the_same_regions_always_carry_the_night() -> None:
    forgetful = Ledger()
    for req in monthly(6):
        ranking = solve(req)
        assert not ranking.feasible
        forgetful.record(ranking.best)
    nights = forgetful.nights()
    assert nights["Tokyo"] == 0
    assert nights["Los Angeles"] == nights["Berlin"] == 6


def test_with_a_ledger_the_night_rotates() -> None:
    ledger = Ledger()
    rankings = schedule_series(monthly(6), ledger)
    assert len(ledger.meetings) == 6
    nights = ledger.nights()
    assert all(count >= 2 for count in nights.values()), nights
    assert all(count <= 5 for count in nights.values()), nights
    # Everyone takes the heaviest share at least once.
    heaviest = {max(r.best.attendance, key=lambda a: a.cost).participant.name for r in rankings}
    assert heaviest == {"Los Angeles", "Berlin", "Tokyo"}
    burden = ledger.burden()
    assert max(burden.values()) < 1.25 * min(burden.values())


def test_ledger_prior_reaches_the_request_and_memory_forgets() -> None:
    ledger = Ledger(memory=1)
    first, second = monthly(2)
    ledger.schedule(first)
    ledger.schedule(second)
    assert len(ledger.meetings) == 2
    last = ledger.meetings[-1].costs
    assert ledger.burden() == dict(last)
    assert dict(ledger.prepare(first).prior) == dict(last)
    assert sum(c >= HARD_FLOOR for c in last.values()) >= 1


def test_acceptable_slots_still_come_first_in_a_series() -> None:
    # Paris and Berlin can always meet in the day: a heavy prior must not push
    # anyone into the night, only decide among acceptable slots.
    people = [Participant.for_code("FR"), Participant.for_code("DE")]
    req = Request.over_days(people, 60, date(2026, 1, 13), 1, prior={"FR": 10**9})
    ranking = solve(req)
    assert ranking.best.acceptable
    assert ranking.best.cost_of("FR") == 0
