from datetime import date

import pytest

from summitry.scheduling.explain import explain, explain_slot, relax
from summitry.scheduling.model import Busy, Hours, Participant
from summitry.scheduling.solver import describe, evaluate, solve

from .helpers import request, utc

pytestmark = pytest.mark.unit


def test_sentence_names_who_pays_most_and_why() -> None:
    g20 = [Participant.for_code(code) for code in ("US", "CN", "AU")]
    evaluation = evaluate(request(g20, 60, date(2020, 3, 26), 1))
    slot = describe(evaluation, evaluation.index_of(utc(2020, 3, 26, 12)))
    sentence = explain_slot(slot)
    assert sentence.startswith("Australia pays most")
    assert "Thu 23:00–00:00 local time (Australia/Sydney)" in sentence
    assert "60 minutes outside acceptable hours (07:00–23:00)" in sentence


def test_nobody_pays_in_preferred_hours() -> None:
    ranking = solve(request([Participant.for_code("FR")], 60, date(2026, 1, 13), 1))
    assert explain(ranking) == (
        "Everyone meets within preferred hours on a working day: nobody pays."
    )


def test_sentence_mentions_weekly_day_off_holiday_and_clash() -> None:
    riyadh = Participant.for_code("SA", allow_days_off=True)
    friday = solve(request([riyadh], 60, date(2026, 1, 9), 1))
    assert "Friday is a weekly day off in Saudi Arabia" in explain(friday)
    germany = Participant.for_code("DE", allow_days_off=True)
    good_friday = solve(request([germany], 60, date(2026, 4, 3), 1))
    assert "public holiday in Germany (Good Friday)" in explain(good_friday)
    whole_day = Busy(utc(2026, 1, 13), utc(2026, 1, 14), "the state visit")
    busy = Participant.for_code("FR", busy=(whole_day,))
    assert "clashes with the state visit" in explain(
        solve(request([busy], 60, date(2026, 1, 13), 1))
    )


def test_relaxation_is_none_when_something_is_acceptable() -> None:
    ranking = solve(request([Participant.for_code("FR")], 60, date(2026, 1, 13), 1))
    assert relax(ranking.evaluation) is None


def test_smallest_relaxation_allows_half_an_hour_earlier_in_washington() -> None:
    # Washington accepts 07:00-23:00 EST (12:00-04:00 UTC); a secretariat on UTC
    # accepts 06:00-12:30. Only 30 minutes overlap, an hour is needed.
    washington = Participant.for_code("US")
    secretariat = Participant("Secretariat", "Etc/UTC", acceptable=Hours.parse("06:00-12:30"))
    ranking = solve(request([washington, secretariat], 60, date(2026, 1, 13), 1))
    assert not ranking.feasible
    relaxation = relax(ranking.evaluation)
    assert relaxation is not None
    assert relaxation.slot.start == utc(2026, 1, 13, 11, 30)
    assert [c.text for c in relaxation.changes] == ["allow 06:30 for United States"]
    assert relaxation.alternatives == ("make United States optional",)
    assert "allow 06:30 for United States" in relaxation.text


def test_relaxation_on_a_holiday_and_the_later_end() -> None:
    germany, france = Participant.for_code("DE"), Participant.for_code("FR")
    ranking = solve(request([germany, france], 60, date(2026, 4, 3), 1))
    relaxation = relax(ranking.evaluation)
    assert relaxation is not None
    assert [c.kind for c in relaxation.changes] == ["day off"]
    assert "Good Friday" in relaxation.changes[0].text
    assert relaxation.alternatives == ("make Germany optional",)
    # Late rather than early: starting before 13:00 would need two changes.
    short = Participant("Early", "Etc/UTC", acceptable=Hours.parse("13:00-14:30"))
    other = Participant("Other", "Etc/UTC", acceptable=Hours.parse("13:00-20:00"))
    late = solve(request([short, other], 120, date(2026, 1, 13), 1))
    found = relax(late.evaluation)
    assert found is not None
    assert found.slot.start == utc(2026, 1, 13, 13)
    assert [c.text for c in found.changes] == ["allow until 15:00 for Early"]


def test_relaxation_across_midnight_names_the_end_day() -> None:
    night = Participant("Night desk", "Etc/UTC", acceptable=Hours.parse("23:00-01:30"))
    ranking = solve(request([night], 180, date(2026, 1, 13), 2))
    relaxation = relax(ranking.evaluation)
    assert relaxation is not None
    start, end = relaxation.slot.start, relaxation.slot.end
    assert end.date() != start.date()
    assert f"To meet {start:%a %d %b %H:%M}–{end:%a %d %b %H:%M} UTC" in relaxation.text
