from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfoNotFoundError

import pytest

from summitry.scheduling.model import Busy, Participant, Request
from summitry.scheduling.reference import reference_evaluate
from summitry.scheduling.solver import evaluate

from .helpers import request, utc

pytestmark = pytest.mark.unit


def test_request_validation() -> None:
    paris = Participant.for_code("FR")
    with pytest.raises(ValueError, match="duration"):
        request([paris], 1441, date(2026, 1, 13), 2)
    with pytest.raises(ValueError, match="unique"):
        request([paris, paris], 60, date(2026, 1, 13), 1)
    with pytest.raises(ValueError, match="shorter"):
        Request((paris,), 60, utc(2026, 1, 13), utc(2026, 1, 13, 0, 30))
    with pytest.raises(ValueError, match="aware"):
        Request((paris,), 60, datetime(2026, 1, 13), datetime(2026, 1, 14))
    with pytest.raises(ValueError):
        Busy(utc(2026, 1, 13, 10), utc(2026, 1, 13, 9))
    with pytest.raises(ZoneInfoNotFoundError):
        Participant("x", "Mars/Olympus_Mons")


def test_for_code_fills_zone_country_and_label() -> None:
    india = Participant.for_code("IND", required=False)
    assert (india.name, india.zone, india.country, india.label) == (
        "IN",
        "Asia/Kolkata",
        "IN",
        "India",
    )
    assert not india.required


def test_odd_step_and_start_match_the_reference() -> None:
    # A 7-minute step does not divide the day: the solver falls back to a
    # one-minute grid and must still agree with the plain evaluation.
    people = [Participant.for_code("NP"), Participant.for_code("US")]
    start = utc(2026, 3, 7, 23, 3)
    req = Request(tuple(people), 21, start, start + timedelta(days=1), step_minutes=7)
    evaluation = evaluate(req)
    reference = reference_evaluate(req)
    assert list(evaluation.starts) == reference.starts
    assert (evaluation.costs == reference.costs).all()
    assert int(evaluation.order[0]) == reference.best
