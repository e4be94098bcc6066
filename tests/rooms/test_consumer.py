"""The room WebSocket: refusals, chair-only commands, broadcasts, timers, the press view."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from summitry.rooms import consumers, services
from summitry.rooms.models import Invitation, Room, RoomEvent
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


class View:
    """What a page holds, applying messages as room.js does (and counting what came)."""

    def __init__(self, ws: WebsocketCommunicator, state: Json) -> None:
        self.ws, self.state = ws, state
        self.received: list[Json] = [state]

    def apply(self, message: Json) -> None:
        self.received.append(message)
        kind, version = message["type"], message.get("version", 0)
        if kind not in ("state", "floor", "presence") or version <= self.state["version"]:
            return
        if kind == "state":
            self.state = message
            return
        base = version - 1 if kind == "floor" else message["base"]
        assert self.state["version"] >= base, (
            f"the server sent a delta the page cannot apply: {message}"
        )
        state = {**self.state, "version": version}
        if kind == "floor":
            muted = set(message["muted"])
            state.update(floor=message["floor"], speakers=message["speakers"])
            for key in ("participants", "lobby"):
                state[key] = [{**p, "muted": p["id"] in muted} for p in state[key]]
            if state["you"].get("id") is not None:
                state["you"] = {**state["you"], "muted": state["you"]["id"] in muted}
        else:
            online, offline = set(message["online"]), set(message["offline"])
            for key in ("participants", "lobby"):
                state[key] = [
                    {**p, "online": p["id"] in online or (p["online"] and p["id"] not in offline)}
                    for p in state[key]
                ]
        self.state = state

    async def until(self, match: Callable[[Json], bool], timeout: float = 5.0) -> Json:
        async def wait() -> Json:
            while not match(self.state):
                self.apply(await self.ws.receive_json_from(timeout))
            return self.state

        return await asyncio.wait_for(wait(), timeout)


async def viewing(token: str) -> View:
    ws, state = await joined(token)
    return View(ws, state)


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
        chair, a, b = [await viewing(invs[who][1]) for who in ("chair", "a", "b")]
        await chair.ws.send_json_to({"type": "admit_all"})
        for view in (a, b):
            state = await view.until(lambda s: s["janus"] is not None)
            assert state["janus"]["room"] == room.videoroom_id
        await b.ws.send_json_to({"type": "request_floor"})
        await chair.until(lambda s: len(s["speakers"]) == 1)
        await chair.ws.send_json_to({"type": "next_speaker"})
        b_id = invs["b"][0].pk
        seen = [await v.until(lambda s: s["floor"]["speaker"] == b_id) for v in (chair, a, b)]
        tokens = {s["janus"]["token"] for s in seen}
        assert len(tokens) == 3, "each page gets its own Janus token"
        by_id = {p["id"]: p for p in seen[0]["participants"]}
        assert by_id[invs["a"][0].pk]["muted"] and not by_id[b_id]["muted"]
        assert seen[1]["you"]["muted"] and not seen[2]["you"]["muted"]
        assert "janus_token" not in str(seen[0]["participants"])
        for view in (chair, a, b):
            await view.ws.disconnect()

    asyncio.run(scenario())


def test_give_floor_sends_a_small_floor_message_not_the_whole_state() -> None:
    _, invs = open_room()

    async def scenario() -> None:
        chair, a, b = [await viewing(invs[who][1]) for who in ("chair", "a", "b")]
        await chair.ws.send_json_to({"type": "admit_all"})
        for view in (chair, a, b):
            await view.until(lambda s: all(p["state"] == "admitted" for p in s["participants"]))
            await view.until(lambda s: all(p["online"] for p in s["participants"]))
        before = a.state["version"]
        await chair.ws.send_json_to({"type": "give_floor", "participant": invs["b"][0].pk})
        message: Json = await a.ws.receive_json_from(5)
        assert message["type"] == "floor", message
        assert message["version"] == before + 1
        assert message["floor"]["speaker"] == invs["b"][0].pk
        assert [s["participant"] for s in message["speakers"]] == [invs["b"][0].pk]
        assert message["muted"] == [invs["a"][0].pk]
        assert set(message) == {"type", "version", "floor", "speakers", "muted"}
        # Nothing of anyone's own (no Janus token): the same text goes to every client.
        assert "janus" not in str(message) and "you" not in message
        await b.until(lambda s: s["floor"]["speaker"] == invs["b"][0].pk)
        assert b.received[-1] == message
        for view in (chair, a, b):
            await view.ws.disconnect()

    asyncio.run(scenario())


def test_a_client_behind_gets_a_full_state() -> None:
    room, invs = open_room()

    async def scenario() -> None:
        chair = await viewing(invs["chair"][1])
        a = await viewing(invs["a"][1])
        await chair.ws.send_json_to({"type": "admit", "participant": invs["a"][0].pk})
        await a.until(lambda s: s["you"]["state"] == "admitted")
        held = a.state["version"]
        # A broadcast lost on the way: the version moved on without this client hearing of it.
        await database_sync_to_async(_bump_silently)(room.pk)
        await a.ws.send_json_to({"type": "ping", "version": held})
        state = await until(a.ws, lambda m: m["type"] == "state")  # (the pong may come first)
        assert state["version"] == held + 1
        # A page that could not apply a delta says so: it gets the whole state again.
        await a.ws.send_json_to({"type": "sync", "version": held})
        again = await until(a.ws, lambda m: m["type"] == "state")
        assert again["version"] == held + 1
        for view in (chair, a):
            await view.ws.disconnect()

    asyncio.run(scenario())


def _bump_silently(room_id: int) -> None:
    Room.objects.filter(pk=room_id).update(version=F("version") + 1)


def test_rapid_changes_are_coalesced_into_the_newest_state() -> None:
    room, invs = open_room()

    async def scenario() -> None:
        chair = await viewing(invs["chair"][1])
        a = await viewing(invs["a"][1])
        await chair.ws.send_json_to({"type": "admit_all"})
        await a.until(lambda s: s["you"]["state"] == "admitted")
        start = a.state["version"]
        # Twenty full-state changes in a burst (the chair's page reconnecting is not one).
        for _ in range(20):
            await database_sync_to_async(_full_change)(room.pk)
        newest = await database_sync_to_async(services.current_version)(room.pk)
        await a.until(lambda s: s["version"] == newest)
        await asyncio.sleep(0.3)
        while not await a.ws.receive_nothing(0.1):
            a.apply(await a.ws.receive_json_from(1))
        states = [m for m in a.received if m["type"] == "state" and m["version"] > start]
        assert a.state["version"] == newest
        assert 1 <= len(states) < 5, [m["version"] for m in states]
        for view in (chair, a):
            await view.ws.disconnect()

    asyncio.run(scenario())


def _full_change(room_id: int) -> None:
    with transaction.atomic():
        services._changed(Room.objects.get(pk=room_id))


def test_joins_reach_the_others_as_presence() -> None:
    _, invs = open_room()

    async def scenario() -> None:
        chair = await viewing(invs["chair"][1])
        a = await viewing(invs["a"][1])
        await chair.ws.send_json_to({"type": "admit_all"})
        await a.until(lambda s: s["you"]["state"] == "admitted")

        def a_online(s: Json) -> bool:
            return bool({p["id"]: p["online"] for p in s["participants"]}[invs["a"][0].pk])

        await chair.until(a_online)
        await a.ws.disconnect()  # with no grace: left at once
        await chair.until(lambda s: not a_online(s))
        a = await viewing(invs["a"][1])
        state = await chair.until(a_online)
        assert state["version"] >= a.state["version"]
        kinds = [m["type"] for m in chair.received[1:]]
        assert kinds[-1] == "presence", kinds
        for view in (chair, a):
            await view.ws.disconnect()

    asyncio.run(scenario())


def test_floor_passes_on_by_itself_when_time_runs_out() -> None:
    room, invs = open_room(speaking_limit_seconds=1, auto_advance=True)

    async def scenario() -> None:
        chair, a, b = [await viewing(invs[who][1]) for who in ("chair", "a", "b")]
        await chair.ws.send_json_to({"type": "admit_all"})
        await b.until(lambda s: s["janus"] is not None)
        await a.ws.send_json_to({"type": "request_floor"})
        await chair.until(lambda s: len(s["speakers"]) == 1)
        await b.ws.send_json_to({"type": "request_floor"})
        await chair.until(lambda s: len(s["speakers"]) == 2)
        await chair.ws.send_json_to({"type": "next_speaker"})
        first = await b.until(lambda s: s["floor"]["speaker"] == invs["a"][0].pk)
        assert first["floor"]["ends_at"] is not None and first["floor"]["limit"] == 1
        # Nobody does anything: the timer gives the floor to the next on the list.
        passed = await b.until(lambda s: s["floor"]["speaker"] == invs["b"][0].pk, timeout=4.0)
        assert not passed["you"]["muted"]
        for view in (chair, a, b):
            await view.ws.disconnect()

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


def test_a_worker_subscribes_once_per_room_however_many_pages() -> None:
    # Fan-out stays O(pages) per change only if the layer delivers each change once per worker.
    room, invs = open_room()
    group = services.room_group(room.pk)

    async def scenario() -> None:
        layer = get_channel_layer()
        views = [await viewing(invs[who][1]) for who in ("chair", "a", "b")]
        assert len(layer.groups.get(group, {})) == 1
        await views[0].ws.send_json_to({"type": "admit_all"})
        for view in views[1:]:
            await view.until(lambda s: s["janus"] is not None)
        for view in views:
            await view.ws.disconnect()
        await asyncio.sleep(0.05)
        assert not layer.groups.get(group)

    asyncio.run(scenario())
