"""A telephone call in real browsers: audio only, both parties heard through the AudioBridge."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitry.rooms.janus.control import JanusEndpoint
from tests.e2e.rooms_helpers import (
    describe,
    growth_while,
    join,
    more_of,
    named_room,
    outbound,
    received,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]

# Records what the page asks of the camera and microphone, before any script of the page runs.
RECORD_CAPTURE = """
window.captureRequests = [];
const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (constraints) => {
  window.captureRequests.push(constraints);
  return original(constraints);
};
"""


def heard(page: Page, packets: int = 50) -> float:
    """Sound energy of the call's mix while ``packets`` more of its packets arrived (the mix
    sends 50 a second, silence included): a window in the stream's own packets."""
    return growth_while(page, "mix", "totalAudioEnergy", "packetsReceived", packets)


def sent_audio(page: Page) -> int:
    return int(sum(row["packetsSent"] or 0 for row in outbound(page) if row["kind"] == "audio"))


def sent_while_hearing(page: Page, packets: int = 50, timeout: float = 30.0) -> int:
    """Audio packets the page sent while ``packets`` more of the call's mix arrived: a window in
    the stream's own packets, as ``heard``."""
    sent, start = sent_audio(page), received(page, "mix")
    wait_for(
        lambda: received(page, "mix") >= start + packets,
        timeout,
        partial(describe, page, "the mix"),
    )
    return sent_audio(page) - sent


def test_telephone_call_and_each_party_hears_the_other(
    server: str, endpoint: JanusEndpoint, open_page: Callable[[], Page], artifacts: Path
) -> None:
    room, invitations = named_room("telephone_call")
    chair, a = invitations["chair"][0], invitations["a"][0]
    assert room.videoroom_id is None and room.audiobridge_id is not None
    bridge = room.audiobridge_id
    chair_page, a_page = open_page(), open_page()
    for page in (chair_page, a_page):
        page.add_init_script(RECORD_CAPTURE)

    join(chair_page, server, invitations["chair"][1])
    join(a_page, server, invitations["a"][1])
    expect(a_page.get_by_role("heading", name="Check your microphone")).to_be_hidden()
    chair_page.get_by_role("button", name="Admit Bertrand Roux").click()
    expect(a_page.get_by_role("button", name="Leave")).to_be_visible()
    # A call has no floor to ask for: no speakers' list, no request button.
    expect(a_page.get_by_role("heading", name="Speakers' list")).to_be_hidden()
    expect(a_page.get_by_role("button", name="Request the floor")).to_be_hidden()

    # Both are in the call's AudioBridge room, heard (nobody muted).
    wait_for(
        lambda: (
            {(int(p.id), bool(p.muted)) for p in endpoint.audiobridge().list_participants(bridge)}
            == {(chair.janus_publisher_id, False), (a.janus_publisher_id, False)}
        ),
        20,
        lambda: repr(endpoint.audiobridge().list_participants(bridge)),
    )
    for page in (chair_page, a_page):
        wait_for(
            partial(lambda page: heard(page) > 0, page), 20, partial(describe, page, "the sound")
        )
        more_of(page, "mix", 25)  # the mix's packets
        # No camera asked for, no video sent: only audio leaves the page.
        requests = page.evaluate("window.captureRequests")
        assert requests and all(not r.get("video") for r in requests), requests
        sent = outbound(page)
        assert sent and {row["kind"] for row in sent} == {"audio"}, sent
        assert page.locator("#tiles video").evaluate_all(
            "(videos) => videos.every((v) => !v.srcObject)"
        )

    # The sound the chair hears is A's: muted by the chair, A is no longer heard.
    loud = heard(chair_page, 75)
    chair_page.get_by_role("button", name="Mute Bertrand Roux").click()
    wait_for(
        lambda: any(
            p.muted
            for p in endpoint.audiobridge().list_participants(bridge)
            if int(p.id) == a.janus_publisher_id
        ),
        10,
        "A muted in the AudioBridge",
    )
    heard(chair_page, 15)  # what was in flight
    quiet = heard(chair_page, 75)
    assert quiet < loud / 100, f"A is muted: nothing reaches the chair ({quiet} after {loud})"
    assert heard(a_page, 75) > 0, "the chair is still heard"
    a_page.screenshot(path=str(artifacts / "room-call-participant.png"))


def test_call_self_mute_stops_the_microphone_and_unmute_brings_it_back(
    server: str, open_page: Callable[[], Page]
) -> None:
    _, invitations = named_room("telephone_call")
    chair_page, a_page = open_page(), open_page()
    join(chair_page, server, invitations["chair"][1])
    join(a_page, server, invitations["a"][1])
    chair_page.get_by_role("button", name="Admit Bertrand Roux").click()
    wait_for(lambda: heard(chair_page) > 0, 30, partial(describe, chair_page, "A's sound"))
    loud = heard(chair_page, 75)

    a_page.get_by_role("button", name="Mute microphone").click()
    expect(a_page.get_by_role("button", name="Unmute microphone")).to_have_attribute(
        "aria-pressed", "true"
    )
    # Nothing leaves A's page (not even silence), so nothing of A reaches the chair.
    wait_for(lambda: sent_while_hearing(a_page) == 0, 30, "A's microphone going quiet")
    wait_for(lambda: heard(chair_page, 75) < loud / 100, 30, "A no longer heard")

    a_page.get_by_role("button", name="Unmute microphone").click()
    wait_for(lambda: sent_while_hearing(a_page) >= 25, 30, "A's microphone sending again")
    wait_for(lambda: heard(chair_page, 75) > loud / 10, 30, "A heard again")
