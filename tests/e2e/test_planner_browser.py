"""The record form, the calendar and Find a time in a real browser, on a phone and a desktop."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from summitry.accounts.models import User
from summitry.engagements.models import Engagement
from summitry.engagements.services import ParticipantInput
from tests import factories
from tests.e2e.test_register_browser import pick, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(params=sorted(SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[str, Page]]:
    name: str = request.param
    context = browser.new_context(viewport=SIZES[name], timezone_id="Europe/Paris")  # type: ignore[arg-type]
    yield name, context.new_page()
    context.close()


def overflow(page: Page) -> int:
    """How far the page is wider than the window: 0 when nothing scrolls sideways."""
    width: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


def test_editor_adds_participants_without_saving_and_searches_the_pickers(
    sized: tuple[str, Page], live_server: LiveServer, artifacts: Path
) -> None:
    size, page = sized
    factories.user(User.Role.EDITOR, username="desk", password="desk-officer-pw-1")
    names = ["Emmanuel Macron", "Angela Merkel", "Giuseppe Conte", "Pedro Sánchez", "Xi Jinping"]
    for name, code in zip(names, ["FR", "DE", "IT", "ES", "CN"], strict=True):
        factories.person(name, code)
    base = live_server.url
    sign_in(page, base, "desk", "desk-officer-pw-1")
    page.goto(f"{base}/engagements/new/")

    page.locator("#id_title").fill("Video conference of European leaders")
    page.get_by_label("Kind").select_option("video_conference")
    page.get_by_label("Status").select_option("held")
    page.get_by_label("Date").fill("2020-03-26")
    page.get_by_label("Start time").fill("18:00")
    # 250 countries and 600 zones: typing narrows them.
    pick(page, "Countries", "fran", "France")
    pick(page, "Countries", "germ", "Germany")
    pick(page, "Time zone", "Berlin", "Europe/Berlin")

    rows = page.locator("#participants-rows tr")
    expect(rows).to_have_count(3)
    add = page.get_by_role("button", name="Add participant")
    add.click()
    add.click()
    expect(rows).to_have_count(5)
    assert page.locator("#id_participants-TOTAL_FORMS").input_value() == "5"
    for number, name in enumerate(names, 1):
        pick(page, f"Participant {number}", name.split()[-1][:4], name)
    page.get_by_label("Role of participant 5").select_option("observer")
    page.screenshot(path=str(artifacts / f"record-form-{size}.png"), full_page=True)
    assert overflow(page) == 0, f"the form scrolls sideways on the {size}"

    page.get_by_role("button", name="Add to the register").click()
    expect(page.get_by_text("The engagement was added to the register.")).to_be_visible()
    saved = Engagement.objects.get()
    assert [p.person.name for p in saved.participations.order_by("order", "id")] == names
    assert saved.participations.get(person__name="Xi Jinping").role == "observer"
    assert sorted(c.code for c in saved.countries.all()) == ["DE", "FR"]
    # 18:00 in Berlin, chosen in the picker rather than the browser's Paris (the same offset).
    assert saved.start == dt.datetime(2020, 3, 26, 17, tzinfo=dt.UTC)


def test_failed_submit_moves_focus_to_the_error_summary(
    page: Page, live_server: LiveServer
) -> None:
    factories.user(User.Role.EDITOR, username="desk", password="desk-officer-pw-1")
    sign_in(page, live_server.url, "desk", "desk-officer-pw-1")
    page.goto(f"{live_server.url}/engagements/new/")
    page.locator("#id_title").fill("Call without a date")
    page.get_by_label("Status").select_option("held")
    page.get_by_role("button", name="Add to the register").click()
    summary = page.locator("#errors")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Date")).to_be_visible()
    # The participants added before the failed submit are still there.
    expect(page.locator("#participants-rows tr")).to_have_count(3)


def test_calendar_jumps_to_a_month_and_shows_the_agenda_on_a_phone(
    sized: tuple[str, Page], live_server: LiveServer, artifacts: Path
) -> None:
    size, page = sized
    for day, kind, title in [
        (7, "telephone_call", "Telephone call with the President of the United States"),
        (26, "virtual_summit", "Extraordinary G20 Leaders' Summit on COVID-19"),
        (26, "written_message", "Message of sympathy to the Prime Minister of Italy"),
    ]:
        factories.engagement(title, kind=kind, start=dt.datetime(2020, 3, day, 12, tzinfo=dt.UTC))
    page.goto(f"{live_server.url}/engagements/calendar/")
    page.get_by_label("Month", exact=True).select_option("3")
    page.get_by_label("Year", exact=True).fill("2020")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="March 2020", level=1)).to_be_visible()
    legend = page.get_by_role("list", name="Kinds of engagement")
    expect(legend).to_contain_text("Virtual summit")
    summit = page.get_by_role("link", name=re.compile("^Virtual summit: .*Extraordinary G20"))
    if size == "phone":
        expect(page.locator(".calendar-grid")).to_be_hidden()
        expect(page.get_by_role("heading", name="Thursday 26 March")).to_be_visible()
    else:
        expect(page.get_by_role("table")).to_be_visible()
    expect(summit.locator("visible=true")).to_have_count(1)
    assert overflow(page) == 0, f"the calendar scrolls sideways on the {size}"
    page.screenshot(path=str(artifacts / f"calendar-month-{size}.png"), full_page=True)

    page.get_by_role("link", name="Week", exact=True).click()
    # The week that holds the 1st of the month, and back to that month's agenda.
    expect(page.get_by_role("heading", name="Week of 24 February 2020")).to_be_visible()
    page.get_by_role("link", name="Agenda", exact=True).click()
    expect(page.get_by_role("heading", name="Saturday 7 March")).to_be_visible()
    assert overflow(page) == 0
    page.screenshot(path=str(artifacts / f"calendar-agenda-{size}.png"), full_page=True)


def test_find_a_time_leads_with_the_recommended_time(
    sized: tuple[str, Page], live_server: LiveServer, artifacts: Path
) -> None:
    size, page = sized
    factories.user(User.Role.EDITOR, username="protocol", password="protocol-officer-pw-1")
    call = factories.engagement(
        "Extraordinary leaders' call on the pandemic",
        kind="virtual_summit",
        status="proposed",
        start=None,
        participants=[
            ParticipantInput(factories.person("Donald Trump", "US")),
            ParticipantInput(factories.person("Scott Morrison", "AU")),
            ParticipantInput(factories.person("Xi Jinping", "CN"), role="principal"),
        ],
    )
    sign_in(page, live_server.url, "protocol", "protocol-officer-pw-1")
    page.goto(f"{live_server.url}/engagements/{call.pk}/find-time/")
    headings = page.get_by_role("heading", level=2)
    expect(headings.first).to_have_text("Recommended time")
    recommended = page.locator("section.recommended")
    # The principal first, then the record's order.
    expect(recommended.get_by_role("rowheader").first).to_contain_text("Xi Jinping")
    expect(recommended).to_contain_text("working day")
    expect(recommended).not_to_contain_text("points")
    timeline = page.get_by_role("table", name="Each participant's local time")
    expect(timeline.get_by_role("columnheader", name="Donald Trump")).to_be_visible()
    assert overflow(page) == 0, f"Find a time scrolls sideways on the {size}"
    page.screenshot(path=str(artifacts / f"find-time-{size}.png"), full_page=True)
