"""The room WebSocket: refusals, chair-only commands, broadcasts, timers, the press view."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from summitry.rooms import relay
from summitry.rooms.actions.links import issue_press_link
from summitry.rooms.broadcast import changed, current_version, room_group
from summitry.rooms.models import Invitation, Room, RoomEvent
from tests.rooms.rooms_factories import open_room
from tests.rooms.sockets import Json, closed_with, connected, joined, leave, until, viewing

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    # Room ids restart after each transactional test's flush.
    relay._snapshots.clear()
    with override_settings(SUMMITRY_ROOMS_REJOIN_GRACE=0, SUMMITRY_ROOMS_ENFORCE_INTERVAL=30):
        yield
    relay._snapshots.clear()


def test_websocket_with_unknown_token_is_closed_with_the_reason() -> None:
    async def scenario() -> None:
        ws = await connected("/ws/rooms/not-a-real-token/")
        message, close = await closed_with(ws)
        assert close["code"] == 4403
        assert "not valid" in message
        watch = await connected("/ws/rooms/watch/not-a-press-token/")
        message, close = await closed_with(watch)
        assert close["code"] == 4403 and "view-only link is not valid" in message

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
            await leave(ws)

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
            await leave(view.ws)

    asyncio.run(scenario())


def test_give_floor_sends_a_small_floor_message_not_the_whole_state() -> None:
    room, invs = open_room()

    async def scenario() -> None:
        chair, a, b = [await viewing(invs[who][1]) for who in ("chair", "a", "b")]
        await chair.ws.send_json_to({"type": "admit_all"})
        for view in (chair, a, b):
            await view.until(lambda s: all(p["state"] == "admitted" for p in s["participants"]))
            await view.until(lambda s: all(p["online"] for p in s["participants"]))
            # Joins are gathered before they go out: let every page take them in first.
            await view.settled(room.pk)
        before = a.state["version"]
        await chair.ws.send_json_to({"type": "give_floor", "participant": invs["b"][0].pk})
        await a.until(lambda s: s["floor"]["speaker"] == invs["b"][0].pk)
        message = a.received[-1]  # the message that brought the change
        assert message["type"] == "floor", [m["type"] for m in a.received]
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
            await leave(view.ws)

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
            await leave(view.ws)

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
        await a.settled(room.pk)
        start = a.state["version"]
        # Twenty full-state changes in a burst, in the worker's database thread: the states the
        # page is sent are built in that thread too, so none can be built mid-burst, however
        # slow the machine.
        await database_sync_to_async(_full_changes)(room.pk, 20)
        newest = await database_sync_to_async(current_version)(room.pk)
        await a.until(lambda s: s["version"] == newest)
        # Nothing older than what the page holds is ever sent after it: the count is final.
        states = [m for m in a.received if m["type"] == "state" and m["version"] > start]
        assert a.state["version"] == newest
        assert 1 <= len(states) < 5, [m["version"] for m in states]
        for view in (chair, a):
            await leave(view.ws)

    asyncio.run(scenario())


def _full_changes(room_id: int, count: int) -> None:
    for _ in range(count):
        with transaction.atomic():
            changed(Room.objects.get(pk=room_id))


def test_joins_reach_the_others_as_presence() -> None:
    room, invs = open_room()

    async def scenario() -> None:
        chair = await viewing(invs["chair"][1])
        a = await viewing(invs["a"][1])
        await chair.ws.send_json_to({"type": "admit_all"})
        await a.until(lambda s: s["you"]["state"] == "admitted")

        def a_online(s: Json) -> bool:
            # (a is in the lobby list until the chair's page has the admission)
            return any(p["id"] == invs["a"][0].pk and p["online"] for p in s["participants"])

        await chair.until(a_online)
        await leave(a.ws)  # with no grace: left at once
        await chair.until(lambda s: not a_online(s))
        await chair.settled(room.pk)  # nothing but the join below can reach the chair now
        a = await viewing(invs["a"][1])
        state = await chair.until(a_online)
        assert state["version"] >= a.state["version"]
        kinds = [m["type"] for m in chair.received[1:]]
        assert kinds[-1] == "presence", kinds
        for view in (chair, a):
            await leave(view.ws)

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
        passed = await b.until(lambda s: s["floor"]["speaker"] == invs["b"][0].pk)
        assert not passed["you"]["muted"]
        for view in (chair, a, b):
            await leave(view.ws)

    asyncio.run(scenario())
    kinds = list(RoomEvent.objects.filter(room=room).values_list("kind", flat=True))
    assert "time_expired" in kinds
    assert kinds.count("floor_given") == 2


def test_reconnect_within_grace_is_the_same_attendance() -> None:
    room, invs = open_room()

    async def scenario() -> None:
        # A grace period no slow machine can overrun: the page is back within it for sure.
        with override_settings(SUMMITRY_ROOMS_REJOIN_GRACE=600):
            a, _ = await joined(invs["a"][1])
            await leave(a)
            a, _ = await joined(invs["a"][1])
        # The page then leaves for good (no grace): "left" is recorded as it closes.
        await leave(a)

    asyncio.run(scenario())
    events = RoomEvent.objects.filter(room=room, subject=invs["a"][0])
    assert events.filter(kind="joined").count() == 1
    assert events.filter(kind="left").count() == 1


def test_press_view_gets_state_but_cannot_act() -> None:
    room, invs = open_room()
    press_token = issue_press_link(room)

    async def scenario() -> None:
        watch = await connected(f"/ws/rooms/watch/{press_token}/")
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
    group = room_group(room.pk)

    async def scenario() -> None:
        layer = get_channel_layer()
        views = [await viewing(invs[who][1]) for who in ("chair", "a", "b")]
        assert len(layer.groups.get(group, {})) == 1
        await views[0].ws.send_json_to({"type": "admit_all"})
        for view in views[1:]:
            await view.until(lambda s: s["janus"] is not None)
        for view in views:
            await leave(view.ws)  # returns once the consumer has left the group
        assert not layer.groups.get(group)

    asyncio.run(scenario())


def test_join_of_an_admitted_person_starts_from_the_cached_state_and_the_presence_delta() -> None:
    # A join storm must not cost a state build a join (O(N²) at 2,000 clients): a join that
    # changes only presence is sent the worker's cached state, then the delta heard after it.
    room, invs = open_room()

    async def scenario() -> None:
        chair, a = [await viewing(invs[who][1]) for who in ("chair", "a")]
        await chair.ws.send_json_to({"type": "admit_all"})
        await a.until(lambda s: s["you"]["state"] == "admitted")
        await leave(a.ws)  # with no grace: left at once (a full change)
        await chair.settled(room.pk)
        cached = relay._snapshots[room.pk].version
        assert cached == chair.state["version"]
        a = await viewing(invs["a"][1])
        assert a.state["version"] == cached  # not a state built for this join
        assert a.state["you"]["state"] == "admitted" and a.state["janus"] is not None

        def a_online(s: Json) -> bool:
            return any(p["id"] == invs["a"][0].pk and p["online"] for p in s["participants"])

        joined_at = await database_sync_to_async(current_version)(room.pk)
        state = await a.until(a_online)
        assert state["version"] == joined_at
        changes = [m["type"] for m in a.received[1:] if m["type"] != "chat_history"]
        assert changes == ["presence"]
        assert relay._snapshots[room.pk].version == cached  # nothing was built for it
        for view in (chair, a):
            await leave(view.ws)

    asyncio.run(scenario())


def test_first_arrival_is_sent_its_lobby_state_not_the_cached_one() -> None:
    # Arriving changes more than presence: the cached state (which shows the person invited)
    # is not for this page.
    room, invs = open_room()

    async def scenario() -> None:
        chair = await viewing(invs["chair"][1])
        await chair.settled(room.pk)
        assert relay._snapshots[room.pk].version == chair.state["version"]
        a = await viewing(invs["a"][1])
        assert a.state["you"]["state"] == "waiting"
        assert a.state["version"] > chair.state["version"]
        for view in (chair, a):
            await leave(view.ws)

    asyncio.run(scenario())
