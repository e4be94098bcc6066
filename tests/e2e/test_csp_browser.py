"""Every page works under the Content-Security-Policy: Chromium reports no violation."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from summitry.accounts.models import User
from tests import factories
from tests.e2e.rooms_helpers import join, named_room
from tests.e2e.test_register_browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]

# Runs before any page script, outside the page's policy: it records what the policy blocked.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
"""


def watched(make: Callable[[], Page]) -> tuple[Page, list[str]]:
    """A page whose CSP violations (events and console reports) land in the returned list."""
    page = make()
    reported: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            reported.append(message.text)

    page.on("console", on_console)
    return page, reported


def visit(page: Page, reported: list[str], url: str) -> None:
    response = page.goto(url)
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe" not in policy, (url, policy)
    page.wait_for_load_state("load")
    reported.extend(page.evaluate("window.__violations"))
    assert not reported, (url, reported)


def test_main_pages_run_under_the_policy_without_a_violation(
    server: str, open_page: Callable[[], Page]
) -> None:
    factories.user(User.Role.EDITOR, username="desk", password="desk-officer-pw-1")
    room, invitations = named_room("virtual_summit")
    record = room.engagement
    page, reported = watched(open_page)
    sign_in(page, server, "desk", "desk-officer-pw-1")
    expect(page.get_by_role("link", name="New engagement").first).to_be_visible()
    for path in (
        "/engagements/",
        f"/engagements/{record.pk}/",
        f"/engagements/{record.pk}/history/",
        "/engagements/new/",
        "/engagements/calendar/",
        "/review/",
        f"/engagements/{record.pk}/find-time/",
        "/no-such-page/",
        "/admin/login/",
        "/accounts/login/",
    ):
        visit(page, reported, server + path)

    # The API docs come from the installed package and draw the operations.
    visit(page, reported, f"{server}/api/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    assert page.locator(".opblock").count() > 3
    assert not page.evaluate("window.__violations")

    # An administrator's first sign-in: the TOTP enrolment page with its QR code (a data: image).
    factories.user(User.Role.ADMINISTRATOR, username="chief", password="chief-of-staff-pw-1")
    admin_page, admin_reported = watched(open_page)
    sign_in(admin_page, server, "chief", "chief-of-staff-pw-1")
    # Signed in, the administrator is sent to enrol a second factor, after confirming the password.
    expect(admin_page).to_have_url(re.compile(r"/accounts/reauthenticate/"), timeout=15_000)
    visit(admin_page, admin_reported, admin_page.url)
    admin_page.get_by_label("Password").fill("chief-of-staff-pw-1")
    admin_page.get_by_role("button", name="Confirm").click()
    expect(admin_page).to_have_url(re.compile(r"/accounts/2fa/totp/activate"), timeout=15_000)
    expect(admin_page.locator("img").first).to_be_visible()
    visit(admin_page, admin_reported, admin_page.url)

    # A live room: the page's scripts start and reach Janus (connect-src names it).
    chair, chair_reported = watched(open_page)
    join(chair, server, invitations["chair"][1])
    expect(chair.get_by_role("heading", name="Speakers' list")).to_be_visible(timeout=30_000)
    expect(chair.locator("#tiles .tile.self video")).to_have_count(1, timeout=30_000)
    chair_reported.extend(chair.evaluate("window.__violations"))
    assert not chair_reported, chair_reported
