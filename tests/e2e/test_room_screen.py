"""Screen sharing on the real Janus: a second video stream of the sharer's publisher.

Measured at the receiving page: frames of the screen stream (its own row in the page's
statistics, ``screen-<participant>``) while the camera keeps coming.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitry.rooms.models import RoomEvent
from tests.e2e.rooms_helpers import describe, join, media_from, more_of, named_room, wait_for

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
