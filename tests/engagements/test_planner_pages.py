"""The calendar's views and picker, the record form's participants and errors, Find a time's words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.engagements.find_time import cost_words, duration_words, hours_of
from summitry.engagements.models import Engagement
from summitry.engagements.scheduling import seats_of
from summitry.engagements.services import ParticipantInput
from summitry.scheduling.explain import breakdown
from summitry.scheduling.model import Participant, Request
from summitry.scheduling.solver import solve
from tests import factories
from tests.engagements.test_web import form_data

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CALENDAR = "/engagements/calendar/"


def march_2020() -> None:
    for day, kind, title in [
        (7, "telephone_call", "Telephone call with the United States"),
        (26, "virtual_summit", "Extraordinary G20 Leaders' Summit"),
        (30, "written_message", "Message to the Prime Minister of Italy"),
        (2, "telephone_call", "April call"),
    ]:
        month = 4 if title == "April call" else 3
        factories.engagement(
            title, kind=kind, start=dt.datetime(2020, month, day, 12, tzinfo=dt.UTC)
        )


def test_calendar_picker_jumps_straight_to_any_month(client: Client) -> None:
    march_2020()
    response = client.get(CALENDAR, {"view": "month", "month": "3", "year": "2020"})
    page = response.content.decode()
    assert "<h1>March 2020</h1>" in page
    assert '<option value="3" selected>March</option>' in page
    assert 'name="year" type="number"' in page and 'value="2020"' in page
    assert "Extraordinary G20 Leaders&#x27; Summit" in page
    # 2 April shows in the grid's last row, but not in the month's agenda.
    assert "April call" not in str(response.context["agenda"])


def test_calendar_kinds_have_a_colour_class_a_text_mark_and_a_legend(client: Client) -> None:
    march_2020()
    page = client.get(CALENDAR, {"year": "2020", "month": "3"}).content.decode()
    assert 'aria-label="Kinds of engagement"' in page
    assert page.count('class="kind kind-virtual_summit"') >= 3  # legend, grid, phone agenda
    assert '<span class="kind-mark" aria-hidden="true">Sum</span> Virtual summit' in page
    # The kind is read out with the title, since the mark is hidden from screen readers.
    assert '<span class="sr-only">Virtual summit: </span>' in page


def test_calendar_week_view_shows_one_week(client: Client) -> None:
    march_2020()
    response = client.get(CALENDAR, {"view": "week", "year": "2020", "month": "3", "day": "26"})
    page = response.content.decode()
    assert "Week of 23 March 2020" in page
    assert "Extraordinary G20" in page
    assert "Message to the Prime Minister" not in page  # Monday 30 March, the next week
    assert "view=week&amp;year=2020&amp;month=3&amp;day=30" in page  # next week


def test_calendar_agenda_lists_only_days_with_engagements(client: Client) -> None:
    march_2020()
    response = client.get(CALENDAR, {"view": "agenda", "year": "2020", "month": "3"})
    agenda = response.context["agenda"]
    assert [day.day.day for day in agenda] == [7, 26, 30]
    page = response.content.decode()
    assert '<table class="calendar' not in page  # the agenda alone, no grid
    assert "Saturday 7 March" in page


def test_calendar_shows_only_what_the_viewer_may_see(client: Client, editor: User) -> None:
    factories.engagement(
        "Confidential call",
        start=dt.datetime(2020, 3, 10, 12, tzinfo=dt.UTC),
        confidentiality="confidential",
        by=factories.user(username="author"),
    )
    factories.engagement("Restricted call", start=dt.datetime(2020, 3, 11, 12, tzinfo=dt.UTC))
    for view in ("month", "week", "agenda"):
        query = {"view": view, "year": "2020", "month": "3", "day": "10"}
        page = client.get(CALENDAR, query).content.decode()
        assert "Confidential call" not in page
        client.force_login(editor)
        assert "Confidential call" not in client.get(CALENDAR, query).content.decode()
        client.logout()


@pytest.mark.parametrize(
    "query",
    [{"view": "year"}, {"year": "2020", "month": "2", "day": "30"}, {"view": "week", "day": "x"}],
)
def test_calendar_odd_view_or_day_is_a_404(client: Client, query: dict[str, str]) -> None:
    assert client.get(CALENDAR, query).status_code == 404


def test_form_offers_an_empty_row_to_copy_and_saves_rows_added_without_saving(
    client: Client, editor: User
) -> None:
    client.force_login(editor)
    page = client.get("/engagements/new/").content.decode()
    assert '<template id="participants-empty">' in page
    assert 'name="participants-__prefix__-person"' in page
    assert 'data-add-row="participants" hidden' in page  # shown by the script only
    assert 'data-searchable=""' in page
    # Five rows posted (three rendered, two copied in the browser): all five are saved.
    people = [factories.person(name, "FR") for name in ("A One", "B Two", "C Three", "D Four")]
    people.append(factories.person("E Five", "DE"))
    rows = {f"participants-{i}-person": str(p.pk) for i, p in enumerate(people)}
    rows |= {f"participants-{i}-role": "head_of_delegation" for i in range(5)}
    response = client.post(
        "/engagements/new/", form_data(**{"participants-TOTAL_FORMS": "5"}, **rows)
    )
    assert response.status_code == 302
    engagement = Engagement.objects.get()
    assert [p.person.name for p in engagement.participations.all()] == [p.name for p in people]


def test_error_summary_links_to_participant_fields_and_can_take_focus(
    client: Client, editor: User
) -> None:
    client.force_login(editor)
    response = client.post("/engagements/new/", form_data(**{"participants-1-person": "999999"}))
    page = response.content.decode()
    assert 'role="alert" tabindex="-1" id="errors"' in page
    assert '<a href="#id_participants-1-person">Participant 2</a>' in page


def test_principal_is_listed_first() -> None:
    xi = factories.person("Xi Jinping", "CN")
    call = factories.engagement(
        status="proposed",
        start=None,
        participants=[
            ParticipantInput(factories.person("Donald Trump", "US")),
            ParticipantInput(xi, role="principal"),
        ],
    )
    assert [seat.participation.person.name for seat in seats_of(call)] == [
        "Xi Jinping",
        "Donald Trump",
    ]


def paris(day: int, hour: int, minutes: int = 60) -> tuple[dt.datetime, dt.datetime]:
    """A slot starting at `hour` Paris time (UTC+1) in March 2020."""
    start = dt.datetime(2020, 3, day, hour - 1, tzinfo=dt.UTC)
    return start, start + dt.timedelta(minutes=minutes)


def test_cost_is_told_as_time_outside_the_working_day() -> None:
    macron = Participant(name="Macron", zone="Europe/Paris", country="FR")
    assert cost_words(breakdown(macron, *paris(24, 7))) == [
        "2 h before the working day starts (09:00)"
    ]
    assert cost_words(breakdown(macron, *paris(24, 19, 90))) == [
        "2 h 30 min after the working day ends (18:00)"
    ]
    assert cost_words(breakdown(macron, *paris(24, 10))) == []
    # Saturday 28 March: a day off, said by name.
    assert cost_words(breakdown(macron, *paris(28, 10))) == ["Saturday, a weekly day off in France"]
    assert duration_words(45) == "45 min"


def test_timeline_shades_each_participants_local_hours() -> None:
    request = Request.over_days(
        [Participant.for_code("FR"), Participant.for_code("CN")], 60, dt.date(2020, 3, 24), 1
    )
    slot = solve(request).best
    rows = hours_of(slot, dt.UTC)
    meeting = [row for row in rows if row.meeting]
    assert len(meeting) == 1 and len(rows) == 9  # four hours either side of the hour
    assert all(cell.state in ("preferred", "acceptable") for cell in meeting[0].cells)
    assert {cell.state for row in rows for cell in row.cells} >= {"preferred", "night"}
