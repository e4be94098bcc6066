"""A desk officer's path through the register in a real browser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from summitry.accounts.models import User
from summitry.engagements.models import Engagement
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def pick(page: Page, label: str, typed: str, choice: str) -> None:
    """Type into a searchable picker, as from the keyboard, and choose the option that matches."""
    # The picker's own box: until forms.js has made it, the plain <select> is the combobox of
    # that name, and focus given to it stays on a <select> that is then hidden.
    box = page.locator(".ts-wrapper").get_by_role("combobox", name=label, exact=True)
    box.focus()
    expect(box).to_be_focused()
    box.press_sequentially(typed)
    listbox = page.get_by_role("listbox", name=label, exact=True)
    option = listbox.get_by_role("option", name=choice, exact=True)
    option.click()
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()


def test_editor_records_an_engagement_and_sees_it_in_list_and_review(
    page: Page, live_server: LiveServer, artifacts: Path
) -> None:
    factories.user(User.Role.EDITOR, username="desk", password="desk-officer-pw-1")
    factories.person(
        "Emmanuel Macron", "FR", "President of the French Republic", dt.date(2017, 5, 14)
    )
    base = live_server.url

    sign_in(page, base, "desk", "desk-officer-pw-1")
    expect(page.get_by_role("link", name="New engagement").first).to_be_visible()

    page.get_by_role("link", name="New engagement").first.click()
    page.locator("#id_title").fill("Telephone call with President Macron")
    page.get_by_label("Kind").select_option("telephone_call")
    page.get_by_label("Status").select_option("held")
    page.get_by_label("Date").fill("2020-03-23")
    page.get_by_label("Start time").fill("17:30")
    pick(page, "Countries", "Fra", "France")
    pick(page, "Participant 1", "Macr", "Emmanuel Macron")
    page.locator("#id_readout").fill("The two presidents discussed cooperation against COVID-19.")
    page.get_by_role("button", name="Add to the register").click()

    expect(page.get_by_role("heading", name="Telephone call with President Macron")).to_be_visible()
    expect(page.get_by_text("The engagement was added to the register.")).to_be_visible()
    call = Engagement.objects.get()
    # The form's zone defaults to the browser's (Europe/Paris, UTC+1 in March 2020).
    assert call.start == dt.datetime(2020, 3, 23, 16, 30, tzinfo=dt.UTC)
    row = page.get_by_role("row", name="Emmanuel Macron")
    expect(row).to_contain_text("President of the French Republic")

    page.get_by_role("link", name="Register").click()
    page.get_by_label("Counterpart").fill("FR")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Telephone call with President Macron")).to_be_visible()
    expect(page.get_by_text("1 engagement matches the filters.")).to_be_visible()

    page.get_by_role("link", name="Yearly review").click()
    expect(page.get_by_role("heading", name="Yearly review 2020")).to_be_visible()
    expect(page.locator("#sentence")).to_contain_text("1 telephone call")
    march_bar = page.locator("#month-chart .bar").nth(2)
    assert march_bar.get_attribute("data-value") == "1"
    assert float(march_bar.bounding_box()["height"]) > 10  # type: ignore[index]
    france = page.locator('#world-map path[data-code="250"]')
    expect(france).to_have_attribute("data-count", "1")
    assert page.locator("#world-map path.country").count() > 150
    page.screenshot(path=str(artifacts / "review-2020.png"), full_page=True)


def test_form_explains_bad_input_in_the_browser(page: Page, live_server: LiveServer) -> None:
    factories.user(User.Role.EDITOR, username="desk", password="desk-officer-pw-1")
    sign_in(page, live_server.url, "desk", "desk-officer-pw-1")
    page.goto(f"{live_server.url}/engagements/new/")
    page.locator("#id_title").fill("Call without a date")
    page.get_by_label("Status").select_option("held")
    page.get_by_role("button", name="Add to the register").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The engagement was not saved")
    expect(alert).to_contain_text("A held engagement needs a start date.")
    assert Engagement.objects.count() == 0
