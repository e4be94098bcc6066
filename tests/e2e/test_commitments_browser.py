"""A desk officer records a pledge in yuan in a real browser and finds it on the tracker."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from summitry.accounts.models import User
from summitry.commitments.models import Commitment
from tests import factories
from tests.e2e.test_register_browser import pick, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_editor_records_commitment_in_cny_and_sees_usd_and_status(
    page: Page, live_server: LiveServer
) -> None:
    factories.user(User.Role.EDITOR, username="desk", password="desk-officer-pw-1")
    factories.country("CN")
    base = live_server.url
    sign_in(page, base, "desk", "desk-officer-pw-1")

    page.goto(f"{base}/commitments/")
    page.get_by_role("link", name="Record a commitment").click()
    pick(page, "Made by (country)", "Chin", "China")
    page.get_by_label("Made on").fill("2021-10-12")
    page.get_by_label("Quoted words").fill("China will invest 1.5 billion yuan in the fund.")
    page.get_by_label("Kind").select_option("funding")
    page.get_by_label("Amount").fill("-1")
    page.get_by_label("Unit or currency").fill("CNY")
    page.get_by_label("Sources").fill("Seed 002")
    page.get_by_role("button", name="Record the commitment").click()

    # A bad amount: the form comes back with the summary focused, naming the field.
    summary = page.locator("#errors")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Amount")).to_be_visible()
    page.get_by_label("Amount").fill("1500000000")
    page.get_by_role("button", name="Record the commitment").click()

    expect(page.locator("#conversion")).to_contain_text("US dollars")
    pledge = Commitment.objects.get()
    assert pledge.usd is not None and pledge.rate is not None

    page.get_by_role("link", name="All commitments").click()
    row = page.locator(f'tr[data-commitment="{pledge.pk}"]')
    expect(row).to_contain_text("CNY")
    expect(row).to_contain_text("US dollars at the rate of")
    expect(row).to_have_attribute("data-status", "announced")
