"""The press view in a real browser: it sees and hears the speaker, and never publishes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitry.rooms.actions.links import issue_press_link
from summitry.rooms.janus.control import JanusEndpoint
from tests.e2e.rooms_helpers import (
    describe,
    join,
    media_from,
    named_room,
    outbound,
    stats,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


def test_press_link_follows_the_speaker_without_taking_a_publisher_place(
    server: str, endpoint: JanusEndpoint, open_page: Callable[[], Page], artifacts: Path
) -> None:
    room, invitations = named_room("virtual_summit")
    chair, a, b = (invitations[k][0] for k in ("chair", "a", "b"))
    press_token = issue_press_link(room)
    chair_page, a_page, b_page, press_page = open_page(), open_page(), open_page(), open_page()

    join(chair_page, server, invitations["chair"][1])
    for page, label in ((a_page, "a"), (b_page, "b")):
        join(page, server, invitations[label][1])
    expect(chair_page.locator("#lobby li")).to_have_count(2)
    chair_page.get_by_role("button", name="Admit all").click()
    expect(a_page.get_by_role("heading", name="Speakers' list")).to_be_visible()
    chair_page.get_by_role("button", name="Give the floor to Bertrand Roux").click()

    press_page.goto(f"{server}/rooms/watch/{press_token}/")
    expect(press_page.locator("#floor-holder")).to_have_text("Bertrand Roux has the floor")
    # The press receives the speaker, and only the speaker.
    wait_for(
        partial(media_from, press_page, a, frames=20, packets=50),
        30,
        partial(describe, press_page, "the speaker's media at the press view"),
    )
    senders = set(stats(press_page))
    assert str(b.pk) not in senders and str(chair.pk) not in senders, senders
    expect(press_page.locator("#tiles figure")).to_have_count(1)
    expect(press_page.locator("#tiles figure .name")).to_have_text("Bertrand Roux")

    # No publisher place: Janus lists the chair, A and B as publishers, never the press.
    assert room.videoroom_id is not None
    publishers = {
        p.id for p in endpoint.videoroom().list_participants(room.videoroom_id) if p.publisher
    }
    assert publishers == {chair.janus_publisher_id, a.janus_publisher_id, b.janus_publisher_id}
    # ... and nothing leaves the press page.
    assert outbound(press_page) == []
    assert press_page.evaluate("window.summitryRoom.peerConnections().length") >= 1

    # The floor passes to B: the press view follows.
    chair_page.get_by_role("button", name="Give the floor to Chen Wei").click()
    expect(press_page.locator("#tiles figure .name")).to_have_text("Chen Wei")
    wait_for(
        partial(media_from, press_page, b, frames=20, packets=50),
        20,
        partial(describe, press_page, "the new speaker's media at the press view"),
    )
    press_page.screenshot(path=str(artifacts / "room-press-view.png"))
