"""A protocol officer manages the invitations of an open room in the browser."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitry.accounts.models import User
from summitry.directory.models import Person
from tests import factories
from tests.e2e.rooms_helpers import named_room
from tests.e2e.test_register_browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


def test_officer_invites_a_late_delegate_and_revokes_a_link(
    server: str, open_page: Callable[[], Page], artifacts: Path
) -> None:
    # Beside Playwright's event loop: the services notify the room's pages through async_to_sync.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        room, _ = pool.submit(named_room, "virtual_summit").result()
    Person.objects.create(name="Dmitri Volkov")
    factories.user(User.Role.EDITOR, username="desk", password="desk-officer-pw-1")
    officer = open_page()
    sign_in(officer, server, "desk", "desk-officer-pw-1")
    officer.goto(f"{server}/rooms/{room.pk}/invitations/")
    rows = officer.locator("tbody tr")
    expect(rows).to_have_count(3)

    officer.get_by_label("Person").select_option(label="Dmitri Volkov")
    officer.get_by_label("Role").select_option("observer")
    officer.get_by_role("button", name="Invite and show the link").click()
    notice = officer.locator("#new-link")
    expect(notice).to_contain_text("New personal link for Dmitri Volkov")
    expect(rows).to_have_count(4)
    link = notice.locator("code").inner_text()

    # The link works for its holder: the device check of that room.
    guest = open_page()
    guest.goto(link)
    expect(guest.get_by_role("button", name="Join the meeting")).to_be_visible()

    officer.get_by_role("button", name="Revoke the link of Chen Wei").click()
    expect(officer.locator("tbody tr", has_text="Chen Wei")).to_contain_text("revoked")
    officer.screenshot(path=str(artifacts / "room-invitations.png"), full_page=True)
