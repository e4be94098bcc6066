"""The floor is enforced by Janus: media through the real server, driven by the services."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import aioice.ice
import pytest

from summitry.rooms import services
from summitry.rooms.janus import JanusEndpoint
from summitry.rooms.janus_process import JanusProcess, JanusSupervisor
from summitry.rooms.models import Invitation
from tests.rooms.media import join_as_attendee, publish, subscribe, wait_for_packets
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
        await asyncio.to_thread(services.give_floor, chair, a)
        speaker = await publish(rooms_on_janus, a.janus_token, vid, "A", a.janus_publisher_id)
        attendee, private_id = await join_as_attendee(rooms_on_janus, b.janus_token, vid)
        listener = await subscribe(rooms_on_janus, b.janus_token, vid, speaker.id, private_id)
        try:
            assert await wait_for_packets(listener, "audio", 25) > 25
            # The chair gives the floor to B: Janus stops forwarding A's audio.
            await asyncio.to_thread(services.give_floor, chair, b)
            assert (await asyncio.to_thread(fresh, a)).muted
            await asyncio.sleep(0.3)
            before = await listener.packets()
            await asyncio.sleep(1.2)
            after = await listener.packets()
            assert after["audio"] - before["audio"] <= QUIET, (before, after)
            assert after["video"] - before["video"] > 5, "video keeps flowing"
            # A's tampered page turns its audio back on: still nothing reaches B.
            audio_mid = speaker.mid("audio")
            configured = await asyncio.to_thread(
                speaker.handle.call,
                {"request": "configure", "streams": [{"mid": audio_mid, "send": True}]},
            )
            assert configured.data.get("configured") == "ok"
            before = await listener.packets()
            await asyncio.sleep(1.2)
            after = await listener.packets()
            assert after["audio"] - before["audio"] <= QUIET, (before, after)
            # The floor back to A: heard again.
            await asyncio.to_thread(services.give_floor, chair, a)
            resumed = await wait_for_packets(listener, "audio", after["audio"] + 25)
            assert resumed > after["audio"] + 25
        finally:
            await listener.close()
            await asyncio.to_thread(attendee.destroy)
            await speaker.close()

    asyncio.run(asyncio.wait_for(scenario(), 40))
    services.end_room(chair)


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
        services.restore_after_janus_restart(restarted.config.name)

    supervisor = JanusSupervisor(
        process,
        interval=0.2,
        on_restart=restore,
    )
    supervisor.start()
    try:
        process.kill()  # a crash: rooms and tokens are gone from Janus's memory
        assert supervisor.wait_for_restart(0, timeout=20)
        assert endpoint.videoroom().exists(vid)
        stored = {t.token for t in endpoint.admin().list_tokens()}
        assert a.janus_token in stored
        assert room.press_janus_token in stored, "the press view can follow again"

        async def publish_again() -> None:
            speaker = await publish(endpoint, a.janus_token, vid, "A", a.janus_publisher_id)
            await speaker.close()

        asyncio.run(asyncio.wait_for(publish_again(), 20))
    finally:
        supervisor.stop()
    assert room.events.filter(kind="janus_restored").exists()
