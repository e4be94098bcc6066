"""The room WebSocket: refusals, chair-only commands, broadcasts, timers, the press view."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from summitry.rooms import consumers, services
from summitry.rooms.models import Invitation, RoomEvent
from summitry.rooms.routing import websocket_urlpatterns
from tests.rooms.rooms_factories import open_room

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]

Json = dict[str, Any]


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    # Room ids restart after each transactional test's flush.
    consumers._snapshots.clear()
    with override_settings(SUMMITRY_ROOMS_REJOIN_GRACE=0, SUMMITRY_ROOMS_ENFORCE_INTERVAL=30):
        yield
    consumers._snapshots.clear()


def client(path: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)


async def joined(token: str) -> tuple[WebsocketCommunicator, Json]:
    ws = client(f"/ws/rooms/{token}/")
    connected, _ = await ws.connect()
    assert connected
    return ws, await until(ws, lambda m: m["type"] == "state")


async def until(
    ws: WebsocketCommunicator, match: Callable[[Json], bool], timeout: float = 5.0
) -> Json:
    async def wait() -> Json:
        while True:
            message: Json = await ws.receive_json_from(timeout)
            if match(message):
                return message

    return await asyncio.wait_for(wait(), timeout)


async def closed_with(ws: WebsocketCommunicator) -> tuple[str, int]:
    error = await ws.receive_json_from()
    assert error["type"] == "error"
    close = await ws.receive_output()
    assert close["type"] == "websocket.close"
    return error["message"], close["code"]


def test_websocket_with_unknown_token_is_closed_with_the_reason() -> None:
    async def scenario() -> None:
        ws = client("/ws/rooms/not-a-real-token/")
        assert (await ws.connect())[0]
        message, code = await closed_with(ws)
        assert code == 4403
        assert "not valid" in message
        watch = client("/ws/rooms/watch/not-a-press-token/")
        assert (await watch.connect())[0]
        message, code = await closed_with(watch)
        assert code == 4403 and "view-only link is not valid" in message

    asyncio.run(scenario())


def test_participant_sending_chair_commands_gets_errors_and_nothing_changes() -> None:
    room, invs = open_room()

    async def scenario() -> None:
        chair, state = await joined(invs["chair"][1])
        assert state["you"]["is_chair"] and state["janus"] is not None
        a, state = await joined(invs["a"][1])
        assert state["you"]["state"] == "waiting" and state["janus"] is None
        b, _ = await joined(invs["b"][1])
        for command in (
            {"type": "admit", "participant": invs["a"][0].pk},
            {"type": "admit_all"},
            {"type": "give_floor", "participant": invs["a"][0].pk},
            {"type": "mute", "participant": invs["b"][0].pk},
            {"type": "ban", "participant": invs["b"][0].pk},
            {"type": "end"},
        ):
            await a.send_json_to(command)
            error = await until(a, lambda m: m["type"] == "error")
            assert error["message"].startswith("Only the chair can"), (command, error)
        # A participant id from nowhere is refused, even for the chair.
        await chair.send_json_to({"type": "admit", "participant": 10**9})
        error = await until(chair, lambda m: m["type"] == "error")
        assert "no such participant" in error["message"]
        for ws in (chair, a, b):
            await ws.disconnect()

    asyncio.run(scenario())
    states = dict(Invitation.objects.filter(room=room).values_list("pk", "state"))
    assert states[invs["a"][0].pk] == "waiting" and states[invs["b"][0].pk] == "waiting"
    assert (
        not RoomEvent.objects.filter(room=room, kind__in=["admitted", "banned", "ended"])
        .exclude(subject=invs["chair"][0])
        .exists()
    )


def test_floor_changes_reach_every_client_with_their_own_janus_part() -> None:
    room, invs = open_room()

    async def scenario() -> None:
        chair, _ = await joined(invs["chair"][1])
        a, _ = await joined(invs["a"][1])
        b, _ = await joined(invs["b"][1])
        await chair.send_json_to({"type": "admit_all"})
        for ws in (a, b):
            state = await until(ws, lambda m: m["type"] == "state" and m["janus"] is not None)
            assert state["janus"]["room"] == room.videoroom_id
        await b.send_json_to({"type": "request_floor"})
        await until(chair, lambda m: m["type"] == "state" and len(m["speakers"]) == 1)
        await chair.send_json_to({"type": "next_speaker"})
        b_id = invs["b"][0].pk
        seen = []
        for ws in (chair, a, b):
            seen.append(
                await until(ws, lambda m: m["type"] == "state" and m["floor"]["speaker"] == b_id)
            )
        tokens = {s["janus"]["token"] for s in seen}
        assert len(tokens) == 3, "each page gets its own Janus token"
        by_id = {p["id"]: p for p in seen[0]["participants"]}
        assert by_id[invs["a"][0].pk]["muted"] and not by_id[b_id]["muted"]
        assert "janus_token" not in str(seen[0]["participants"])
        for ws in (chair, a, b):
            await ws.disconnect()

    asyncio.run(scenario())


def test_floor_passes_on_by_itself_when_time_runs_out() -> None:
    room, invs = open_room(speaking_limit_seconds=1, auto_advance=True)

    async def scenario() -> None:
        chair, _ = await joined(invs["chair"][1])
        a, _ = await joined(invs["a"][1])
        b, _ = await joined(invs["b"][1])
        await chair.send_json_to({"type": "admit_all"})
        await until(b, lambda m: m["type"] == "state" and m["janus"] is not None)
        await a.send_json_to({"type": "request_floor"})
        await until(chair, lambda m: m["type"] == "state" and len(m["speakers"]) == 1)
        await b.send_json_to({"type": "request_floor"})
        await until(chair, lambda m: m["type"] == "state" and len(m["speakers"]) == 2)
        await chair.send_json_to({"type": "next_speaker"})
        first = await until(
            b, lambda m: m["type"] == "state" and m["floor"]["speaker"] == invs["a"][0].pk
        )
        assert first["floor"]["ends_at"] is not None and first["floor"]["limit"] == 1
        # Nobody does anything: the timer gives the floor to the next on the list.
        passed = await until(
            b,
            lambda m: m["type"] == "state" and m["floor"]["speaker"] == invs["b"][0].pk,
            timeout=4.0,
        )
        assert not passed["you"]["muted"]
        for ws in (chair, a, b):
            await ws.disconnect()

    asyncio.run(scenario())
    kinds = list(RoomEvent.objects.filter(room=room).values_list("kind", flat=True))
    assert "time_expired" in kinds
    assert kinds.count("floor_given") == 2


def test_reconnect_within_grace_is_the_same_attendance() -> None:
    room, invs = open_room()

    async def scenario() -> None:
        with override_settings(SUMMITRY_ROOMS_REJOIN_GRACE=0.5):
            a, _ = await joined(invs["a"][1])
            await a.disconnect()
            a, _ = await joined(invs["a"][1])  # back within the grace period
            await asyncio.sleep(0.8)
            await a.disconnect()
            await asyncio.sleep(0.8)

    asyncio.run(scenario())
    events = RoomEvent.objects.filter(room=room, subject=invs["a"][0])
    assert events.filter(kind="joined").count() == 1
    assert events.filter(kind="left").count() == 1


def test_press_view_gets_state_but_cannot_act() -> None:
    room, invs = open_room()
    press_token = services.issue_press_link(room)

    async def scenario() -> None:
        watch = client(f"/ws/rooms/watch/{press_token}/")
        assert (await watch.connect())[0]
        state = await until(watch, lambda m: m["type"] == "state")
        assert state["you"]["role"] == "press"
        assert state["janus"]["view_only"] and state["janus"]["publisher_id"] is None
        await watch.send_json_to({"type": "give_floor", "participant": invs["a"][0].pk})
        error = await until(watch, lambda m: m["type"] == "error")
        assert "press view cannot act" in error["message"]
        chair, _ = await joined(invs["chair"][1])
        await chair.send_json_to({"type": "end"})
        await until(watch, lambda m: m["type"] == "ended")
        await until(chair, lambda m: m["type"] == "ended")

    asyncio.run(scenario())
