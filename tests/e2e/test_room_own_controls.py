"""A participant's own controls, measured from what reaches the others (WebRTC statistics).

Muting takes the microphone off the sender: no packets reach the others, not silence. The
camera likewise. Under floor control the server mutes whoever lacks the floor; their page may
mute but not unmute.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitry.rooms.models import Invitation
from tests.e2e.rooms_helpers import (
    QUIET,
    describe,
    growth_while,
    held_back,
    join,
    media_from,
    more_of,
    named_room,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


def meeting_of_two(
    server: str, open_page: Callable[[], Page], kind: str, packets: int = 50
) -> tuple[dict[str, Invitation], Page, Page]:
    """The chair and A in a room, the chair receiving A's media (``packets`` of audio)."""
    _, invitations = named_room(kind)
    people = {label: inv for label, (inv, _) in invitations.items()}
    chair_page, a_page = open_page(), open_page()
    join(chair_page, server, invitations["chair"][1])
    join(a_page, server, invitations["a"][1])
    expect(chair_page.locator("#lobby li")).to_have_count(1)
    chair_page.get_by_role("button", name="Admit all").click()
    wait_for(
        partial(media_from, chair_page, people["a"], packets=packets),
        30,
        partial(describe, chair_page, "A's media at the chair"),
    )
    return people, chair_page, a_page


def video_while_audio(page: Page, sender: Invitation, packets: int = 100) -> int:
    """Video frames from ``sender`` decoded while ``packets`` more of its audio arrived."""
    return int(growth_while(page, str(sender.pk), "framesDecoded", "packetsReceived", packets))


def test_self_mute_and_camera_off_stop_media_reaching_the_others(
    server: str, open_page: Callable[[], Page], artifacts: Path
) -> None:
    people, chair_page, a_page = meeting_of_two(server, open_page, "video_meeting")
    a = people["a"]

    a_page.get_by_role("button", name="Mute microphone").click()
    expect(a_page.get_by_role("button", name="Unmute microphone")).to_have_attribute(
        "aria-pressed", "true"
    )
    held_back(chair_page, a)
    a_page.screenshot(path=str(artifacts / "room-own-controls-muted.png"))

    a_page.get_by_role("button", name="Unmute microphone").click()
    more_of(chair_page, str(a.pk), 50)

    a_page.get_by_role("button", name="Turn camera off").click()
    video_while_audio(chair_page, a, 25)  # frames on the way arrive
    deadline_check = partial(lambda: video_while_audio(chair_page, a) <= QUIET)
    wait_for(deadline_check, 30, partial(describe, chair_page, "A's video stopping"))
    assert video_while_audio(chair_page, a) <= QUIET, "A's video came back while off"

    a_page.get_by_role("button", name="Turn camera on").click()
    more_of(chair_page, str(a.pk), 30, field="framesDecoded")


def test_leave_and_join_again_brings_the_media_back(
    server: str, open_page: Callable[[], Page]
) -> None:
    people, chair_page, a_page = meeting_of_two(server, open_page, "video_meeting")
    a_page.get_by_role("button", name="Leave").click()
    expect(a_page.locator("#ended-message")).to_contain_text("You left the meeting")
    a_page.get_by_role("button", name="Join again").click()
    expect(a_page.locator("[data-phase=room]")).to_be_visible()
    more_of(chair_page, str(people["a"].pk), 30, field="framesDecoded")


def test_without_the_floor_one_can_mute_but_not_unmute(
    server: str, open_page: Callable[[], Page]
) -> None:
    people, chair_page, a_page = meeting_of_two(server, open_page, "virtual_summit", packets=-1)
    # Under floor control A, without the floor, is muted by the server.
    expect(a_page.locator("#you-muted")).to_be_visible()
    a_page.get_by_role("button", name="Mute microphone").click()
    unmute = a_page.get_by_role("button", name="Unmute microphone")
    expect(unmute).to_be_disabled()
    chair_page.get_by_role("button", name="Give the floor to Bertrand Roux").click()
    expect(unmute).to_be_enabled()
    # With the floor but still muted by themselves, nothing is heard until they unmute.
    held_back(chair_page, people["a"])
    unmute.click()
    more_of(chair_page, str(people["a"].pk), 50)


def test_camera_off_and_on_after_a_shared_screen_brings_the_camera_back(
    server: str, open_page: Callable[[], Page]
) -> None:
    people, chair_page, a_page = meeting_of_two(server, open_page, "video_meeting")
    a = people["a"]
    a_page.get_by_role("button", name="Share screen").click()
    more_of(chair_page, f"screen-{a.pk}", 30, field="framesDecoded")
    a_page.get_by_role("button", name="Stop sharing").click()
    expect(chair_page.locator("#screen-stage")).to_be_hidden()

    # The screen's sender is idle now, like a camera turned off: only the camera's may take it.
    a_page.get_by_role("button", name="Turn camera off").click()
    video_while_audio(chair_page, a, 25)
    wait_for(
        lambda: video_while_audio(chair_page, a) <= QUIET,
        30,
        partial(describe, chair_page, "A's video stopping"),
    )
    a_page.get_by_role("button", name="Turn camera on").click()
    more_of(chair_page, str(a.pk), 30, field="framesDecoded")
    expect(chair_page.locator("#screen-stage")).to_be_hidden()
    a_page.get_by_role("button", name="Mute microphone").click()
    held_back(chair_page, a)
    a_page.get_by_role("button", name="Unmute microphone").click()
    more_of(chair_page, str(a.pk), 50)
