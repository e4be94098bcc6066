"""A desk officer records a delivery in a real browser and finds it on the map and the
recipient's country page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from summitry.accounts.models import User
from summitry.assistance.models import Delivery
from tests import factories
from tests.assistance import factories as ledger
from tests.e2e.test_register_browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_editor_records_a_delivery_and_sees_it_on_the_map_and_country_page(
    page: Page, live_server: LiveServer, artifacts: Path
) -> None:
    factories.user(User.Role.EDITOR, username="desk", password="desk-officer-pw-1")
    ledger.catalogue()
    ledger.donor("Ministry of Commerce")
    factories.engagement(title="Call with Serbia on COVID-19", countries=("RS",))
    base = live_server.url

    sign_in(page, base, "desk", "desk-officer-pw-1")
    page.goto(f"{base}/assistance/")
    page.get_by_role("link", name="New delivery").click()
    page.get_by_label("Reference").fill("2020-03-21-serbia-ventilators")
    page.get_by_label("Donor").select_option("Ministry of Commerce")
    page.get_by_label("Recipient").fill("RS")
    page.get_by_label("Modality").select_option("donation_in_kind")
    page.get_by_label("Date", exact=True).fill("2020-03-21")
    page.get_by_label("Stage").select_option("arrived")
    page.get_by_label("Item").select_option("ventilators")
    page.get_by_label("Quantity").fill("20")
    page.get_by_label("Source", exact=True).fill("Ministry press release")
    page.get_by_role("button", name="Record the delivery").click()

    expect(
        page.get_by_role("heading", name=re.compile("2020-03-21-serbia-ventilators"))
    ).to_be_visible()
    assert Delivery.objects.filter(ref="2020-03-21-serbia-ventilators").exists()

    page.goto(f"{base}/assistance/map/?by=ventilators")
    serbia = page.locator('#recipients-map path[data-code="688"]')
    expect(serbia).to_have_attribute("data-value", "20")
    # Shaded, not the neutral grey of a country that received nothing.
    assert serbia.get_attribute("fill") != "#e5e7eb"
    page.screenshot(path=str(artifacts / "assistance-map.png"), full_page=True)

    page.goto(f"{base}/assistance/countries/RS/")
    expect(page.get_by_role("heading", name="Serbia")).to_be_visible()
    expect(page.get_by_text("Call with Serbia on COVID-19")).to_be_visible()
    row = page.locator('tr.delivery[data-ref="2020-03-21-serbia-ventilators"]')
    expect(row).to_contain_text("Ventilators: 20")
    page.screenshot(path=str(artifacts / "assistance-country.png"), full_page=True)
