"""Helpers of the live-room browser tests: rooms with named people, joining, WebRTC stats.

Media is checked from the receiving side's WebRTC statistics, read through the
page's test hook ``window.summitryRoom.stats()``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from playwright.sync_api import Page

from summitry.directory.models import Person
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.models import Invitation, Room
from tests.rooms import rooms_factories

Stats = dict[str, dict[str, Any]]
#: The ``serve_rooms`` fixture: Summitry served over ASGI, its rooms on the given Janus.
ServeRooms = Callable[[JanusEndpoint], AbstractContextManager[str]]
# 20 ms Opus frames: 50 audio packets a second while forwarded; a few may be in flight.
QUIET = 5
#: Video frames (about 30 a second) that carry what was in flight, and a window long enough
#: to hear audio in.
FLUSH_FRAMES = 15
WINDOW_FRAMES = 30
NAMES = (("chair", "Amina Diallo"), ("a", "Bertrand Roux"), ("b", "Chen Wei"))


def named_room(
    kind: str = "virtual_summit", **options: object
) -> tuple[Room, dict[str, tuple[Invitation, str]]]:
    room, invitations = rooms_factories.open_room(kind, **options)
    for label, name in NAMES:
        Person.objects.filter(pk=invitations[label][0].person_id).update(name=name)
    return room, invitations


def join(page: Page, base: str, token: str) -> None:
    page.goto(f"{base}/rooms/join/{token}/")
    page.get_by_role("button", name="Join the meeting").click()


def stats(page: Page) -> Stats:
    result: Stats = page.evaluate("window.summitryRoom.stats()")
    return result


def page_diagnosis(page: Page) -> str:
    """What a page knows, for failure messages: who it is, its stats and media errors."""
    found: object = page.evaluate(
        """async () => ({you: window.summitryRoom.state && window.summitryRoom.state.you,
        errors: window.summitryRoom.errors, stats: await window.summitryRoom.stats()})"""
    )
    return repr(found)


def describe(page: Page, what: str) -> str:
    return f"{what} at {page_diagnosis(page)}"


def wait_for(check: Callable[[], bool], timeout: float, what: str | Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out waiting for {what if isinstance(what, str) else what()}"
            )
        time.sleep(0.2)


def media_from(page: Page, sender: Invitation, frames: int = 10, packets: int = 25) -> bool:
    row = stats(page).get(str(sender.pk))
    return bool(row and row["framesDecoded"] > frames and row["packetsReceived"] > packets)


def received(page: Page, key: str, field: str = "packetsReceived") -> float:
    """One counter of one row of the page's stats (a participant id, "mix" or "channel")."""
    row = stats(page).get(key)
    return float(row[field]) if row else 0.0


def growth(page: Page, key: str, seconds: float, field: str = "packetsReceived") -> float:
    """Growth over a while: only for a condition polled until a deadline (``wait_for``)."""
    before = received(page, key, field)
    time.sleep(seconds)
    return received(page, key, field) - before


def more_of(
    page: Page, key: str, count: float, field: str = "packetsReceived", timeout: float = 30.0
) -> None:
    """Wait until ``count`` more of ``field`` arrive on row ``key``: media keeps coming."""
    start = received(page, key, field)
    wait_for(
        lambda: received(page, key, field) >= start + count,
        timeout,
        lambda: f"{count} more {field} of {key} after {start}: {page_diagnosis(page)}",
    )


def growth_while(
    page: Page, key: str, field: str, clock: str, ticks: float, timeout: float = 30.0
) -> float:
    """How much ``field`` of row ``key`` grew while its ``clock`` counter grew by ``ticks``.

    A window measured in the media itself (frames decoded, packets of the mix), not in
    seconds: a slow machine only makes it last longer.
    """
    before = stats(page).get(key) or {}
    deadline = time.monotonic() + timeout
    while True:
        now = stats(page).get(key) or {}
        if now.get(clock, 0) - before.get(clock, 0) >= ticks:
            return float(now.get(field, 0) - before.get(field, 0))
        if time.monotonic() > deadline:
            raise AssertionError(f"{clock} of {key} stopped growing: {before} then {now}")
        time.sleep(0.05)


def audio_while_video(page: Page, sender: Invitation, frames: int = WINDOW_FRAMES) -> int:
    """Audio packets from ``sender`` while ``frames`` more of its video frames were decoded."""
    return int(growth_while(page, str(sender.pk), "packetsReceived", "framesDecoded", frames))


def held_back(page: Page, sender: Invitation, timeout: float = 30.0) -> None:
    """Wait until Janus holds ``sender``'s audio back from ``page`` while its video flows (a
    mute landing), then check it stays so over a whole window."""
    audio_while_video(page, sender, FLUSH_FRAMES)  # what was on the way arrives
    deadline = time.monotonic() + timeout
    while (heard := audio_while_video(page, sender)) > QUIET:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{sender}'s audio still reaches the page ({heard} packets a window)"
            )
    assert audio_while_video(page, sender) <= QUIET, f"{sender}'s audio came back"


def packets_over(page: Page, sender: Invitation, seconds: float) -> int:
    """Audio packets over a while: only for a condition polled until a deadline."""
    return int(growth(page, str(sender.pk), seconds))


def outbound(page: Page) -> list[dict[str, Any]]:
    """Every outbound-rtp report of every RTCPeerConnection of the page."""
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
        const rows = [];
        for (const pc of window.summitryRoom.peerConnections()) {
          for (const s of (await pc.getStats()).values()) {
            if (s.type === "outbound-rtp") rows.push({kind: s.kind, packetsSent: s.packetsSent});
          }
        }
        return rows;
        }"""
    )
    return found
