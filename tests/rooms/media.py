"""aiortc peers that publish to and subscribe from a Janus VideoRoom in tests.

aiortc does not trickle: every SDP carries all candidates, so each JSEP
sent to Janus says ``trickle: false``.
"""

from __future__ import annotations

import asyncio
import fractions
import time
from dataclasses import dataclass, field

import av
import numpy as np
from aiortc import (
    AudioStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.contrib.media import MediaBlackhole

from summitry.rooms.janus.client import VIDEOROOM, JanusHandle, JanusSession, jsep
from summitry.rooms.janus.control import JanusEndpoint

SAMPLE_RATE = 48000
SAMPLES_PER_FRAME = 960  # 20 ms


class ToneTrack(AudioStreamTrack):
    """A 440 Hz tone in real time: Opus gets something to encode."""

    def __init__(self) -> None:
        super().__init__()
        self._sent = 0
        self._began: float | None = None

    async def recv(self) -> av.AudioFrame:
        if self._began is None:
            self._began = time.monotonic()
        wait = self._began + self._sent / SAMPLE_RATE - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        t = np.arange(self._sent, self._sent + SAMPLES_PER_FRAME) / SAMPLE_RATE
        samples = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._sent
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self._sent += SAMPLES_PER_FRAME
        return frame


def peer_connection() -> RTCPeerConnection:
    # No STUN: aiortc would otherwise ask a public default server.
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


@dataclass
class Publisher:
    session: JanusSession
    handle: JanusHandle
    pc: RTCPeerConnection
    id: int
    private_id: int
    streams: list[dict[str, object]] = field(default_factory=list)

    def mid(self, kind: str) -> str:
        return next(str(s["mid"]) for s in self.streams if s["type"] == kind)

    async def close(self) -> None:
        await self.pc.close()
        await asyncio.to_thread(self.session.destroy)


async def publish(
    endpoint: JanusEndpoint, token: str, room: int, display: str, publisher_id: int | None = None
) -> Publisher:
    """Join ``room`` as a publisher (with the id Summitry assigned, when given) and send."""
    session = await asyncio.to_thread(JanusSession.create, endpoint.api_url, token=token)
    handle = await asyncio.to_thread(session.attach, VIDEOROOM)
    body: dict[str, object] = {
        "request": "join",
        "ptype": "publisher",
        "room": room,
        "display": display,
        "token": token,
    }
    if publisher_id is not None:
        body["id"] = publisher_id
    joined = await asyncio.to_thread(handle.call, body)
    pc = peer_connection()
    pc.addTrack(ToneTrack())
    pc.addTrack(VideoStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    answer = await asyncio.to_thread(
        handle.call, {"request": "publish"}, jsep("offer", pc.localDescription.sdp)
    )
    assert answer.jsep is not None
    await pc.setRemoteDescription(RTCSessionDescription(answer.jsep["sdp"], answer.jsep["type"]))
    await asyncio.to_thread(handle.wait_janus, "webrtcup", 10.0)
    return Publisher(
        session,
        handle,
        pc,
        int(joined.data["id"]),
        int(joined.data["private_id"]),
        list(answer.data.get("streams", [])),
    )


@dataclass
class Subscriber:
    session: JanusSession
    handle: JanusHandle
    pc: RTCPeerConnection
    sink: MediaBlackhole

    async def packets(self) -> dict[str, int]:
        """RTP packets received so far, by kind (from the receivers' statistics)."""
        counts: dict[str, int] = {"audio": 0, "video": 0}
        for receiver in self.pc.getReceivers():
            for stats in (await receiver.getStats()).values():
                if stats.type == "inbound-rtp":
                    counts[stats.kind] += stats.packetsReceived
        return counts

    async def close(self) -> None:
        await self.sink.stop()
        await self.pc.close()
        await asyncio.to_thread(self.session.destroy)


async def subscribe(
    endpoint: JanusEndpoint, token: str, room: int, feed: int, private_id: int | None
) -> Subscriber:
    session = await asyncio.to_thread(JanusSession.create, endpoint.api_url, token=token)
    handle = await asyncio.to_thread(session.attach, VIDEOROOM)
    body: dict[str, object] = {
        "request": "join",
        "ptype": "subscriber",
        "room": room,
        "token": token,
        "streams": [{"feed": feed}],
    }
    if private_id is not None:
        body["private_id"] = private_id
    try:
        offer = await asyncio.to_thread(handle.call, body)
    except BaseException:
        await asyncio.to_thread(session.destroy)
        raise
    assert offer.jsep is not None
    pc = peer_connection()
    sink = MediaBlackhole()
    pc.on("track", sink.addTrack)
    await pc.setRemoteDescription(RTCSessionDescription(offer.jsep["sdp"], offer.jsep["type"]))
    await pc.setLocalDescription(await pc.createAnswer())
    await sink.start()
    await asyncio.to_thread(
        handle.call, {"request": "start"}, jsep("answer", pc.localDescription.sdp)
    )
    return Subscriber(session, handle, pc, sink)


async def join_as_attendee(
    endpoint: JanusEndpoint, token: str, room: int
) -> tuple[JanusSession, int]:
    """Join without publishing: what a participant does to get a private_id."""
    session = await asyncio.to_thread(JanusSession.create, endpoint.api_url, token=token)
    handle = await asyncio.to_thread(session.attach, VIDEOROOM)
    joined = await asyncio.to_thread(
        handle.call, {"request": "join", "ptype": "publisher", "room": room, "token": token}
    )
    return session, int(joined.data["private_id"])


async def wait_for_packets(
    subscriber: Subscriber, kind: str, more_than: int, timeout: float = 20.0
) -> int:
    """Wait until more than ``more_than`` packets of ``kind`` arrived; return the count."""
    deadline = time.monotonic() + timeout
    while True:
        count = (await subscriber.packets())[kind]
        if count > more_than or time.monotonic() > deadline:
            return count
        await asyncio.sleep(0.1)


async def while_video_flows(
    subscriber: Subscriber, video_packets: int, timeout: float = 20.0
) -> dict[str, int]:
    """Packets of each kind that arrived while ``video_packets`` more video packets did.

    A window measured in the stream's own packets, not in seconds: on a slow machine it only
    lasts longer. Packets come in order over one transport, so once it ends whatever was sent
    before it began has arrived.
    """
    before = await subscriber.packets()
    deadline = time.monotonic() + timeout
    while True:
        now = await subscriber.packets()
        if now["video"] - before["video"] >= video_packets:
            return {kind: now[kind] - before[kind] for kind in now}
        if time.monotonic() > deadline:
            raise AssertionError(f"video stopped flowing: {before} then {now}")
        await asyncio.sleep(0.05)


async def audio_held_back(subscriber: Subscriber, quiet: int, timeout: float = 20.0) -> None:
    """Wait until the audio is held back while video flows (a mute landing), then check that it
    stays so over a whole window; fails if that does not happen within ``timeout``."""
    deadline = time.monotonic() + timeout
    await while_video_flows(subscriber, FLUSH)  # what was on the way arrives
    while (await while_video_flows(subscriber, WINDOW))["audio"] > quiet:
        if time.monotonic() > deadline:
            raise AssertionError(f"audio still forwarded after {timeout} s")
    assert (await while_video_flows(subscriber, WINDOW))["audio"] <= quiet, "audio came back"


#: Video packets that carry whatever was in flight, and a window long enough to hear audio
#: (about half a second and a second at the test tracks' rates; 50 audio packets a second).
FLUSH = 15
WINDOW = 30
