"""Who may be in a room now: revoked and expired links are cut off, on Janus too, and stay so.

One rule (admitted, not revoked, not expired, room open) decides tokens, their restore after a
Janus restart, floor enforcement and the sweep; these tests go through the real Janus.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator

import pytest
from channels.db import database_sync_to_async
from django.test import override_settings
from django.utils import timezone

from summitry.rooms import relay, sweeper, timers
from summitry.rooms.actions.access import resolve_token
from summitry.rooms.actions.ending import end_room
from summitry.rooms.actions.links import reissue_link, revoke
from summitry.rooms.actions.lobby import admit, admit_all, admit_in_order, arrive
from summitry.rooms.actions.sweep import cut_off_expired, enforce_floor
from summitry.rooms.janus.client import AUDIOBRIDGE, VIDEOROOM, JanusAuthError, JanusSession
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.janus.process import JanusProcess, JanusSupervisor
from summitry.rooms.media import admitted_tokens, restore_after_janus_restart
from summitry.rooms.models import Invitation, Room, RoomEvent, SpeakerRequest
from summitry.rooms.rules import RoomRefusal
from tests.rooms.rooms_factories import admitted, open_room
from tests.rooms.sockets import DEADLINE, closed_with, connected, leave, viewing

pytestmark = [pytest.mark.integration, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    # Room ids restart after each transactional test's flush; loops of earlier tests are gone.
    for cache in (relay._snapshots, timers._enforcers, timers._local):
        cache.clear()
    with override_settings(SUMMITRY_ROOMS_REJOIN_GRACE=0, SUMMITRY_ROOMS_ENFORCE_INTERVAL=30):
        yield
    for cache in (relay._snapshots, timers._enforcers, timers._local):
        cache.clear()


def fresh(inv: Invitation) -> Invitation:
    return Invitation.objects.get(pk=inv.pk)


def expire(inv: Invitation) -> None:
    """The link's time is up (as if the clock had moved past ``expires_at``)."""
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))


def stored(endpoint: JanusEndpoint) -> set[str]:
    return {t.token for t in endpoint.admin().list_tokens()}


def refused_by_janus(endpoint: JanusEndpoint, token: str) -> bool:
    try:
        JanusSession.create(endpoint.api_url, token=token).destroy()
    except JanusAuthError:
        return True
    return False


def eventually(condition: Callable[[], bool], deadline: float = DEADLINE) -> bool:
    """Whether ``condition`` holds within ``deadline`` seconds (checked again and again)."""
    ends = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > ends:
            return False
        time.sleep(0.05)
    return True


def test_revoked_and_expired_people_get_no_token_back_after_a_janus_restart(
    start_janus: Callable[..., JanusProcess], settings: object
) -> None:
    process = start_janus("restarting-cut-off")
    endpoint = process.config.endpoint()
    settings.SUMMITRY_JANUS_INSTANCES = [dataclasses.asdict(endpoint)]  # type: ignore[attr-defined]
    room, invs = open_room()
    admitted(room, "a", "b", invitations=invs)
    chair, a, b = (fresh(invs[k][0]) for k in ("chair", "a", "b"))
    revoke(a)
    expire(b)  # expired a moment ago: no sweep has run yet
    assert b.janus_token in stored(endpoint)

    def restore(restarted: JanusProcess) -> None:
        restore_after_janus_restart(restarted.config.name)

    supervisor = JanusSupervisor(process, interval=0.2, on_restart=restore)
    supervisor.start()
    try:
        process.kill()  # Janus forgets every token; Summitry puts back the ones it decides
        assert supervisor.wait_for_restart(0, timeout=30)
        tokens = stored(endpoint)
        assert chair.janus_token in tokens and room.press_janus_token in tokens
        assert a.janus_token not in tokens, "a revoked person came back"
        assert b.janus_token not in tokens, "an expired link came back"
        # Janus itself refuses them: no session, so no room.
        assert refused_by_janus(endpoint, a.janus_token)
        assert refused_by_janus(endpoint, b.janus_token)
        assert not refused_by_janus(endpoint, chair.janus_token)
    finally:
        supervisor.stop()
    assert room.events.filter(kind="janus_restored").exists()


@pytest.mark.usefixtures("rooms_on_janus")
def test_revoke_takes_the_janus_token_away_at_once(rooms_on_janus: JanusEndpoint) -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    a = fresh(invs["a"][0])
    assert room.videoroom_id is not None
    session = JanusSession.create(rooms_on_janus.api_url, token=a.janus_token)
    try:
        handle = session.attach(VIDEOROOM)
        handle.call(
            {"request": "join", "ptype": "publisher", "room": room.videoroom_id,
             "id": a.janus_publisher_id, "token": a.janus_token}
        )  # fmt: skip
        in_room = {
            int(p.id) for p in rooms_on_janus.videoroom().list_participants(room.videoroom_id)
        }
        assert a.janus_publisher_id in in_room

        revoke(a)

        assert a.janus_token not in stored(rooms_on_janus)
        in_room = {
            int(p.id) for p in rooms_on_janus.videoroom().list_participants(room.videoroom_id)
        }
        assert a.janus_publisher_id not in in_room, "the revoked person was not kicked"
        assert refused_by_janus(rooms_on_janus, a.janus_token)
        # Nothing left for a restore or a state to hand out again.
        assert fresh(a).janus_token == ""
        assert a.janus_token not in admitted_tokens(room)
    finally:
        session.destroy()
        end_room(invs["chair"][0])


@pytest.mark.usefixtures("rooms_on_janus")
def test_floor_enforcement_kicks_a_caller_who_may_no_longer_be_there(
    rooms_on_janus: JanusEndpoint,
) -> None:
    room, invs = open_room(kind="telephone_call")
    admitted(room, "a", "b", invitations=invs)
    a, b = fresh(invs["a"][0]), fresh(invs["b"][0])
    bridge = room.audiobridge_id
    assert bridge is not None
    sessions = []
    try:
        for inv in (a, b):
            session = JanusSession.create(rooms_on_janus.api_url, token=inv.janus_token)
            sessions.append(session)
            session.attach(AUDIOBRIDGE).call(
                {"request": "join", "room": bridge, "id": inv.janus_publisher_id,
                 "token": inv.janus_token, "muted": True}
            )  # fmt: skip
        # The link was revoked while Janus did not hear of it (its cut-off call was lost).
        Invitation.objects.filter(pk=a.pk).update(revoked_at=timezone.now())
        enforce_floor(room.pk)

        def present() -> set[int]:
            return {int(p.id) for p in rooms_on_janus.audiobridge().list_participants(bridge)}

        # (AudioBridge carries out a kick in the participant's own thread, a moment later.)
        assert eventually(lambda: a.janus_publisher_id not in present()), (
            "the floor's enforcement kept a revoked caller"
        )
        assert b.janus_publisher_id in present()
    finally:
        for session in sessions:
            session.destroy()
        end_room(invs["chair"][0])


@pytest.mark.usefixtures("rooms_on_janus")
def test_chair_cannot_admit_someone_whose_link_expired() -> None:
    _, invs = open_room()
    chair, a, b = (invs[k][0] for k in ("chair", "a", "b"))
    arrive(chair)
    arrive(a)
    arrive(b)
    expire(a)
    with pytest.raises(RoomRefusal, match="expired"):
        admit(chair, a)
    admitted_now = admit_all(chair)
    assert [inv.pk for inv in admitted_now] == [b.pk]
    assert fresh(a).state != "admitted" and fresh(a).janus_token == ""
    with pytest.raises(RoomRefusal, match="No one is waiting"):
        admit_in_order(chair)
    end_room(chair)


@pytest.mark.usefixtures("rooms_on_janus")
def test_expired_link_is_cut_off_by_the_sweep_while_its_page_is_open(
    rooms_on_janus: JanusEndpoint,
) -> None:
    room, invs = open_room()
    a_inv = invs["a"][0]

    async def scenario() -> None:
        chair = await viewing(invs["chair"][1])
        a = await viewing(invs["a"][1])
        await chair.ws.send_json_to({"type": "admit_all"})
        state = await a.until(lambda s: s["janus"] is not None)
        token = state["janus"]["token"]
        assert token in await asyncio.to_thread(stored, rooms_on_janus)
        await database_sync_to_async(expire)(a_inv)
        # Nobody does anything: the sweep closes the page, saying why.
        message, close = await closed_with(a.ws)
        assert close["code"] == 4403
        assert "expired" in message and "expired" in close["reason"]
        assert await asyncio.to_thread(eventually, lambda: token not in stored(rooms_on_janus)), (
            "the expired link's Janus token is still valid"
        )
        assert await asyncio.to_thread(refused_by_janus, rooms_on_janus, token)
        # The others see the person out of the room; the link no longer opens it.
        await chair.until(
            lambda s: (
                s["version"] > state["version"]
                and {p["id"]: p["state"] for p in s["participants"]}[a_inv.pk] == "invited"
            )
        )
        again = await viewing_refused(invs["a"][1])
        assert "expired" in again
        await leave(a.ws)
        await leave(chair.ws)

    with override_settings(SUMMITRY_ROOMS_ENFORCE_INTERVAL=0.2):  # the sweep, every 0.2 s
        asyncio.run(scenario())
    events = RoomEvent.objects.filter(room=room, subject=a_inv, kind="link_expired")
    assert events.count() == 1, "the journal records the cut-off once"
    # Sweeping again finds nothing more to do.
    assert cut_off_expired(room.pk) == []
    assert Room.objects.get(pk=room.pk).status == "open"


async def viewing_refused(token: str) -> str:
    ws = await connected(f"/ws/rooms/{token}/")
    message, close = await closed_with(ws)
    assert close["code"] == 4403
    await leave(ws)
    return message


@pytest.mark.usefixtures("rooms_on_janus")
def test_expired_link_action_is_refused_and_its_page_closed(
    rooms_on_janus: JanusEndpoint,
) -> None:
    room, invs = open_room()
    a_inv = invs["a"][0]

    async def scenario() -> None:
        chair = await viewing(invs["chair"][1])
        a = await viewing(invs["a"][1])
        await chair.ws.send_json_to({"type": "admit_all"})
        state = await a.until(lambda s: s["janus"] is not None)
        token = state["janus"]["token"]
        await database_sync_to_async(expire)(a_inv)
        # Before any sweep (every 30 s here), the page acts: refused, and closed.
        await a.ws.send_json_to({"type": "request_floor"})
        message, close = await closed_with(a.ws)
        assert close["code"] == 4403 and "expired" in message
        assert await asyncio.to_thread(eventually, lambda: token not in stored(rooms_on_janus)), (
            "the expired link's Janus token is still valid"
        )
        await leave(a.ws)
        await leave(chair.ws)

    asyncio.run(scenario())
    assert not SpeakerRequest.objects.filter(invitation=a_inv).exists()
    assert RoomEvent.objects.filter(room=room, subject=a_inv, kind="link_expired").exists()


@pytest.mark.usefixtures("rooms_on_janus")
def test_a_new_link_for_an_expired_one_opens_the_room_again() -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    a = invs["a"][0]
    expire(a)
    assert [inv.pk for inv in cut_off_expired(room.pk)] == [a.pk]
    _, token = reissue_link(a)
    back = resolve_token(token)
    assert back.pk == a.pk and back.expires_at > timezone.now()
    arrive(back)
    assert fresh(a).state == "waiting"  # through the lobby again
    end_room(invs["chair"][0])


def test_worker_sweep_cuts_off_an_expired_link_in_a_room_nobody_has_open(
    rooms_on_janus: JanusEndpoint,
) -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    a_inv = Invitation.objects.get(pk=invs["a"][0].pk)
    token = a_inv.janus_token
    assert token and token in stored(rooms_on_janus)
    expire(a_inv)

    sweeper.sweep([])  # what every worker runs, with no page of this room on it

    assert eventually(lambda: token not in stored(rooms_on_janus)), (
        "the expired link's Janus token is still valid"
    )
    assert refused_by_janus(rooms_on_janus, token)
    cut = Invitation.objects.get(pk=a_inv.pk)
    assert cut.state == Invitation.State.INVITED and cut.janus_token == ""
    assert RoomEvent.objects.filter(room=room, subject=a_inv, kind="link_expired").count() == 1
    sweeper.sweep([])
    assert RoomEvent.objects.filter(room=room, subject=a_inv, kind="link_expired").count() == 1
