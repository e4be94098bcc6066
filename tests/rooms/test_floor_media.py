"""The floor is enforced by Janus: media through the real server, driven by the services."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import aioice.ice
import pytest

from summitry.rooms.actions.ending import end_room
from summitry.rooms.actions.floor import give_floor
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.janus.process import JanusProcess, JanusSupervisor
from summitry.rooms.media import restore_after_janus_restart
from summitry.rooms.models import Invitation
from tests.rooms.media import (
    FLUSH,
    WINDOW,
    join_as_attendee,
    publish,
    subscribe,
    wait_for_packets,
    while_video_flows,
)
from tests.rooms.rooms_factories import admitted, open_room

pytestmark = [pytest.mark.integration, pytest.mark.janus, pytest.mark.django_db(transaction=True)]

QUIET = 3  # packets that may still be in flight when a mute lands


@pytest.fixture(autouse=True)
def peers_use_media_address(media_address: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: [media_address]
    )


def fresh(inv: Invitation) -> Invitation:
    return Invitation.objects.get(pk=inv.pk)


@pytest.mark.usefixtures("rooms_on_janus")
def test_muted_participant_forcing_audio_on_stays_silent(rooms_on_janus: JanusEndpoint) -> None:
    room, invs = open_room()
    admitted(room, "a", "b", invitations=invs)
    chair, a, b = (fresh(invs[k][0]) for k in ("chair", "a", "b"))
    vid = room.videoroom_id
    assert vid is not None

    async def scenario() -> None:
        await asyncio.to_thread(give_floor, chair, a)
        speaker = await publish(rooms_on_janus, a.janus_token, vid, "A", a.janus_publisher_id)
        attendee, private_id = await join_as_attendee(rooms_on_janus, b.janus_token, vid)
        listener = await subscribe(rooms_on_janus, b.janus_token, vid, speaker.id, private_id)
        try:
            assert await wait_for_packets(listener, "audio", 25) > 25
            # The chair gives the floor to B: Janus stops forwarding A's audio.
            await asyncio.to_thread(give_floor, chair, b)
            assert (await asyncio.to_thread(fresh, a)).muted
            # give_floor returns once Janus was told; then what was on the way arrives.
            await while_video_flows(listener, FLUSH)
            heard = await while_video_flows(listener, WINDOW)  # fails if video stops
            assert heard["audio"] <= QUIET, heard
            # A's tampered page turns its audio back on: still nothing reaches B.
            audio_mid = speaker.mid("audio")
            configured = await asyncio.to_thread(
                speaker.handle.call,
                {"request": "configure", "streams": [{"mid": audio_mid, "send": True}]},
            )
            assert configured.data.get("configured") == "ok"
            await while_video_flows(listener, FLUSH)
            heard = await while_video_flows(listener, WINDOW)
            assert heard["audio"] <= QUIET, heard
            # The floor back to A: heard again.
            await asyncio.to_thread(give_floor, chair, a)
            muted_at = (await listener.packets())["audio"]
            resumed = await wait_for_packets(listener, "audio", muted_at + 25)
            assert resumed > muted_at + 25
        finally:
            await listener.close()
            await asyncio.to_thread(attendee.destroy)
            await speaker.close()

    asyncio.run(asyncio.wait_for(scenario(), 120))
    end_room(chair)


def test_rooms_come_back_after_a_janus_restart(
    start_janus: Callable[..., JanusProcess], settings: object
) -> None:
    process = start_janus("restarting")
    endpoint = process.config.endpoint()
    settings.SUMMITRY_JANUS_INSTANCES = [dataclasses.asdict(endpoint)]  # type: ignore[attr-defined]
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    a = fresh(invs["a"][0])
    vid = room.videoroom_id
    assert vid is not None

    def restore(restarted: JanusProcess) -> None:
        restore_after_janus_restart(restarted.config.name)

    supervisor = JanusSupervisor(
        process,
        interval=0.2,
        on_restart=restore,
    )
    supervisor.start()
    try:
        process.kill()  # a crash: rooms and tokens are gone from Janus's memory
        assert supervisor.wait_for_restart(0, timeout=30)
        assert endpoint.videoroom().exists(vid)
        stored = {t.token for t in endpoint.admin().list_tokens()}
        assert a.janus_token in stored
        assert room.press_janus_token in stored, "the press view can follow again"

        async def publish_again() -> None:
            speaker = await publish(endpoint, a.janus_token, vid, "A", a.janus_publisher_id)
            await speaker.close()

        asyncio.run(asyncio.wait_for(publish_again(), 60))
    finally:
        supervisor.stop()
    assert room.events.filter(kind="janus_restored").exists()
