"""A protocol officer finds a fair time for a proposed call and schedules it, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from summitry.accounts.models import User
from summitry.engagements.models import Engagement
from summitry.engagements.services import ParticipantInput
from tests import factories
from tests.e2e.test_register_browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_editor_finds_a_time_and_schedules_the_call(
    page: Page, live_server: LiveServer, artifacts: Path
) -> None:
    factories.user(User.Role.EDITOR, username="protocol", password="protocol-officer-pw-1")
    call = factories.engagement(
        "Extraordinary leaders' call on the pandemic",
        kind="virtual_summit",
        status="proposed",
        start=None,
        countries=("US", "CN", "AU"),
        participants=[
            ParticipantInput(factories.person("Donald Trump", "US")),
            ParticipantInput(factories.person("Xi Jinping", "CN")),
            ParticipantInput(factories.person("Scott Morrison", "AU")),
            ParticipantInput(factories.person("Interpreter Wang", "CN"), role="interpreter"),
        ],
    )
    base = live_server.url
    sign_in(page, base, "protocol", "protocol-officer-pw-1")

    page.goto(f"{base}/engagements/{call.pk}/")
    page.get_by_role("link", name="Find a time").click()
    expect(page.get_by_role("heading", name=f"Find a time: {call.title}")).to_be_visible()
    expect(page.get_by_label("Duration (minutes)")).to_have_value("60")
    expect(page.get_by_label("Interpreter Wang (interpreter)")).to_be_checked()
    expect(page.locator("#explanation")).to_contain_text("working day")

    first = page.locator("section.recommended")
    expect(first.get_by_role("heading", name="Recommended time")).to_be_visible()
    table = first.get_by_role("table")
    for name in ("Donald Trump", "Xi Jinping", "Scott Morrison", "Interpreter Wang"):
        expect(table.get_by_role("rowheader", name=name)).to_be_visible()
    expect(table.get_by_role("columnheader", name="Local time")).to_be_visible()
    expect(table).to_contain_text("Asia/Shanghai")
    start = first.locator('input[name="start"]').get_attribute("value")
    page.screenshot(path=str(artifacts / "find-time.png"), full_page=True)

    first.get_by_role("button", name="Schedule at this time").click()
    expect(page.get_by_role("heading", name=call.title)).to_be_visible()
    expect(page.locator("dl.facts .badge")).to_have_text("Scheduled")
    expect(page.get_by_text("Scheduled for ")).to_be_visible()
    expect(page.get_by_role("link", name="Find a time")).to_have_count(0)
    call.refresh_from_db()
    assert call.status == "scheduled"
    assert call.start is not None
    assert call.start.strftime("%Y-%m-%dT%H:%M:%SZ") == start
    page.screenshot(path=str(artifacts / "find-time-scheduled.png"), full_page=True)
    assert Engagement.objects.filter(status="scheduled").count() == 1
