"""Fair meeting times across time zones, holidays and calendars.

Plain Python (NumPy for the search), no Django. The usual entry points:

    from summitry.scheduling import Participant, Request, solve, explain, relax

    request = Request.over_days(
        [Participant.for_code("US"), Participant.for_code("CN"), Participant.for_code("AU")],
        duration_minutes=60, first_day=date(2020, 3, 23), days=7,
    )
    ranking = solve(request)          # ranking.slots, best first
    explain(ranking)                  # who pays most and why
    relax(ranking.evaluation)         # smallest relaxation, if nothing is acceptable
"""

from .cost import HARD_FLOOR, minute_cost
from .explain import Change, Relaxation, explain, explain_slot, relax
from .model import (
    DEFAULT_ACCEPTABLE,
    DEFAULT_PREFERRED,
    Attendance,
    Busy,
    Hours,
    Participant,
    Ranking,
    Request,
    Slot,
)
from .serialize import ranking_json, slot_json
from .series import Ledger, schedule_series
from .solver import Evaluation, evaluate, solve
from .weekends import weekly_days_off
from .zones import capital_zone, seat

__all__ = [
    "DEFAULT_ACCEPTABLE",
    "DEFAULT_PREFERRED",
    "HARD_FLOOR",
    "Attendance",
    "Busy",
    "Change",
    "Evaluation",
    "Hours",
    "Ledger",
    "Participant",
    "Ranking",
    "Relaxation",
    "Request",
    "Slot",
    "capital_zone",
    "evaluate",
    "explain",
    "explain_slot",
    "minute_cost",
    "ranking_json",
    "relax",
    "schedule_series",
    "seat",
    "slot_json",
    "solve",
    "weekly_days_off",
]
