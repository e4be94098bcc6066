"""Media through the real Janus: a moderated publisher's audio stops reaching others.

Two aiortc peers (publisher with a tone and a test pattern, subscriber)
exchange media with Janus over the local-only media interface.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable

import aioice.ice
import pytest

from summitry.rooms.janus.client import JanusPluginError
from summitry.rooms.janus.control import JanusEndpoint, VideoRoomOptions, publisher_streams
from tests.rooms.media import (
    FLUSH,
    WINDOW,
    join_as_attendee,
    publish,
    subscribe,
    wait_for_packets,
    while_video_flows,
)

pytestmark = [pytest.mark.integration, pytest.mark.janus]

# 20 ms Opus frames: 50 audio packets a second while forwarded.
QUIET = 3  # packets that may still be in flight when the mute lands


@pytest.fixture(autouse=True)
def peers_use_media_address(media_address: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Janus only offers candidates on the media interface; Linux refuses to
    # send from it to 127.0.0.1, so the aiortc peers use the same address.
    monkeypatch.setattr(
        aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: [media_address]
    )


def test_moderated_audio_is_not_forwarded_even_if_the_publisher_insists(
    endpoint: JanusEndpoint, new_token: Callable[..., str]
) -> None:
    speaker, listener = new_token(), new_token()
    options = VideoRoomOptions(secret=secrets.token_urlsafe(12), allowed=[speaker, listener])
    videoroom = endpoint.videoroom()
    room = int(videoroom.create_room(options))

    async def scenario() -> None:
        publisher = await publish(endpoint, speaker, room, "speaker")
        attendee, private_id = await join_as_attendee(endpoint, listener, room)
        subscriber = await subscribe(endpoint, listener, room, publisher.id, private_id)
        try:
            # Media reaches the other side.
            assert await wait_for_packets(subscriber, "audio", 25) > 25
            assert await wait_for_packets(subscriber, "video", 10) > 10

            streams = await asyncio.to_thread(
                publisher_streams, endpoint.admin(), room, publisher.id
            )
            assert sorted(s.type for s in streams) == ["audio", "video"]
            audio_mid = next(s.mid for s in streams if s.type == "audio")
            assert audio_mid == publisher.mid("audio")

            # The chair mutes the speaker through Janus.
            await asyncio.to_thread(
                videoroom.moderate, room, options.secret, publisher.id, audio_mid, True
            )
            # (Janus answers once it applies it; then what was on the way arrives.)
            await while_video_flows(subscriber, FLUSH)
            heard = await while_video_flows(subscriber, WINDOW)  # fails if video stops
            assert heard["audio"] <= QUIET, heard

            # A tampered page asks Janus to send its audio again: still blocked.
            configured = await asyncio.to_thread(
                publisher.handle.call,
                {"request": "configure", "streams": [{"mid": audio_mid, "send": True}]},
            )
            assert configured.data.get("configured") == "ok"
            await while_video_flows(subscriber, FLUSH)
            heard = await while_video_flows(subscriber, WINDOW)
            assert heard["audio"] <= QUIET, heard

            # Unmuted by the chair, the audio comes back.
            await asyncio.to_thread(
                videoroom.moderate, room, options.secret, publisher.id, audio_mid, False
            )
            muted_at = (await subscriber.packets())["audio"]
            resumed = await wait_for_packets(subscriber, "audio", muted_at + 25)
            assert resumed > muted_at + 25
        finally:
            await subscriber.close()
            await asyncio.to_thread(attendee.destroy)
            await publisher.close()

    try:
        asyncio.run(asyncio.wait_for(scenario(), 120))
    finally:
        videoroom.destroy_room(room, options.secret)


def test_subscriptions_stay_within_the_room(
    endpoint: JanusEndpoint, new_token: Callable[..., str]
) -> None:
    speaker, insider, outsider = new_token(), new_token(), new_token()
    videoroom = endpoint.videoroom()
    here = VideoRoomOptions(secret=secrets.token_urlsafe(12), allowed=[speaker, insider])
    there = VideoRoomOptions(secret=secrets.token_urlsafe(12), allowed=[outsider])
    room = int(videoroom.create_room(here))
    other_room = int(videoroom.create_room(there))

    async def scenario() -> None:
        publisher = await publish(endpoint, speaker, room, "speaker")
        attendee, other_private_id = await join_as_attendee(endpoint, outsider, other_room)
        try:
            # The feed named in another room: Janus does not find it there.
            with pytest.raises(JanusPluginError, match="No such feed") as refused:
                await subscribe(endpoint, outsider, other_room, publisher.id, other_private_id)
            assert refused.value.code == 428
            # The right room, but the outsider's token is not on its list.
            with pytest.raises(JanusPluginError) as refused:
                await subscribe(endpoint, outsider, room, publisher.id, other_private_id)
            assert refused.value.unauthorized
            # An insider must still say who they are (require_pvtid).
            with pytest.raises(JanusPluginError) as refused:
                await subscribe(endpoint, insider, room, publisher.id, None)
            assert refused.value.unauthorized
            # A private_id from another room does not do either.
            with pytest.raises(JanusPluginError) as refused:
                await subscribe(endpoint, insider, room, publisher.id, other_private_id)
            assert refused.value.unauthorized
        finally:
            await asyncio.to_thread(attendee.destroy)
            await publisher.close()

    try:
        asyncio.run(asyncio.wait_for(scenario(), 30))
    finally:
        videoroom.destroy_room(room, here.secret)
        videoroom.destroy_room(other_room, there.secret)
