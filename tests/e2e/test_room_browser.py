"""Live rooms in real browsers: Chromium pages, Summitry over ASGI, the real Janus.

Each participant is its own browser context (own fake camera and microphone).
Media is checked from the receiving side's WebRTC statistics, read through the
page's test hook ``window.summitryRoom.stats()``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings

from summitry.directory.models import Person
from summitry.rooms.janus import JanusEndpoint
from summitry.rooms.models import Invitation, Room
from tests.e2e.asgi_server import serve_asgi
from tests.rooms import rooms_factories
from tests.rooms.conftest import (  # noqa: F401 - fixtures of the real Janus
    endpoint,
    janus,
    janus_installed,
    media_address,
    start_janus,
)

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]

Stats = dict[str, dict[str, Any]]
# 20 ms Opus frames: 50 audio packets a second while forwarded; a few may be in flight.
QUIET = 5


@pytest.fixture
def server(
    endpoint: JanusEndpoint,  # noqa: F811
    media_address: str,  # noqa: F811 - Chromium must find the 127.42.0.1 interface
    settings: Settings,
) -> Iterator[str]:
    """Summitry over ASGI (WebSockets included), placing rooms on the session's Janus."""
    settings.SUMMITRY_JANUS_INSTANCES = [dataclasses.asdict(endpoint)]
    settings.SUMMITRY_ROOMS_ENFORCE_INTERVAL = 1.0
    with serve_asgi() as url:
        yield url


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """A new page in its own browser context (own cookies, own fake devices)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            viewport={"width": 1280, "height": 860}, timezone_id="Europe/Paris"
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def named_room(
    kind: str = "virtual_summit", **options: object
) -> tuple[Room, dict[str, tuple[Invitation, str]]]:
    room, invitations = rooms_factories.open_room(kind, **options)
    for label, name in (("chair", "Amina Diallo"), ("a", "Bertrand Roux"), ("b", "Chen Wei")):
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


def packets_over(page: Page, sender: Invitation, seconds: float) -> int:
    def count() -> int:
        row = stats(page).get(str(sender.pk))
        return int(row["packetsReceived"]) if row else 0

    before = count()
    time.sleep(seconds)
    return count() - before


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
    assert packets_over(a_page, b, 1.0) <= QUIET, "B is muted while the floor is free"

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
    time.sleep(1.5)  # the moderate request lands within the server's enforce interval
    assert packets_over(a_page, b, 2.0) <= QUIET, "B's audio still reaches A"
    assert packets_over(b_page, a, 2.0) > 50, "A's audio must reach B"
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
    expect(alert).to_be_visible(timeout=8000)
    expect(alert).to_contain_text("Time is up for Bertrand Roux")
    expect(chair_page.get_by_role("alert").filter(has_text="Time is up")).to_be_visible()
    expect(a_page.get_by_role("timer")).to_contain_text("Speaking time is up")
    expect(a_page.locator("#time-alert")).to_be_hidden()  # only the chair is alerted
    chair_page.screenshot(path=str(artifacts / "room-time-up-chair.png"))
