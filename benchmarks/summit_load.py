"""Benchmark: how many participants sending audio and video one Janus carries on this machine.

A dedicated Janus (Debian's, started like ``tests/rooms/conftest.py`` does, on
free loopback ports, media on ``smt-janus0`` / 127.42.0.1) gets one VideoRoom:
opened by Summitry (``rooms.actions.links.open_room`` in the control process below,
publishers joining with the ids and tokens Summitry issued at admission), or
with ``--control janus`` made directly through ``VideoRoomControl``. Participants are then
added in steps (2, 4, 6, 8, 10, 12, 16, 20, ...). Each participant is what a
browser is in a gallery meeting:

* one aiortc **publisher**: Opus (a 440 Hz tone, 50 packets/s) and VP8 video,
  **320x180 at 15 fps** (a gradient with a moving block of noise, so the encoder
  has something to send) - kept small so the senders stay cheap;
* one aiortc **subscriber** PeerConnection that subscribes, through Janus's
  multistream VideoRoom, to the audio and video of **every other** participant
  (N-1 feeds, 2(N-1) m-lines), with its own publisher's ``private_id``.

"Media flowing to all" means: over the measurement window every one of the
N(N-1) (subscriber, publisher) pairs received at least 80 % of the nominal
audio packets (50/s) and at least 50 % of the nominal video frames (15/s).
A frame counts as received when at least one of its RTP packets arrived (a new
RTP timestamp); loss is reported beside it. Subscribers do not decode (decoding
N(N-1) streams in Python would measure libvpx, not Janus); the frames aiortc's
jitter buffer completes are counted too ("complete"): aiortc cannot use Janus's
RTX retransmissions on a bundled transport, so after a loss its video jitter
buffer stalls for up to 128 packets where a browser would recover.

Per step it prints: whether media flows to all, packet loss seen by the
subscribers (RTP sequence gaps, over the window), and CPU over the window, in
% of ONE core (this machine has ``os.cpu_count()`` cores), for

* Janus (``/proc/<pid>/stat``: all its threads);
* Summitry's control plane: a separate process doing Summitry's part for the
  room while media flows - one floor change per second. Default (when
  ``rooms/actions/floor.py`` has ``give_floor``): a Django process on a temporary
  SQLite database calling ``floor.give_floor`` (speakers' list, journal,
  state version, then ``enforce_floor``: a walk of Janus's handles through the
  Admin API and a ``moderate`` per publisher audio m-line). Floor control is off
  (a gallery video meeting), so nobody is muted and the delivery check still
  sees all audio. ``--control janus``: only the Janus calls of a floor change
  (``moderate`` per publisher with ``mute: false``, plus ``listparticipants``)
  through ``VideoRoomControl``. Either way the WebSocket fan-out of the new
  state is not included here: ``floor_fanout.py`` measures it.
* the load generators: the aiortc worker processes plus this coordinator. They
  run on the same machine and compete with Janus for its cores: the limit found
  is the limit of this machine *with its own load generators on it*.

Ends when media stops flowing to all, the time budget is spent, or the last
step is done. Prints figures; asserts nothing; the last line is one JSON object.

    python benchmarks/summit_load.py [--quick] [--workers 2] [--window 6] [--budget 240]
                                     [--control services|janus] [--steps 2,4,8] [--verbose]
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import fractions
import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import os
import queue
import secrets
import shutil
import signal
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchkit import CpuMeter, start_janus
from summitry.rooms.janus.client import VIDEOROOM, JanusError, JanusSession, jsep
from summitry.rooms.janus.control import JanusEndpoint, VideoRoomControl, VideoRoomOptions

WIDTH, HEIGHT, FPS = 320, 180, 15
SAMPLE_RATE, SAMPLES_PER_FRAME = 48000, 960  # 20 ms Opus frames: 50 packets/s
AUDIO_PPS = SAMPLE_RATE // SAMPLES_PER_FRAME
AUDIO_MIN_SHARE, VIDEO_MIN_SHARE = 0.8, 0.5
#: Room ``bitrate``: Janus sends REMB with it, aiortc's VP8 encoder follows (floor 250 kbit/s).
VIDEO_BITRATE = 256_000
STEPS = (2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48)
QUICK_STEPS = (2, 4)

Conn = multiprocessing.connection.Connection
Stats = dict[str, dict[str, dict[str, float]]]


# -- load generator side (runs in the worker processes) ------------------------------------------


def pattern_frames(count: int = 30) -> list[np.ndarray]:
    """yuv420p images: a grey gradient with a 64x64 block of noise moving across."""
    rng = np.random.default_rng(7)
    base = np.tile(np.linspace(16, 235, WIDTH).astype(np.uint8), (HEIGHT, 1))
    chroma = np.full((HEIGHT // 2, WIDTH), 128, np.uint8)
    frames = []
    for i in range(count):
        luma = base.copy()
        x0 = (i * 8) % (WIDTH - 64)
        luma[58:122, x0 : x0 + 64] = rng.integers(16, 235, (64, 64), dtype=np.uint8)
        frames.append(np.vstack([luma, chroma]))
    return frames


def tone_frames() -> list[np.ndarray]:
    """One second of a 440 Hz tone cut into 20 ms frames."""
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    samples = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    return [
        samples[i : i + SAMPLES_PER_FRAME].reshape(1, -1)
        for i in range(0, SAMPLE_RATE, SAMPLES_PER_FRAME)
    ]


class _Paced:
    """Real-time pacing; after a long stall it skips ahead instead of bursting."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.count = 0
        self.began: float | None = None

    async def next(self) -> int:
        now = time.monotonic()
        if self.began is None:
            self.began = now
        due = self.began + self.count / self.rate
        if now - due > 0.5:
            self.count = int((now - self.began) * self.rate)
        elif due > now:
            await asyncio.sleep(due - now)
        index = self.count
        self.count += 1
        return index


def make_tracks() -> tuple[Any, Any]:
    """(audio, video) aiortc tracks: a tone, and the moving test pattern."""
    import av
    from aiortc import MediaStreamTrack

    images = pattern_frames()
    tones = tone_frames()

    class ToneTrack(MediaStreamTrack):
        kind = "audio"

        def __init__(self) -> None:
            super().__init__()
            self._pace = _Paced(AUDIO_PPS)

        async def recv(self) -> Any:
            index = await self._pace.next()
            frame = av.AudioFrame.from_ndarray(
                tones[index % len(tones)], format="s16", layout="mono"
            )
            frame.sample_rate = SAMPLE_RATE
            frame.pts = index * SAMPLES_PER_FRAME
            frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
            return frame

    class PatternTrack(MediaStreamTrack):
        kind = "video"

        def __init__(self) -> None:
            super().__init__()
            self._pace = _Paced(FPS)

        async def recv(self) -> Any:
            index = await self._pace.next()
            frame = av.VideoFrame.from_ndarray(images[index % len(images)], format="yuv420p")
            frame.pts = index * (90000 // FPS)
            frame.time_base = fractions.Fraction(1, 90000)
            return frame

    return ToneTrack(), PatternTrack()


#: Frames completed by the jitter buffer per receiving track, keyed by ``id(track._queue)``.
FRAME_COUNTS: dict[int, list[int]] = {}
#: Per receiver (``id``): [frames with at least one packet received, last RTP timestamp].
ARRIVED: dict[int, list[int]] = {}


def count_arrivals(handle: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``RTCRtpReceiver._handle_rtp_packet``: count RTP timestamps moving forward."""

    async def wrapper(receiver: Any, packet: Any, arrival_time_ms: int) -> None:
        entry = ARRIVED.get(id(receiver))
        if entry is None:
            entry = ARRIVED[id(receiver)] = [1, packet.timestamp]
        elif 0 < (packet.timestamp - entry[1]) % 2**32 < 2**31:
            entry[0] += 1
            entry[1] = packet.timestamp
        await handle(receiver, packet, arrival_time_ms)

    return wrapper


def counting_decoder_worker(
    loop: asyncio.AbstractEventLoop,
    input_q: queue.Queue[Any],
    output_q: asyncio.Queue[Any],
    decode_error: threading.Event,
) -> None:
    """Stands in for aiortc's decoder thread: counts complete frames, decodes nothing."""
    counter = FRAME_COUNTS.setdefault(id(output_q), [0])
    while input_q.get() is not None:
        counter[0] += 1


def peer_connection() -> Any:
    from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection

    # No STUN: nothing leaves the machine. max-bundle: with aiortc's default
    # ("balanced") the second video m-line of a multistream subscription keeps a
    # transport that BUNDLE then discards, and its media goes to the first one.
    return RTCPeerConnection(
        RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
    )


@dataclass
class Peer:
    session: JanusSession
    pc: Any
    #: mid -> (feed id, kind) for subscribers; mid -> kind for publishers.
    mids: dict[str, tuple[int, str]] = field(default_factory=dict)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.pc.close(), 10)
        await asyncio.to_thread(self.session.destroy)


class Worker:
    """The participants hosted by one worker process, driven by the coordinator."""

    def __init__(self, conn: Conn, api_url: str, room: int) -> None:
        self.conn = conn
        self.api_url = api_url
        self.room = room
        self.publishers: dict[int, Peer] = {}
        self.private_ids: dict[int, int] = {}
        self.subscribers: dict[int, Peer] = {}
        self.limit = asyncio.Semaphore(6)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        # aiortc encodes in the default executor and the Janus client blocks in
        # threads: the default 6 threads would starve the encoders.
        loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=512))
        while True:
            command, payload = await asyncio.to_thread(self.conn.recv)
            if command == "stop":
                await self.close_all()
                self.conn.send(("ok", None))
                return
            try:
                handler: Callable[[Any], Any] = getattr(self, f"do_{command}")
                result = await handler(payload)
                self.conn.send(("ok", result))
            except Exception as exc:
                self.conn.send(("error", f"{type(exc).__name__}: {exc}"))

    async def _publish(self, index: int, token: str, publisher_id: int | None) -> dict[str, Any]:
        from aiortc import RTCSessionDescription

        async with self.limit:
            session = await asyncio.to_thread(JanusSession.create, self.api_url, token=token)
            pc = peer_connection()
            try:
                handle = await asyncio.to_thread(session.attach, VIDEOROOM)
                joined = await asyncio.to_thread(
                    handle.call,
                    {
                        "request": "join",
                        "ptype": "publisher",
                        "room": self.room,
                        "display": f"p{index}",
                        "token": token,
                        # Summitry assigns publisher ids (and kicks unknown ones).
                        **({"id": publisher_id} if publisher_id else {}),
                    },
                    None,
                    20.0,
                )
                audio, video = make_tracks()
                pc.addTrack(audio)
                pc.addTrack(video)
                await pc.setLocalDescription(await pc.createOffer())
                answer = await asyncio.to_thread(
                    handle.call,
                    # The publisher caps its own video: Janus sends REMB with it.
                    {"request": "publish", "audio": True, "video": True, "bitrate": VIDEO_BITRATE},
                    jsep("offer", pc.localDescription.sdp),
                    20.0,
                )
                assert answer.jsep is not None
                await pc.setRemoteDescription(
                    RTCSessionDescription(answer.jsep["sdp"], answer.jsep["type"])
                )
                await asyncio.to_thread(handle.wait_janus, "webrtcup", 20.0)
            except BaseException:
                await Peer(session, pc).close()
                raise
        streams = answer.data.get("streams", [])
        audio_mid = next(str(s["mid"]) for s in streams if s.get("type") == "audio")
        self.publishers[index] = Peer(session, pc)
        self.private_ids[index] = int(joined.data["private_id"])
        return {"feed": int(joined.data["id"]), "audio_mid": audio_mid}

    async def do_publish(self, wanted: list[tuple[int, str, int | None]]) -> dict[int, Any]:
        results = await asyncio.gather(
            *(self._publish(i, t, pid) for i, t, pid in wanted), return_exceptions=True
        )
        return {
            i: (r if isinstance(r, dict) else {"error": f"{type(r).__name__}: {r}"})
            for (i, _, _), r in zip(wanted, results, strict=True)
        }

    async def _subscribe(self, index: int, token: str, feeds: list[int]) -> None:
        from aiortc import RTCSessionDescription

        async with self.limit:
            session = await asyncio.to_thread(JanusSession.create, self.api_url, token=token)
            pc = peer_connection()
            try:
                handle = await asyncio.to_thread(session.attach, VIDEOROOM)
                offer = await asyncio.to_thread(
                    handle.call,
                    {
                        "request": "join",
                        "ptype": "subscriber",
                        "room": self.room,
                        "token": token,
                        "private_id": self.private_ids[index],
                        "streams": [{"feed": feed} for feed in feeds],
                    },
                    None,
                    20.0,
                )
                assert offer.jsep is not None
                mids = {
                    str(s["mid"]): (int(s["feed_id"]), str(s["type"]))
                    for s in offer.data.get("streams", [])
                    if s.get("active", True) and "feed_id" in s
                }
                await pc.setRemoteDescription(
                    RTCSessionDescription(offer.jsep["sdp"], offer.jsep["type"])
                )
                await pc.setLocalDescription(await pc.createAnswer())
                await asyncio.to_thread(
                    handle.call,
                    {"request": "start"},
                    jsep("answer", pc.localDescription.sdp),
                    20.0,
                )
                await asyncio.to_thread(handle.wait_janus, "webrtcup", 20.0)
            except BaseException:
                await Peer(session, pc).close()
                raise
        self.subscribers[index] = Peer(session, pc, mids)

    async def do_subscribe(self, wanted: list[tuple[int, str, list[int]]]) -> dict[int, str]:
        results = await asyncio.gather(
            *(self._subscribe(i, t, f) for i, t, f in wanted), return_exceptions=True
        )
        return {
            i: f"{type(r).__name__}: {r}"
            for (i, _, _), r in zip(wanted, results, strict=True)
            if isinstance(r, BaseException)
        }

    async def do_sdp(self, _: object) -> str:
        return str(next(iter(self.subscribers.values())).pc.remoteDescription.sdp)

    async def do_snapshot(self, _: object) -> Stats:
        """Per subscriber, per (feed, kind): frames re-assembled, packets received and lost."""
        snapshot: Stats = {}
        for index, peer in self.subscribers.items():
            per_stream: dict[str, dict[str, float]] = {}
            for transceiver in peer.pc.getTransceivers():
                feed_kind = peer.mids.get(str(transceiver.mid))
                if feed_kind is None:
                    continue
                receiver = transceiver.receiver
                complete = FRAME_COUNTS.get(id(receiver.track._queue), [0])[0]
                frames = ARRIVED.get(id(receiver), [0])[0]
                received = lost = 0
                for stats in (await receiver.getStats()).values():
                    if stats.type == "inbound-rtp":
                        received += stats.packetsReceived
                        lost += stats.packetsLost
                per_stream[f"{feed_kind[0]}/{feed_kind[1]}"] = {
                    "frames": frames,
                    "complete": complete,
                    "packets": received,
                    "lost": lost,
                }
            snapshot[str(index)] = per_stream
        return snapshot

    async def do_sent(self, _: object) -> dict[str, float]:
        """Bytes and packets the publishers sent so far, by kind."""
        totals = {"audio_bytes": 0.0, "video_bytes": 0.0, "video_packets": 0.0}
        for peer in self.publishers.values():
            for sender in peer.pc.getSenders():
                for stats in (await sender.getStats()).values():
                    if stats.type == "outbound-rtp":
                        totals[f"{stats.kind}_bytes"] += stats.bytesSent
                        if stats.kind == "video":
                            totals["video_packets"] += stats.packetsSent
        return totals

    async def do_unsubscribe(self, _: object) -> None:
        peers, self.subscribers = list(self.subscribers.values()), {}
        await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)

    async def close_all(self) -> None:
        await self.do_unsubscribe(None)
        peers, self.publishers = list(self.publishers.values()), {}
        await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)


def worker_main(conn: Conn, api_url: str, room: int, media_address: str) -> None:
    import aioice.ice
    import aiortc.rtcrtpreceiver

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the coordinator stops us in order
    # Janus offers candidates on the media interface only, and Linux refuses to
    # send from 127.42.0.1 to 127.0.0.1: the peers use the same address.
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [media_address]
    aiortc.rtcrtpreceiver.decoder_worker = counting_decoder_worker
    receiver_class = aiortc.rtcrtpreceiver.RTCRtpReceiver
    receiver_class._handle_rtp_packet = count_arrivals(receiver_class._handle_rtp_packet)  # type: ignore[method-assign]
    asyncio.run(Worker(conn, api_url, room).run())


# -- Summitry's control plane (its own process) ---------------------------------------------------


def floor_loop(conn: Conn, change: Callable[[int, list[Any]], None]) -> None:
    """Run ``change(n, publishers)`` once a second; answer the coordinator meanwhile."""
    publishers: list[Any] = []
    durations: list[float] = []
    errors: list[str] = []
    changes = 0
    next_at = time.monotonic()
    while True:
        if conn.poll(max(0.0, next_at - time.monotonic())):
            command, payload = conn.recv()
            if command == "stop":
                conn.send(("ok", None))
                return
            if command == "publishers":
                publishers = list(payload)
            elif command == "stats":
                conn.send(("ok", {"changes": changes, "errors": errors, "ms": durations}))
                durations, errors, changes = [], [], 0
            continue
        next_at += 1.0
        if not publishers:
            continue
        began = time.perf_counter()
        try:
            change(changes, publishers)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        durations.append((time.perf_counter() - began) * 1000)
        changes += 1


def janus_control_main(conn: Conn, endpoint: JanusEndpoint, room: int, secret: str) -> None:
    """``--control janus``: the Janus calls of a floor change, through ``VideoRoomControl``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    videoroom: VideoRoomControl = endpoint.videoroom(timeout=10.0)
    conn.send(("ok", {"room": room}))

    def change(number: int, publishers: list[Any]) -> None:
        speaker = publishers[number % len(publishers)]["feed"]
        # Speaker unmuted, every other publisher's audio m-line moderated
        # (mute=False for the others too: see the module docstring).
        for publisher in publishers:
            videoroom.moderate(room, secret, publisher["feed"], publisher["audio_mid"], False)
        if not any(p.id == speaker for p in videoroom.list_participants(room)):
            raise RuntimeError("the speaker is not in the room")

    floor_loop(conn, change)


def services_control_main(
    conn: Conn, endpoint: dict[str, Any], data_dir: str, participants: int
) -> None:
    """``--control services``: a Summitry process holding the room, giving the floor.

    A temporary SQLite database; a video meeting opened with
    ``rooms.actions.links.open_room`` on the benchmark's Janus (which creates the
    VideoRoom), everyone arrived and admitted (tokens added, ``allowed`` lists
    filled), then ``floor.give_floor`` once a second. Floor control is off
    (a gallery meeting): ``give_floor`` writes the speakers' list and journal,
    bumps the state and runs ``enforce_floor``, which walks Janus's handles
    (Admin API) and sends ``moderate`` (unmuted) for every publisher's audio.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.update(
        SUMMITRY_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="summitry.settings",
        SUMMITRY_JANUS_INSTANCES=json.dumps([endpoint]),
    )
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from summitry.directory.models import Person
    from summitry.engagements.services import EngagementInput, ParticipantInput, create_engagement
    from summitry.rooms.actions import floor, links, lobby
    from summitry.rooms.models import Invitation

    call_command("migrate", verbosity=0, interactive=False)
    people = Person.objects.bulk_create([Person(name=f"Delegate {i}") for i in range(participants)])
    engagement = create_engagement(
        EngagementInput(
            title="Summit load",
            kind="video_meeting",
            status="scheduled",
            start=timezone.now() - dt.timedelta(minutes=5),
            participants=[ParticipantInput(person=p) for p in people[:3]],
        ),
        by=None,
    )
    room, _ = links.open_room(
        engagement, None, chair=people[0], invitees=people[1:], floor_control=False
    )
    invitations = list(Invitation.objects.filter(room=room).order_by("order", "id"))
    for invitation in invitations:
        lobby.arrive(invitation)
    chair = invitations[0]
    lobby.admit_all(chair)
    admitted = Invitation.objects.filter(room=room).order_by("order", "id")
    conn.send(
        (
            "ok",
            {
                "room": room.videoroom_id,
                "participants": [
                    (inv.pk, inv.janus_publisher_id, inv.janus_token) for inv in admitted
                ],
            },
        )
    )

    def change(number: int, publishers: list[Any]) -> None:
        floor.give_floor(chair, publishers[number % len(publishers)]["invitation"])

    floor_loop(conn, change)


# -- coordinator --------------------------------------------------------------------------------


class Child:
    """A spawned process with a command pipe."""

    def __init__(self, ctx: Any, name: str, target: Callable[..., None], *args: object) -> None:
        self.conn, child_conn = ctx.Pipe()
        self.process: multiprocessing.process.BaseProcess = ctx.Process(
            target=target, args=(child_conn, *args), name=name, daemon=True
        )
        self.process.start()
        child_conn.close()
        self.name = name

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def send(self, command: str, payload: object = None) -> None:
        self.conn.send((command, payload))

    def receive(self, timeout: float) -> Any:
        if not self.conn.poll(timeout):
            raise TimeoutError(f"{self.name} did not answer within {timeout:.0f} s")
        status, result = self.conn.recv()
        if status != "ok":
            raise RuntimeError(f"{self.name}: {result}")
        return result

    def call(self, command: str, payload: object = None, timeout: float = 60.0) -> Any:
        self.send(command, payload)
        return self.receive(timeout)

    def stop(self) -> None:
        if self.process.is_alive():
            with contextlib.suppress(Exception):
                self.call("stop", timeout=30.0)
            self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


def call_all(
    children: list[Child], payloads: list[object], command: str, timeout: float
) -> list[Any]:
    for child, payload in zip(children, payloads, strict=True):
        child.send(command, payload)
    return [child.receive(timeout) for child in children]


@dataclass
class Participant:
    index: int
    token: str
    worker: int
    publisher_id: int | None = None
    invitation: int = 0
    feed: int = 0
    audio_mid: str = ""


def evaluate(
    before: list[Stats], after: list[Stats], window: float, participants: list[Participant]
) -> dict[str, Any]:
    """Delivery per (subscriber, publisher) pair over the window."""
    feeds = {p.feed for p in participants}
    pairs = failing = 0
    lost = packets = 0.0
    audio_rates: list[float] = []
    video_rates: list[float] = []
    examples: list[str] = []
    complete_rates: list[float] = []
    for snap0, snap1 in zip(before, after, strict=True):
        for sub, streams1 in snap1.items():
            streams0 = snap0.get(sub, {})
            own = next(p.feed for p in participants if str(p.index) == sub)
            for feed in sorted(feeds - {own}):
                pairs += 1
                rates = {}
                pkts = {}
                zero = {"frames": 0, "complete": 0, "packets": 0, "lost": 0}
                for kind in ("audio", "video"):
                    key = f"{feed}/{kind}"
                    s1 = streams1.get(key, zero)
                    s0 = streams0.get(key, zero)
                    rates[kind] = (s1["frames"] - s0["frames"]) / window
                    pkts[kind] = (s1["packets"] - s0["packets"]) / window
                    packets += s1["packets"] - s0["packets"]
                    lost += max(0.0, s1["lost"] - s0["lost"])
                complete_rates.append((s1["complete"] - s0["complete"]) / window)
                audio_rates.append(rates["audio"])
                video_rates.append(rates["video"])
                if rates["audio"] < AUDIO_MIN_SHARE * AUDIO_PPS or (
                    rates["video"] < VIDEO_MIN_SHARE * FPS
                ):
                    failing += 1
                    examples.append(
                        f"subscriber {sub} <- feed {feed}: "
                        f"{rates['audio']:.1f} audio/s, {rates['video']:.1f} video frames/s "
                        f"({pkts['video']:.1f} video packets/s)"
                    )
    expected_pairs = len(participants) * (len(participants) - 1)
    return {
        "pairs": pairs,
        "failing_pairs": failing + (expected_pairs - pairs),
        "loss_pct": 100.0 * lost / (lost + packets) if lost + packets else 0.0,
        "audio_pps_min": min(audio_rates, default=0.0),
        "video_fps_min": min(video_rates, default=0.0),
        "video_fps_median": statistics.median(video_rates) if video_rates else 0.0,
        "video_complete_fps_median": statistics.median(complete_rates) if complete_rates else 0.0,
        "examples": examples,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    steps = args.steps or [n for n in (QUICK_STEPS if args.quick else STEPS) if n <= args.max]
    began = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="summitry-summit-load-"))
    ctx = multiprocessing.get_context("spawn")
    children: list[Child] = []
    try:
        janus = start_janus(folder, name="summit-load")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    results: list[dict[str, Any]] = []
    try:
        endpoint = janus.process.config.endpoint()
        videoroom = endpoint.videoroom()
        admin = endpoint.admin()
        secret = secrets.token_urlsafe(16)
        seats: list[tuple[int, int, str]] = []  # services: (invitation, publisher id, token)
        if args.control == "services":
            fields = {
                "name": endpoint.name,
                "api_url": endpoint.api_url,
                "admin_url": endpoint.admin_url,
                "admin_secret": endpoint.admin_secret,
                "room_admin_key": endpoint.room_admin_key,
                "api_secret": endpoint.api_secret,
            }
            (folder / "data").mkdir()
            control = Child(
                ctx, "control", services_control_main, fields, str(folder / "data"), max(steps)
            )
        else:
            room = int(
                videoroom.create_room(
                    VideoRoomOptions(
                        secret=secret, description="summit_load", publishers=max(steps) + 2
                    )
                )
            )
            control = Child(ctx, "control", janus_control_main, endpoint, room, secret)
        children.append(control)
        opened = control.receive(300.0)
        room = int(opened["room"])
        seats = [tuple(seat) for seat in opened.get("participants", [])]
        workers = [
            Child(ctx, f"generator-{w}", worker_main, endpoint.api_url, room, janus.media_address)
            for w in range(args.workers)
        ]
        children.extend(workers)
        print(
            f"control plane: {args.control} "
            + (
                "(a Summitry process: rooms.actions.floor.give_floor once a second, SQLite)"
                if args.control == "services"
                else "(VideoRoomControl moderate + listparticipants once a second)"
            )
        )
        print(
            f"Janus pid {janus.pid} ({endpoint.api_url}), room {room}; {args.workers} generator "
            f"processes, control pid {control.pid}; {os.cpu_count()} cores; "
            f"video {WIDTH}x{HEIGHT}@{FPS} VP8 + Opus {AUDIO_PPS} pkt/s per publisher"
        )
        print(
            "CPU in % of one core, over the window; generators = aiortc workers + coordinator; "
            "other = the rest of the machine (processes not started here)"
        )
        meter = CpuMeter(
            {
                "janus": [janus.pid],
                "summitry": [control.pid],
                "generators": [w.pid for w in workers] + [os.getpid()],
            }
        )
        participants: list[Participant] = []
        last_step = 0.0
        for n in steps:
            elapsed = time.monotonic() - began
            # Set-up grows with the m-lines (n^2); warm-up and window do not.
            fixed = args.warmup + args.window
            growth = (n / len(participants)) ** 2 if participants else 1.0
            estimate = fixed + max(0.0, last_step - fixed) * growth
            if results and elapsed + estimate > args.budget:
                print(f"stopping before {n}: time budget of {args.budget:.0f} s would be exceeded")
                break
            step_began = time.monotonic()
            new = []
            for index in range(len(participants), n):
                worker = index % len(workers)
                if seats:  # admitted by Summitry: its token and publisher id
                    invitation, publisher_id, token = seats[index]
                    new.append(Participant(index, token, worker, publisher_id, invitation))
                else:
                    token = secrets.token_urlsafe(16)
                    admin.add_token(token, (VIDEOROOM,))
                    new.append(Participant(index, token, worker))
            if not seats:
                videoroom.allow(room, secret, [p.token for p in new])
            answers = call_all(
                workers,
                [
                    [(p.index, p.token, p.publisher_id) for p in new if p.worker == w]
                    for w in range(len(workers))
                ],
                "publish",
                120.0,
            )
            errors = []
            for answer in answers:
                for p in new:
                    if p.index in answer:
                        info = answer[p.index]
                        if "error" in info:
                            errors.append(f"publisher {p.index}: {info['error']}")
                        else:
                            p.feed, p.audio_mid = int(info["feed"]), str(info["audio_mid"])
            participants.extend(new)
            control.send(
                "publishers",
                [
                    {"feed": p.feed, "audio_mid": p.audio_mid, "invitation": p.invitation}
                    for p in participants
                    if p.feed
                ],
            )
            step: dict[str, Any] = {"participants": n}
            if not errors:
                feeds = [p.feed for p in participants]
                failed = call_all(
                    workers,
                    [
                        [
                            (p.index, p.token, [f for f in feeds if f != p.feed])
                            for p in participants
                            if p.worker == w
                        ]
                        for w in range(len(workers))
                    ],
                    "subscribe",
                    180.0,
                )
                errors.extend(
                    f"subscriber {i}: {e}" for answer in failed for i, e in answer.items()
                )
            setup_s = time.monotonic() - step_began
            if errors:
                step.update(all_flowing=False, error="; ".join(errors[:3]))
                cpu = {"janus": 0.0, "summitry": 0.0, "generators": 0.0, "machine": 0.0}
                delivery = {"loss_pct": 0.0, "failing_pairs": n * (n - 1)}
            else:
                time.sleep(args.warmup)
                control.call("stats")
                sent0 = call_all(workers, [None] * len(workers), "sent", 30.0)
                before = call_all(workers, [None] * len(workers), "snapshot", 60.0)
                meter.start()
                time.sleep(args.window)
                cpu = meter.stop()
                after = call_all(workers, [None] * len(workers), "snapshot", 60.0)
                sent1 = call_all(workers, [None] * len(workers), "sent", 30.0)
                floor = control.call("stats")
                # The snapshots take time too: rates are per second of the window proper.
                delivery = evaluate(before, after, args.window, participants)
                video_kbps = (
                    sum(
                        s1["video_bytes"] - s0["video_bytes"]
                        for s0, s1 in zip(sent0, sent1, strict=True)
                    )
                    * 8
                    / 1000
                    / args.window
                    / n
                )
                step.update(
                    all_flowing=delivery["failing_pairs"] == 0,
                    failing_pairs=delivery["failing_pairs"],
                    audio_pps_min=round(delivery["audio_pps_min"], 1),
                    video_fps_min=round(delivery["video_fps_min"], 1),
                    video_fps_median=round(delivery["video_fps_median"], 1),
                    video_complete_fps_median=round(delivery["video_complete_fps_median"], 1),
                    video_kbps_per_publisher=round(video_kbps, 1),
                    floor_changes=floor["changes"],
                    floor_change_ms=round(statistics.median(floor["ms"]), 1)
                    if floor["ms"]
                    else None,
                    floor_errors=len(floor["errors"]),
                    floor_error=(floor["errors"] or [None])[0],
                )
            step.update(
                janus_cpu_pct=round(cpu["janus"], 1),
                summitry_cpu_pct=round(cpu["summitry"], 2),
                generators_cpu_pct=round(cpu["generators"], 1),
                machine_cpu_pct=round(cpu["machine"], 1),
                other_cpu_pct=round(
                    max(0.0, cpu["machine"] - cpu["janus"] - cpu["summitry"] - cpu["generators"]),
                    1,
                ),
                loss_pct=round(delivery["loss_pct"], 3),
                streams_forwarded=2 * n * (n - 1),
                setup_s=round(setup_s, 1),
            )
            results.append(step)
            print(
                f"{n:>3} participants ({2 * n * (n - 1):>4} streams out of Janus): "
                f"all flowing {step['all_flowing']!s:<5} "
                f"janus {step['janus_cpu_pct']:6.1f}%  summitry {step['summitry_cpu_pct']:5.2f}%  "
                f"generators {step['generators_cpu_pct']:6.1f}%  "
                f"machine {step['machine_cpu_pct']:6.1f}% (other {step['other_cpu_pct']}%)  "
                f"loss {step['loss_pct']:.3f}%"
                + (
                    f"  | video fps min/median {step['video_fps_min']}/{step['video_fps_median']} "
                    f"(complete {step['video_complete_fps_median']}), "
                    f"audio pkt/s min {step['audio_pps_min']}, "
                    f"{step['video_kbps_per_publisher']} kbit/s video per publisher, "
                    f"floor change {step['floor_change_ms']} ms ({step['floor_changes']} done, "
                    f"{step['floor_errors']} failed), set-up {step['setup_s']} s"
                    if "error" not in step
                    else f"  | {step['error']}"
                ),
                flush=True,
            )
            for example in delivery.get("examples", [])[: 6 if args.verbose else 0]:
                print(f"      not flowing: {example}")
            call_all(workers, [None] * len(workers), "unsubscribe", 60.0)
            last_step = time.monotonic() - step_began
            if not step["all_flowing"]:
                break
        else:
            print("last step reached with media flowing to all")
        if args.control == "janus":
            with contextlib.suppress(JanusError):
                videoroom.destroy_room(room, secret)
    finally:
        for child in children:
            child.stop()
        janus.stop()
        shutil.rmtree(folder, ignore_errors=True)
    flowing = [s["participants"] for s in results if s["all_flowing"]]
    return {
        "max_participants_all_flowing": max(flowing, default=0),
        "steps": [
            {
                key: s[key]
                for key in (
                    "participants",
                    "all_flowing",
                    "janus_cpu_pct",
                    "summitry_cpu_pct",
                    "generators_cpu_pct",
                    "loss_pct",
                    "machine_cpu_pct",
                    "other_cpu_pct",
                )
            }
            for s in results
        ],
    }


def _has_give_floor() -> bool:
    """True when ``summitry.rooms.actions.floor`` (the server side) offers ``give_floor``."""
    import importlib.util

    try:
        found = importlib.util.find_spec("summitry.rooms.actions.floor")
    except ImportError:
        return False
    if found is None or found.origin is None:
        return False
    return "def give_floor(" in Path(found.origin).read_text(encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 and 4 participants, ~30 s")
    parser.add_argument("--workers", type=int, default=2, help="load generator processes")
    parser.add_argument(
        "--control",
        choices=("services", "janus"),
        default="services" if _has_give_floor() else "janus",
        help="what drives the floor changes (default: services when rooms.actions.floor has them)",
    )
    parser.add_argument("--window", type=float, default=None, help="measurement window (s)")
    parser.add_argument("--warmup", type=float, default=None, help="wait before measuring (s)")
    parser.add_argument("--budget", type=float, default=None, help="time budget for the ramp (s)")
    parser.add_argument("--max", type=int, default=max(STEPS), help="largest step")
    parser.add_argument("--verbose", action="store_true", help="show pairs not flowing")
    parser.add_argument(
        "--steps", type=lambda v: [int(n) for n in v.split(",")], help="e.g. 2,4,8 (any order)"
    )
    args = parser.parse_args()
    args.window = args.window or (3.0 if args.quick else 6.0)
    args.warmup = args.warmup if args.warmup is not None else (2.0 if args.quick else 3.0)
    args.budget = args.budget or (25.0 if args.quick else 240.0)

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
