"""Pages rejoin by themselves: after a network drop, and after a Janus restart.

The floor lives in Summitry: whatever happened to the page or to Janus, it comes back as
it was (same speaker, same start, the others still muted by Janus).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from summitry.rooms.janus.process import JanusProcess, JanusSupervisor
from summitry.rooms.media import restore_after_janus_restart
from summitry.rooms.models import Invitation, RoomEvent
from tests.e2e.rooms_helpers import (
    ServeRooms,
    describe,
    held_back,
    join,
    media_from,
    more_of,
    named_room,
    packets_over,
    stats,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


def floor_of(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate("window.summitryRoom.state.floor")
    return found


def counters(page: Page) -> dict[str, int]:
    found: dict[str, int] = page.evaluate(
        "({sockets: window.summitryRoom.socketsOpened, media: window.summitryRoom.mediaSessions})"
    )
    return found


def room_with_floor_to_a(
    server: str, open_page: Callable[[], Page]
) -> tuple[dict[str, Invitation], Page, Page, Page]:
    """Chair, A and B in a summit, A holding the floor and heard by B; B muted by Janus."""
    _, invitations = named_room("virtual_summit")
    people = {label: inv for label, (inv, _) in invitations.items()}
    chair_page, a_page, b_page = open_page(), open_page(), open_page()
    join(chair_page, server, invitations["chair"][1])
    join(a_page, server, invitations["a"][1])
    join(b_page, server, invitations["b"][1])
    expect(chair_page.locator("#lobby li")).to_have_count(2)
    chair_page.get_by_role("button", name="Admit all").click()
    chair_page.get_by_role("button", name="Give the floor to Bertrand Roux").click()
    for page in (a_page, b_page):
        expect(page.locator("#floor-holder")).to_have_text("Bertrand Roux has the floor")
    wait_for(
        partial(media_from, b_page, people["a"], packets=50),
        30,
        partial(describe, b_page, "A's media at B"),
    )
    wait_for(
        partial(media_from, a_page, people["b"], packets=-1),
        30,
        partial(describe, a_page, "B's video at A"),
    )
    return people, chair_page, a_page, b_page


def test_page_rejoins_by_itself_after_a_network_drop(
    server: str, open_page: Callable[[], Page], artifacts: Path
) -> None:
    people, _, a_page, b_page = room_with_floor_to_a(server, open_page)
    a, b = people["a"], people["b"]
    floor = floor_of(b_page)
    before = counters(b_page)

    # B's network goes, and (as B's heartbeat would find out) so does the WebSocket, which
    # Chromium's offline mode leaves open otherwise. Whether B's Janus session outlives a short
    # drop depends on whether a request was in flight: the page may keep it or make a new one,
    # what matters is that it is connected again, hears A, and B stays muted.
    b_page.context.set_offline(True)
    b_page.evaluate("window.summitryRoom.dropSocket()")
    expect(b_page.locator("#connection-status")).to_contain_text("lost")
    time.sleep(3)  # the length of the drop (a scenario, not a wait for something)
    b_page.context.set_offline(False)
    wait_for(
        lambda: counters(b_page)["sockets"] > before["sockets"],
        20,
        lambda: (
            f"B's page to reconnect: {counters(b_page)} after {before}; " + describe(b_page, "B")
        ),
    )
    expect(b_page.locator("#connection-status")).to_have_text("Connected.")
    # The floor is as it was: A since the same moment; A heard, B still silenced by Janus.
    assert floor_of(b_page)["speaker"] == a.pk
    assert floor_of(b_page)["since"] == floor["since"]
    expect(b_page.locator("#floor-holder")).to_have_text("Bertrand Roux has the floor")
    wait_for(lambda: packets_over(b_page, a, 0.5) > 10, 15, partial(describe, b_page, "A again"))
    wait_for(partial(media_from, a_page, b, packets=-1), 15, partial(describe, a_page, "B's video"))
    held_back(a_page, b)  # B is still muted after rejoining
    b_page.screenshot(path=str(artifacts / "room-rejoined-after-network-drop.png"))


def test_pages_rejoin_by_themselves_after_a_janus_restart_and_the_floor_is_kept(
    start_janus: Callable[..., JanusProcess],
    serve_rooms: ServeRooms,
    open_page: Callable[[], Page],
    artifacts: Path,
) -> None:
    # A Janus of its own: killing the session's would break the other tests.
    process = start_janus("restarting-e2e")

    def restore(restarted: JanusProcess) -> None:
        restore_after_janus_restart(restarted.config.name)

    supervisor = JanusSupervisor(process, interval=0.2, on_restart=restore)
    with serve_rooms(process.config.endpoint()) as server:
        people, _, a_page, b_page = room_with_floor_to_a(server, open_page)
        a, b = people["a"], people["b"]
        floor = floor_of(b_page)
        before = {page: counters(page)["media"] for page in (a_page, b_page)}
        supervisor.start()
        try:
            process.kill()  # a crash: Janus forgets every room, token and session
            assert supervisor.wait_for_restart(0, timeout=30), process.log_tail()
            for page in (a_page, b_page):
                wait_for(
                    partial(lambda page: counters(page)["media"] > before[page], page),
                    20,
                    partial(describe, page, "a new media session"),
                )
            # Media flows again both ways: A heard and seen at B, B seen at A ...
            wait_for(
                lambda: packets_over(b_page, a, 0.5) > 10 and media_from(b_page, a, frames=10),
                20,
                partial(describe, b_page, "A's media after the restart"),
            )
            frames = stats(a_page).get(str(b.pk), {}).get("framesDecoded", 0)
            wait_for(
                lambda: stats(a_page).get(str(b.pk), {}).get("framesDecoded", 0) > frames + 10,
                20,
                partial(describe, a_page, "B's video after the restart"),
            )
            # ... and the floor is as it was: A speaks since the same moment, B muted by Janus.
            for page in (a_page, b_page):
                assert floor_of(page)["speaker"] == a.pk
                assert floor_of(page)["since"] == floor["since"]
            assert Invitation.objects.get(pk=b.pk).muted
            # The page's "published" and the enforcer's sweep re-apply mutes.
            held_back(a_page, b)
            more_of(b_page, str(a.pk), 25)
            assert process.config.name in {
                e.data.get("instance") for e in RoomEvent.objects.filter(kind="janus_restored")
            }
            b_page.screenshot(path=str(artifacts / "room-rejoined-after-janus-restart.png"))
        finally:
            supervisor.stop()
