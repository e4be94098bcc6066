"""The register's side of scheduling: engagements in, participants and rankings out."""

from __future__ import annotations

import datetime as dt

import pytest

from summitry.accounts.models import User
from summitry.directory.models import Country, Person
from summitry.engagements import scheduling as adapter
from summitry.engagements.models import Engagement
from summitry.engagements.scheduling import CannotSchedule, find_times, participants_for
from summitry.engagements.services import ParticipantInput
from summitry.scheduling.explain import explain
from summitry.scheduling.model import Participant
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MONDAY = dt.date(2020, 3, 23)


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2020, 3, day, hour, minute, tzinfo=dt.UTC)


def proposal(*participants: ParticipantInput, **fields: object) -> Engagement:
    return factories.engagement(
        title="Proposed call",
        status="proposed",
        start=None,
        participants=list(participants),
        **fields,  # type: ignore[arg-type]
    )


def g20_call() -> Engagement:
    return proposal(
        ParticipantInput(factories.person("Donald Trump", "US")),
        ParticipantInput(factories.person("Xi Jinping", "CN")),
        ParticipantInput(factories.person("Scott Morrison", "AU")),
    )


def by_name(engagement: Engagement, **options: object) -> dict[str, Participant]:
    found = participants_for(engagement, first_day=MONDAY, days=7, **options)  # type: ignore[arg-type]
    return {p.name: p for p in found}


def test_zones_come_from_the_represented_country() -> None:
    # A Chinese national speaking for Australia sits in Canberra's zone and calendar.
    envoy = factories.person("Envoy", "CN")
    geneva = factories.organisation("WTO")
    geneva.seat = Country.objects.get(code="CH")
    geneva.save()
    official = factories.person("Official", "FR")
    un = factories.organisation("UN")
    staffer = factories.person("Staffer", "GH")
    london = factories.person("Londoner", "FR")
    london.time_zone = "Europe/London"
    london.save()
    nowhere = Person.objects.create(name="Stateless")
    call = proposal(
        ParticipantInput(envoy, country=factories.country("AU")),
        ParticipantInput(official, organisation=geneva),
        ParticipantInput(staffer, organisation=un),
        ParticipantInput(london),
        ParticipantInput(nowhere),
    )
    seats = by_name(call)
    assert (seats["Envoy"].zone, seats["Envoy"].country) == ("Australia/Sydney", "AU")
    # An organisation's seat gives the zone; its own holidays are unknown, so no country.
    assert (seats["Official"].zone, seats["Official"].country) == ("Europe/Zurich", None)
    assert (seats["Staffer"].zone, seats["Staffer"].country) == ("America/New_York", None)
    # A zone given on the person wins; the represented country still gives the calendar.
    assert (seats["Londoner"].zone, seats["Londoner"].country) == ("Europe/London", "FR")
    # Nothing says where the stateless participant sits: left out rather than put in UTC.
    assert "Stateless" not in seats
    assert [s.zone for s in adapter.seats_of(call)][-1] is None


def test_busy_intervals_come_from_other_scheduled_or_held_engagements(editor: User) -> None:
    xi = factories.person("Xi Jinping", "CN")
    macron = factories.person("Emmanuel Macron", "FR")
    call = proposal(ParticipantInput(xi), ParticipantInput(macron))
    factories.engagement(
        "Call with Italy", status="held", start=utc(24, 9), people=(xi,), end=utc(24, 9, 40)
    )
    factories.engagement("Call with Spain", status="scheduled", start=utc(25, 10), people=(xi,))
    factories.engagement("Cancelled call", status="cancelled", start=utc(24, 12), people=(xi,))
    factories.engagement(
        "Day only", status="held", start=utc(24, 12), people=(xi,), time_known=False
    )
    factories.engagement("Last month", status="held", start=utc(2, 9), people=(xi,))
    factories.engagement("Other proposal", status="proposed", start=utc(26, 9), people=(xi,))
    factories.engagement(
        "Secret call",
        status="held",
        start=utc(26, 3),
        people=(xi,),
        confidentiality="confidential",
        by=factories.user(username="author"),
    )
    # Ends just inside the window: still busy at its start.
    factories.engagement(
        "Late call", status="held", start=utc(22, 23, 30), end=utc(23, 0, 30), people=(xi,)
    )

    seats = by_name(call, viewer=editor)
    busy = sorted((b.start, b.end, b.label) for b in seats["Xi Jinping"].busy)
    assert busy == [
        (utc(22, 23, 30), utc(23, 0, 30), "Late call"),
        (utc(24, 9), utc(24, 9, 40), "Call with Italy"),
        (utc(25, 10), utc(25, 11), "Call with Spain"),  # no end recorded: one hour
        # The clash counts; the title stays with those who may read it.
        (utc(26, 3), utc(26, 4), "another engagement"),
    ]
    assert seats["Emmanuel Macron"].busy == ()


def test_interpreters_and_observers_are_optional_by_default() -> None:
    call = proposal(
        ParticipantInput(factories.person("Xi Jinping", "CN")),
        ParticipantInput(factories.person("Emmanuel Macron", "FR")),
        ParticipantInput(factories.person("Interpreter", "CN"), role="interpreter"),
        ParticipantInput(factories.person("Observer", "DE"), role="observer"),
    )
    required = {name: p.required for name, p in by_name(call).items()}
    assert required == {
        "Xi Jinping": True,
        "Emmanuel Macron": True,
        "Interpreter": False,
        "Observer": False,
    }
    assert adapter.default_optional(call) == {
        Person.objects.get(name="Interpreter").pk,
        Person.objects.get(name="Observer").pk,
    }
    # Naming who is optional replaces the default entirely.
    macron = Person.objects.get(name="Emmanuel Macron").pk
    chosen = by_name(call, optional_person_ids={macron})
    assert {name for name, p in chosen.items() if not p.required} == {"Emmanuel Macron"}


def test_g20_call_known_answer() -> None:
    # Washington, Beijing and Canberra in the week of 23 March 2020: the fairest hour is
    # 19:00 in Washington, 07:00 in Beijing and 10:00 in Canberra.
    ranking, relaxation = find_times(g20_call(), 60, MONDAY, 5, step=15)
    assert relaxation is None
    best = ranking.best
    assert best.acceptable
    assert best.start == utc(23, 23)
    local = {seat.participant.name: seat.local_start for seat in best.attendance}
    assert (local["Donald Trump"].hour, local["Donald Trump"].weekday()) == (19, 0)
    assert (local["Xi Jinping"].hour, local["Xi Jinping"].weekday()) == (7, 1)
    assert (local["Scott Morrison"].hour, local["Scott Morrison"].weekday()) == (10, 1)
    for seat in best.attendance:
        start, end = seat.local_start, seat.local_end
        assert dt.time(7) <= start.time() and end.time() <= dt.time(23)
    sentence = explain(ranking)
    most = max(seat.cost for seat in best.attendance)
    payers = [s.participant.name for s in best.attendance if s.cost == most]
    assert payers == ["Donald Trump", "Xi Jinping"]
    assert sentence.startswith("Donald Trump and Xi Jinping pay most")
    assert "outside preferred hours" in sentence
    assert "Scott Morrison" not in sentence


def test_nothing_acceptable_gives_the_smallest_relaxation() -> None:
    # Eight hours across three continents cannot fit anyone's waking day.
    ranking, relaxation = find_times(g20_call(), 8 * 60, MONDAY, 5, step=15)
    assert not ranking.feasible
    assert relaxation is not None
    assert relaxation.text.startswith("To meet ")
    assert "optional" in relaxation.text
    assert explain(ranking).startswith("No slot is acceptable")


def test_window_starts_no_earlier_than_now_on_the_step_grid() -> None:
    ranking, _ = find_times(g20_call(), 60, MONDAY, 2, step=15, not_before=utc(23, 10, 7))
    assert ranking.request.start == utc(23, 10, 15)
    assert all(slot.start >= utc(23, 10, 15) for slot in ranking.slots)
    with pytest.raises(CannotSchedule, match="shorter than the meeting"):
        find_times(g20_call(), 60, MONDAY, 1, not_before=utc(23, 23, 30))


def test_fewer_than_two_placed_participants_cannot_be_scheduled() -> None:
    call = proposal(
        ParticipantInput(factories.person("Xi Jinping", "CN")),
        ParticipantInput(Person.objects.create(name="Stateless")),
    )
    with pytest.raises(CannotSchedule, match="at least two participants"):
        find_times(call, 60, MONDAY, 7)


def test_window_runs_midnight_to_midnight_in_the_viewers_zone() -> None:
    assert adapter.window(MONDAY, 2) == (utc(23, 0), utc(25, 0))
    # Paris is at UTC+1 in March 2020 until the 29th, when it springs forward.
    assert adapter.window(MONDAY, 1, "Europe/Paris") == (utc(22, 23), utc(23, 23))
    assert adapter.window(dt.date(2020, 3, 29), 1, "Europe/Paris") == (utc(28, 23), utc(29, 22))
    ranking, _ = find_times(g20_call(), 60, MONDAY, 1, zone="Australia/Sydney")
    assert (ranking.request.start, ranking.request.end) == (utc(22, 13), utc(23, 13))
