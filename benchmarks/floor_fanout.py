"""Benchmark: from the chair giving the floor to every connected client holding the new state.

For 100, 500 and 2000 clients (the chair and N-1 participants of one virtual
summit), through the real server: a temporary SQLite data dir, ``migrate``,
an engagement, a room opened with ``rooms.actions.links.open_room`` (on a dedicated
Janus started for the run: opening a room creates its VideoRoom, admitting
adds tokens), and ``uvicorn summitry.asgi:application`` (1 worker, in-memory
channel layer) in a subprocess on a free loopback port, fresh for each size.

N synthetic WebSocket clients (the ``websockets`` library, one asyncio process)
open ``/ws/rooms/<token>/`` as ``docs/rooms.md`` describes. Everyone was
admitted beforehand through ``lobby.arrive`` and ``lobby.admit_all`` (the
state after a page reload): every join then costs the server one state
broadcast instead of a lobby round; ``--lobby`` makes them arrive in the lobby
and the chair send ``admit_all`` instead (much slower to set up at 2000). Then
the chair sends ``give_floor`` to one participant after another. For each, the
time runs from just before the chair's command is sent until the last of the N
clients has received a ``state`` whose ``floor.speaker`` is the new speaker
(all clients share one clock). Clients read ``floor`` and ``you`` out of the
message without parsing the whole state, and do not negotiate
permessage-deflate (browsers would: the server would then also compress every
copy).

Baseline, same run, same clients: a bare ``websockets`` server (its own
process) that, when the "chair" asks, broadcasts one JSON message as long as
Summitry's state at that size to all N clients. The ratio is Summitry's
overhead over moving the same bytes.

The clients, the server and Janus share this machine (``os.cpu_count()`` cores).
Prints figures; asserts nothing; the last line is one JSON object keyed by size.
Target: p99 at most 150 ms at 2000 clients.

    python benchmarks/floor_fanout.py [--quick] [--rounds N] [--sizes 100,500,2000]
                                      [--join-budget S] [--lobby] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gc
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit import LocalJanus, percentile, process_cpu_seconds, raise_fd_limit, start_janus

SIZES = (100, 500, 2000)
QUICK_SIZES = (100,)
TARGET_P99_MS = 150.0
FLOOR_KEY = '"floor":{"speaker":'
STATE_HEAD = '{"type":"state","version":'
FLOOR_HEAD = '{"type":"floor","version":'
PRESENCE_HEAD = '{"type":"presence",'
YOU_KEY = '"you":'
HERE = Path(__file__).resolve().parent


# -- clients ------------------------------------------------------------------------------------


@dataclass
class Fleet:
    """N clients' view: what each last saw, and the round being timed."""

    size: int
    speaker: list[int | None] = field(default_factory=list)
    you_state: list[str] = field(default_factory=list)
    states: list[int] = field(default_factory=list)
    last_length: list[int] = field(default_factory=list)
    delta_length: list[int] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)
    gaps: int = 0
    errors: list[str] = field(default_factory=list)
    target: int | None = None
    pending: set[int] = field(default_factory=set)
    last_arrival: float = 0.0
    done: asyncio.Event = field(default_factory=asyncio.Event)
    watch: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.speaker = [None] * self.size
        self.you_state = [""] * self.size
        self.states = [0] * self.size
        self.last_length = [0] * self.size
        self.delta_length = [0] * self.size
        self.versions = [0] * self.size

    def seen(self, index: int, text: str) -> None:
        """Apply a message as room.js does: a full ``state`` newer than what the client holds
        replaces it; a ``floor`` delta applies on the version just before it, a ``presence``
        delta on one from its ``base``; anything else is a gap (counted; the server follows
        with a full state)."""
        now = time.perf_counter()
        head = text[:60]
        if '"type":"error"' in head:
            self.errors.append(text[:200])
            return
        kind = (
            "state"
            if head.startswith(STATE_HEAD)
            else "floor"
            if head.startswith(FLOOR_HEAD)
            else ""
        )
        if not kind:
            if head.startswith(PRESENCE_HEAD):
                delta = json.loads(text)
                if delta["base"] <= self.versions[index] < delta["version"]:
                    self.versions[index] = delta["version"]
                elif self.versions[index] < delta["version"]:
                    self.gaps += 1
            return
        version = int(
            text[len(STATE_HEAD if kind == "state" else FLOOR_HEAD) : text.index(",", 20)]
        )
        held = self.versions[index]
        if kind == "state":
            if version <= held:
                return
            self.states[index] += 1
            self.last_length[index] = len(text)
        else:
            if version != held + 1:
                self.gaps += version > held
                return
            self.delta_length[index] = len(text)
        self.versions[index] = version
        start = text.find(FLOOR_KEY)
        value_at = start + len(FLOOR_KEY)
        end = value_at
        while text[end].isdigit():
            end += 1
        speaker = int(text[value_at:end]) if end > value_at else None
        self.speaker[index] = speaker
        you_at = text.rfind(YOU_KEY) if kind == "state" else -1
        if you_at >= 0:
            you, _ = json.JSONDecoder().raw_decode(text, you_at + len(YOU_KEY))
            if isinstance(you, dict):
                self.you_state[index] = str(you.get("state", ""))
        if speaker is not None and speaker == self.target and index in self.pending:
            self.pending.discard(index)
            self.last_arrival = now
            if not self.pending:
                self.done.set()
        self.watch.set()


async def client(url: str, origin: str, index: int, fleet: Fleet, ready: asyncio.Event) -> Any:
    from websockets.asyncio.client import connect

    ws = await connect(
        url,
        origin=origin,  # type: ignore[arg-type]
        compression=None,
        max_size=None,
        ping_interval=None,
        open_timeout=120,
        close_timeout=2,
    )

    async def read() -> None:
        with contextlib.suppress(Exception):
            async for message in ws:
                if isinstance(message, str):
                    fleet.seen(index, message)

    task = asyncio.get_running_loop().create_task(read())
    ready.set()
    return ws, task


async def connect_all(
    urls: Sequence[str],
    origin: str,
    fleet: Fleet,
    into: list[Any],
    offset: int = 0,
    concurrency: int = 64,
) -> None:
    """Connect a client to each URL (client ``i`` is number ``offset + i``), adding to ``into``."""
    limit = asyncio.Semaphore(concurrency)

    async def one(index: int, url: str) -> None:
        async with limit:
            into.append(await client(url, origin, offset + index, fleet, asyncio.Event()))

    await asyncio.gather(*(one(i, u) for i, u in enumerate(urls)))


async def wait_until(fleet: Fleet, check: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        fleet.watch.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(fleet.watch.wait(), min(remaining, 0.5))
    return True


async def close_all(connections: list[Any]) -> None:
    async def close(ws: Any, task: asyncio.Task[None]) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.close(), 5)
        task.cancel()

    await asyncio.gather(*(close(ws, task) for ws, task in connections), return_exceptions=True)


async def time_rounds(
    fleet: Fleet,
    chair: Any,
    speakers: Sequence[int],
    warmup: int,
    timeout: float,
    command: Any,
    budget: float = float("inf"),
) -> tuple[list[float], list[str]]:
    """Give the floor to each of ``speakers``; latencies (ms) of all but the first ``warmup``.

    No new round starts once ``budget`` seconds have passed.
    """
    latencies: list[float] = []
    notes: list[str] = []
    # This process's own collector is not the server's latency: a full collection of the
    # fleet's heap (120 ms at 2000 clients) landed in timed rounds. The fleet is kept out of
    # collections, and none runs while a round is timed; each pause between rounds collects.
    gc.collect()
    gc.freeze()
    started = time.monotonic()
    for number, speaker in enumerate(speakers):
        if time.monotonic() - started > budget:
            notes.append(f"time budget of {budget:.0f} s spent after {number} rounds")
            break
        fleet.target = speaker
        fleet.pending = {i for i in range(fleet.size) if fleet.speaker[i] != speaker}
        fleet.done.clear()
        gc.disable()
        began = time.perf_counter()
        await chair.send(json.dumps(command(speaker)))
        try:
            await asyncio.wait_for(fleet.done.wait(), timeout)
        except TimeoutError:
            notes.append(f"round {number}: {len(fleet.pending)} clients without the state")
            fleet.target = None
            continue
        finally:
            gc.enable()
        if number >= warmup:
            latencies.append((fleet.last_arrival - began) * 1000)
        gc.collect()
        await asyncio.sleep(0.2)  # let the server settle (enforcement, timers)
    fleet.target = None
    gc.unfreeze()
    return latencies, notes


# -- the Summitry side ------------------------------------------------------------------------


@dataclass
class Prepared:
    size: int
    tokens: list[str]  # the chair's first
    invitation_ids: list[int]


def setup_django(data_dir: Path, janus: LocalJanus) -> dict[str, str]:
    """Point Django at a fresh data dir and at the benchmark's Janus; return that environment."""
    endpoint = janus.process.config.endpoint()
    env = {
        "SUMMITRY_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "summitry.settings",
        "SUMMITRY_JANUS_INSTANCES": json.dumps(
            [
                {
                    "name": endpoint.name,
                    "api_url": endpoint.api_url,
                    "admin_url": endpoint.admin_url,
                    "admin_secret": endpoint.admin_secret,
                    "room_admin_key": endpoint.room_admin_key,
                    "api_secret": endpoint.api_secret,
                }
            ]
        ),
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return env


def prepare_room(size: int, admit_first: bool) -> Prepared:
    """An engagement and its room with the chair and ``size - 1`` invited participants."""
    from django.utils import timezone

    from summitry.directory.models import Person
    from summitry.engagements.services import (
        EngagementInput,
        ParticipantInput,
        create_engagement,
    )
    from summitry.rooms.actions import links, lobby
    from summitry.rooms.models import Invitation

    people = Person.objects.bulk_create([Person(name=f"Delegate {size}-{i}") for i in range(size)])
    engagement = create_engagement(
        EngagementInput(
            title=f"Fan-out summit of {size}",
            kind="virtual_summit",
            status="scheduled",
            start=timezone.now() - dt.timedelta(minutes=5),
            participants=[ParticipantInput(person=p) for p in people[:3]],
        ),
        by=None,
    )
    room, tokens = links.open_room(engagement, None, chair=people[0], invitees=people[1:])
    invitations = list(Invitation.objects.filter(room=room).order_by("order", "id"))
    if admit_first:
        # Everyone opened their link and the chair admitted them (Janus tokens added).
        for invitation in invitations:
            lobby.arrive(invitation)
        lobby.admit_all(invitations[0])
    by_person = {inv.person_id: inv.pk for inv in invitations}
    return Prepared(
        size,
        [tokens[p.pk] for p in people],
        [by_person[p.pk] for p in people],
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def start_server(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            args,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@dataclass
class Measured:
    latencies: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    message_bytes: int = 0
    state_bytes: int = 0
    connect_s: float = 0.0
    server_cpu_pct: float = 0.0
    #: Server CPU per timed give_floor (ms), warm-up rounds and pauses included.
    server_cpu_ms_per_change: float = 0.0
    error: str | None = None


async def run_summitry(
    prepared: Prepared,
    env: dict[str, str],
    folder: Path,
    rounds: int,
    timeout: float,
    setup_budget: float,
    rounds_budget: float,
) -> Measured:
    port = free_port()
    log = folder / f"uvicorn-{prepared.size}.log"
    proc = start_server(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "summitry.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--lifespan",
            "off",
            "--ws",
            "websockets-sansio",  # as `summitry serve` runs it
            "--log-level",
            "warning",
            "--no-access-log",
            "--backlog",
            "4096",
        ],
        env,
        log,
    )
    result = Measured()
    connections: list[Any] = []
    fleet = Fleet(prepared.size)
    try:
        await asyncio.to_thread(wait_for_port, port, proc, 30.0)
        base = f"ws://127.0.0.1:{port}/ws/rooms"
        origin = f"http://127.0.0.1:{port}"
        began = time.monotonic()

        async def join() -> None:
            # The chair first: it is admitted on arrival and can admit the others.
            await connect_all([f"{base}/{prepared.tokens[0]}/"], origin, fleet, connections)
            others = [f"{base}/{t}/" for t in prepared.tokens[1:]]
            await connect_all(others, origin, fleet, connections, offset=1)
            if not await wait_until(fleet, lambda: min(fleet.states) > 0, timeout):
                missing = sum(1 for s in fleet.states if s == 0)
                raise RuntimeError(f"{missing} clients got no state after connecting")
            if any(s != "admitted" for s in fleet.you_state):
                await connections[0][0].send(json.dumps({"type": "admit_all"}))
            if not await wait_until(
                fleet, lambda: all(s == "admitted" for s in fleet.you_state), timeout
            ):
                waiting = sum(1 for s in fleet.you_state if s != "admitted")
                raise RuntimeError(f"{waiting} clients not admitted after admit_all")

        try:
            await asyncio.wait_for(join(), setup_budget)
        except TimeoutError:
            raise RuntimeError(
                f"joining took more than {setup_budget:.0f} s: after it "
                f"{len(connections)} of {prepared.size} clients were connected, "
                f"{sum(1 for n in fleet.states if n)} had a state, "
                f"{sum(1 for y in fleet.you_state if y == 'admitted')} were admitted"
            ) from None
        chair = connections[0][0]
        result.connect_s = time.monotonic() - began
        speakers = [prepared.invitation_ids[1 + i % (prepared.size - 1)] for i in range(rounds + 2)]
        cpu_before, wall_before = process_cpu_seconds(proc.pid), time.monotonic()
        result.latencies, result.notes = await time_rounds(
            fleet,
            chair,
            speakers,
            warmup=2,
            timeout=timeout,
            command=lambda who: {"type": "give_floor", "participant": who},
            budget=rounds_budget,
        )
        cpu_used = process_cpu_seconds(proc.pid) - cpu_before
        result.server_cpu_pct = 100 * cpu_used / max(time.monotonic() - wall_before, 1e-6)
        result.server_cpu_ms_per_change = 1000 * cpu_used / (rounds + 2)
        # What a floor change sends now (the delta); the baseline moves as many bytes.
        deltas = [n for n in fleet.delta_length if n]
        result.message_bytes = int(statistics.median(deltas or fleet.last_length))
        result.state_bytes = int(statistics.median(fleet.last_length))
        if fleet.gaps:
            result.notes.append(f"{fleet.gaps} messages did not apply (gap; a full state followed)")
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        if fleet.errors:
            result.notes.append(f"server said: {fleet.errors[0]}")
        await close_all(connections)
        stop_process(proc)
    if result.error:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
        noise = ("No directory at", "mw_instance")  # WhiteNoise's static-files warning
        result.notes.extend(line for line in tail if not any(n in line for n in noise))
    return result


# -- baseline: a bare websockets broadcast server ----------------------------------------------


def baseline_server(port: int) -> None:
    """Broadcast ``size`` bytes of JSON with the floor to every client when asked."""
    from websockets.asyncio.server import ServerConnection, broadcast, serve

    clients: set[ServerConnection] = set()
    version = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal version
        clients.add(ws)
        try:
            async for message in ws:
                request = json.loads(message)
                version += 1
                head = f'{{"type":"state","version":{version},"pad":"'
                tail = f'","floor":{{"speaker":{int(request["participant"])},"limit":0}}}}'
                pad = "x" * max(0, int(request["size"]) - len(head) - len(tail))
                broadcast(clients, head + pad + tail)
        finally:
            clients.discard(ws)

    async def main() -> None:
        stop = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set_result, None)
        async with serve(handler, "127.0.0.1", port, compression=None, max_size=None):
            await stop

    asyncio.run(main())


async def run_baseline(
    size: int, message_bytes: int, folder: Path, rounds: int, timeout: float, rounds_budget: float
) -> Measured:
    port = free_port()
    proc = start_server(
        [sys.executable, str(Path(__file__).resolve()), "--baseline-server", str(port)],
        {},
        folder / f"baseline-{size}.log",
    )
    result = Measured(message_bytes=message_bytes)
    connections: list[Any] = []
    fleet = Fleet(size)
    try:
        await asyncio.to_thread(wait_for_port, port, proc, 30.0)
        began = time.monotonic()
        await connect_all(
            [f"ws://127.0.0.1:{port}/"] * size, f"http://127.0.0.1:{port}", fleet, connections
        )
        result.connect_s = time.monotonic() - began
        cpu_before, wall_before = process_cpu_seconds(proc.pid), time.monotonic()
        result.latencies, result.notes = await time_rounds(
            fleet,
            connections[0][0],
            [1000 + i for i in range(rounds + 2)],
            warmup=2,
            timeout=timeout,
            command=lambda who: {"type": "give_floor", "participant": who, "size": message_bytes},
            budget=rounds_budget,
        )
        cpu_used = process_cpu_seconds(proc.pid) - cpu_before
        result.server_cpu_pct = 100 * cpu_used / max(time.monotonic() - wall_before, 1e-6)
        result.server_cpu_ms_per_change = 1000 * cpu_used / (rounds + 2)
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        await close_all(connections)
        stop_process(proc)
    return result


# -- main ---------------------------------------------------------------------------------------


def summary(m: Measured) -> dict[str, float | None]:
    if not m.latencies:
        return {"p50_ms": None, "p99_ms": None}
    return {
        "p50_ms": round(statistics.median(m.latencies), 1),
        "p99_ms": round(percentile(m.latencies, 99), 1),
    }


def estimated_state_bytes(size: int) -> int:
    """Roughly the state's length when it could not be measured (~230 bytes a participant)."""
    return 700 + 230 * size


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    sizes: list[int] = args.sizes or list(QUICK_SIZES if args.quick else SIZES)
    limit = raise_fd_limit(max(4096, 3 * max(sizes) + 512))
    print(
        f"open files limit {limit} (clients and server each hold one socket per client); "
        f"{os.cpu_count()} cores shared by clients, server and Janus"
    )
    folder = Path(tempfile.mkdtemp(prefix="summitry-floor-fanout-"))
    try:
        janus = start_janus(folder, name="fanout")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        (folder / "data").mkdir()
        env = setup_django(folder / "data", janus)
        began = time.monotonic()
        prepared = {size: prepare_room(size, not args.lobby) for size in sizes}
        print(f"rooms prepared for {sizes} clients in {time.monotonic() - began:.1f} s")
        from django.db import connections as db_connections

        db_connections.close_all()
        return asyncio.run(measure_all(args, sizes, prepared, env, folder))
    finally:
        janus.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept {folder}")


async def measure_all(
    args: argparse.Namespace,
    sizes: list[int],
    prepared: dict[int, Prepared],
    env: dict[str, str],
    folder: Path,
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for size in sizes:
        rounds = args.rounds or (5 if args.quick else (20 if size <= 500 else 10))
        ours = await run_summitry(
            prepared[size], env, folder, rounds, args.timeout, args.join_budget, args.rounds_budget
        )
        message_bytes = ours.message_bytes or estimated_state_bytes(size)
        base = await run_baseline(
            size, message_bytes, folder, rounds, args.timeout, args.rounds_budget
        )
        figures: dict[str, Any] = {"clients": size, **summary(ours)}
        base_figures = summary(base)
        figures.update(
            baseline_p50_ms=base_figures["p50_ms"],
            baseline_p99_ms=base_figures["p99_ms"],
            rounds=len(ours.latencies),
            message_bytes=message_bytes,
            state_bytes=ours.state_bytes,
            setup_s=round(ours.connect_s, 1),
            server_cpu_pct=round(ours.server_cpu_pct, 1),
            baseline_server_cpu_pct=round(base.server_cpu_pct, 1),
            server_cpu_ms_per_change=round(ours.server_cpu_ms_per_change, 1),
            baseline_server_cpu_ms_per_change=round(base.server_cpu_ms_per_change, 1),
        )
        if ours.error:
            figures["error"] = ours.error
        if base.error:
            figures["baseline_error"] = base.error
        results[str(size)] = figures
        ratio = (
            f"{figures['p99_ms'] / figures['baseline_p99_ms']:.1f}x baseline p99"
            if figures["p99_ms"] and figures["baseline_p99_ms"]
            else "no ratio"
        )
        print(
            f"{size:>5} clients: give_floor -> all hold the new state "
            f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms over "
            f"{figures['rounds']} rounds (floor message {message_bytes:,} bytes, full state "
            f"{ours.state_bytes:,}; server CPU "
            f"{figures['server_cpu_ms_per_change']} ms per change); bare broadcast of the same "
            f"bytes (server CPU {figures['baseline_server_cpu_ms_per_change']} ms per change) "
            f"p50 {figures['baseline_p50_ms']} ms, p99 {figures['baseline_p99_ms']} ms "
            f"({ratio}); connect + admit {figures['setup_s']} s",
            flush=True,
        )
        for note in (ours.error, *ours.notes, base.error, *base.notes):
            if note:
                print(f"       {note}")
    largest = results.get(str(max(SIZES)), {})
    if largest.get("p99_ms") is not None:
        verdict = "meets" if largest["p99_ms"] <= TARGET_P99_MS else "misses"
        print(
            f"p99 at {max(SIZES)} clients: {largest['p99_ms']} ms, "
            f"{verdict} the {TARGET_P99_MS:.0f} ms target"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 clients, 5 rounds")
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds per size")
    parser.add_argument(
        "--sizes", type=lambda v: [int(n) for n in v.split(",")], default=None, help="e.g. 100,500"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="per wait (s)")
    parser.add_argument(
        "--rounds-budget",
        type=float,
        default=45.0,
        help="no new give_floor round after this many seconds (per size and server)",
    )
    parser.add_argument(
        "--join-budget",
        type=float,
        default=None,
        help="seconds allowed for connecting and admitting the clients of one size "
        "(default 120, --quick 20)",
    )
    parser.add_argument(
        "--lobby",
        action="store_true",
        help="clients arrive in the lobby and the chair admits them over the WebSocket "
        "(default: admitted through the actions before the server starts)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument("--baseline-server", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.join_budget = args.join_budget or (20.0 if args.quick else 120.0)
    if args.baseline_server is not None:
        baseline_server(args.baseline_server)
        return

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    sys.path.insert(0, str(HERE))
    print(json.dumps(run_all(args)))


if __name__ == "__main__":
    main()
