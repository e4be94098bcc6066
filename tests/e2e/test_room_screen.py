"""Screen sharing on the real Janus: a second video stream of the sharer's publisher.

Measured at the receiving page: frames of the screen stream (its own row in the page's
statistics, ``screen-<participant>``) while the camera keeps coming.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitry.rooms.models import Invitation, RoomEvent
from tests.e2e.rooms_helpers import (
    FLUSH_FRAMES,
    WINDOW_FRAMES,
    describe,
    join,
    media_from,
    more_of,
    named_room,
    stats,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


def test_shared_screen_reaches_another_page_and_the_chair_can_stop_it(
    server: str, open_page: Callable[[], Page], artifacts: Path
) -> None:
    room, invitations = named_room("video_meeting")
    a = invitations["a"][0]
    chair_page, a_page = open_page(), open_page()
    join(chair_page, server, invitations["chair"][1])
    join(a_page, server, invitations["a"][1])
    expect(chair_page.locator("#lobby li")).to_have_count(1)
    chair_page.get_by_role("button", name="Admit all").click()
    wait_for(partial(media_from, chair_page, a), 30, partial(describe, chair_page, "A's media"))

    a_page.get_by_role("button", name="Share screen").click()
    expect(chair_page.locator("#screen-stage")).to_be_visible()
    expect(chair_page.locator("#screen-caption")).to_have_text("Bertrand Roux is sharing a screen.")
    more_of(chair_page, f"screen-{a.pk}", 30, field="framesDecoded")
    more_of(chair_page, str(a.pk), 30, field="framesDecoded")  # the camera still comes
    chair_page.screenshot(path=str(artifacts / "room-screen-shared.png"))

    chair_page.get_by_role("button", name="Stop the screen of Bertrand Roux").click()
    expect(chair_page.locator("#screen-stage")).to_be_hidden()
    expect(a_page.get_by_role("button", name="Share screen")).to_be_visible()
    kinds = list(room.events.filter(subject=a).values_list("kind", "actor"))
    assert (RoomEvent.Kind.SCREEN_SHARED, a.pk) in kinds
    assert (RoomEvent.Kind.SCREEN_STOPPED, invitations["chair"][0].pk) in kinds


#: Screen frames that may still arrive in a window once Janus holds the screen back.
STRAY_FRAMES = 2


def screen_frames(page: Page, sender: Invitation, camera_frames: int = WINDOW_FRAMES) -> float:
    """Frames of ``sender``'s screen decoded while ``camera_frames`` of its camera were: a
    window measured in the media itself, so a slow machine only makes it longer."""
    before = stats(page)
    deadline = time.monotonic() + 30
    while True:
        now = stats(page)
        camera = now.get(str(sender.pk), {}).get("framesDecoded", 0)
        if camera - before.get(str(sender.pk), {}).get("framesDecoded", 0) >= camera_frames:
            key = f"screen-{sender.pk}"
            return float(
                now.get(key, {}).get("framesDecoded", 0)
                - before.get(key, {}).get("framesDecoded", 0)
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"{sender}'s camera stopped: {before} then {now}")
        time.sleep(0.05)


def screen_held_back(page: Page, sender: Invitation, timeout: float = 30.0) -> None:
    """Wait until Janus holds ``sender``'s screen back from ``page`` while its camera keeps
    coming, then check it stays so over a whole window."""
    screen_frames(page, sender, FLUSH_FRAMES)  # what was on the way arrives
    deadline = time.monotonic() + timeout
    while (seen := screen_frames(page, sender)) > STRAY_FRAMES:
        if time.monotonic() > deadline:
            raise AssertionError(f"{sender}'s screen still reaches the page ({seen} frames)")
    assert screen_frames(page, sender) <= STRAY_FRAMES, f"{sender}'s screen came back"


def keep_sharing_whatever_the_server_says(page: Page) -> None:
    """A tampered page: it never takes its screen off, told to or not."""
    page.evaluate(
        "() => { const s = window.summitryRoom.screen; s.release = () => {}; s.stop = () => {}; }"
    )


def test_screen_of_the_former_speaker_is_held_back_when_the_floor_passes_on(
    server: str, open_page: Callable[[], Page], artifacts: Path
) -> None:
    room, invitations = named_room("virtual_summit")
    chair, a, b = (invitations[k][0] for k in ("chair", "a", "b"))
    chair_page, a_page, b_page = open_page(), open_page(), open_page()
    for page, label in ((chair_page, "chair"), (a_page, "a"), (b_page, "b")):
        join(page, server, invitations[label][1])
    expect(chair_page.locator("#lobby li")).to_have_count(2)
    chair_page.get_by_role("button", name="Admit all").click()
    # Without the floor their audio is held back: their cameras tell they are there.
    wait_for(partial(media_from, b_page, a, packets=-1), 30, partial(describe, b_page, "A"))
    wait_for(partial(media_from, a_page, b, packets=-1), 30, partial(describe, a_page, "B"))

    chair_page.get_by_role("button", name="Give the floor to Bertrand Roux").click()
    a_page.get_by_role("button", name="Share screen").click()
    more_of(b_page, f"screen-{a.pk}", 30, field="framesDecoded")
    keep_sharing_whatever_the_server_says(a_page)

    chair_page.get_by_role("button", name="Give the floor to Chen Wei").click()
    expect(a_page.locator("#room-error")).to_have_text(
        "Your screen sharing has ended: the floor passed to someone else."
    )
    assert a_page.evaluate("window.summitryRoom.screen.track.readyState") == "live"
    a_page.screenshot(path=str(artifacts / "room-screen-floor-passed.png"))
    screen_held_back(b_page, a)
    stopped = room.events.get(kind=RoomEvent.Kind.SCREEN_STOPPED, subject=a)
    assert stopped.actor is None and stopped.data == {"reason": "the floor passed"}

    # The new speaker shares; the chair's stop holds it back from a page that keeps it.
    b_page.get_by_role("button", name="Share screen").click()
    more_of(a_page, f"screen-{b.pk}", 30, field="framesDecoded")
    keep_sharing_whatever_the_server_says(b_page)
    chair_page.get_by_role("button", name="Stop the screen of Chen Wei").click()
    screen_held_back(a_page, b)
    assert room.events.filter(kind=RoomEvent.Kind.SCREEN_STOPPED, subject=b, actor=chair).exists()
