"""Live rooms in real browsers: Chromium pages, Summitry over ASGI, the real Janus.

Each participant is its own browser context (own fake camera and microphone).
Media is checked from the receiving side's WebRTC statistics, read through the
page's test hook ``window.summitryRoom.stats()``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.rooms_helpers import (
    describe,
    held_back,
    join,
    media_from,
    more_of,
    named_room,
    packets_over,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


def test_admitted_participants_exchange_media_and_the_floor_mutes_the_others(
    server: str, open_page: Callable[[], Page], artifacts: Path
) -> None:
    _, invitations = named_room("virtual_summit")
    chair, a, b = (invitations[k][0] for k in ("chair", "a", "b"))
    chair_page, a_page, b_page = open_page(), open_page(), open_page()

    # The chair goes straight in; the others wait in the lobby.
    join(chair_page, server, invitations["chair"][1])
    expect(chair_page.get_by_role("heading", name="Speakers' list")).to_be_visible()
    for page, label in ((a_page, "a"), (b_page, "b")):
        join(page, server, invitations[label][1])
        expect(
            page.get_by_role("heading", name="Waiting for the host to admit you")
        ).to_be_visible()
    lobby = chair_page.locator("#lobby")
    expect(lobby.locator("li")).to_have_count(2)
    a_page.screenshot(path=str(artifacts / "room-lobby-participant.png"))
    chair_page.screenshot(path=str(artifacts / "room-lobby-chair.png"))

    chair_page.get_by_role("button", name="Admit Bertrand Roux").click()
    expect(a_page.get_by_role("heading", name="Speakers' list")).to_be_visible()
    chair_page.get_by_role("button", name="Admit all").click()
    expect(b_page.get_by_role("heading", name="Speakers' list")).to_be_visible()

    # Everyone receives everyone's video through Janus. With floor control on and the floor
    # free, only the chair is heard: Janus forwards no participant's audio yet.
    for page, senders in ((a_page, (chair, b)), (b_page, (chair, a)), (chair_page, (a, b))):
        for sender in senders:
            wait_for(
                partial(media_from, page, sender, packets=25 if sender == chair else -1),
                30,
                partial(describe, page, f"media from {sender}"),
            )
    held_back(a_page, b)  # B is muted while the floor is free

    # The chair lets B be heard.
    chair_page.get_by_role("button", name="Unmute Chen Wei").click()
    wait_for(lambda: packets_over(a_page, b, 0.5) > 10, 10, "B's audio at A once unmuted")

    # The speakers' list, in order, on every page.
    a_page.get_by_role("button", name="Request the floor").click()
    expect(a_page.get_by_role("button", name="Withdraw")).to_be_visible()
    b_page.get_by_role("button", name="Request the floor").click()
    for page in (chair_page, a_page, b_page):
        expect(page.locator("#speakers li")).to_have_text(["Bertrand Roux", "Chen Wei"])
    expect(b_page.get_by_text("You are number 2 on the speakers' list.")).to_be_visible()

    # The floor to A: Janus stops forwarding B's audio, A's keeps reaching B.
    chair_page.get_by_role("button", name="Give the floor to Bertrand Roux").click()
    for page in (chair_page, a_page, b_page):
        expect(page.locator("#floor-holder")).to_have_text("Bertrand Roux has the floor")
        expect(page.locator("#speakers li").first).to_contain_text("speaking")
    expect(b_page.get_by_text("The chair has muted you")).to_be_visible()
    held_back(a_page, b)  # the moderate request lands within the server's enforce interval
    more_of(b_page, str(a.pk), 50)  # A's audio reaches B
    assert media_from(a_page, b, frames=30), "B's video keeps flowing"

    a_page.screenshot(path=str(artifacts / "room-speaker-participant.png"))
    chair_page.screenshot(path=str(artifacts / "room-speaker-chair.png"))


def test_countdown_shows_everywhere_and_the_chair_is_alerted_when_time_runs_out(
    server: str, open_page: Callable[[], Page], artifacts: Path
) -> None:
    _, invitations = named_room("video_conference", speaking_limit_seconds=3)
    chair_page, a_page = open_page(), open_page()
    join(chair_page, server, invitations["chair"][1])
    join(a_page, server, invitations["a"][1])
    chair_page.get_by_role("button", name="Admit Bertrand Roux").click()
    expect(a_page.get_by_role("heading", name="Speakers' list")).to_be_visible()

    chair_page.get_by_role("button", name="Give the floor to Bertrand Roux").click()
    for page in (chair_page, a_page):
        timer = page.get_by_role("timer")
        expect(timer).to_be_visible()
        expect(timer).to_contain_text("Speaking time left")
    alert = chair_page.locator("#time-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Time is up for Bertrand Roux")
    expect(chair_page.get_by_role("alert").filter(has_text="Time is up")).to_be_visible()
    expect(a_page.get_by_role("timer")).to_contain_text("Speaking time is up")
    expect(a_page.locator("#time-alert")).to_be_hidden()  # only the chair is alerted
    chair_page.screenshot(path=str(artifacts / "room-time-up-chair.png"))
