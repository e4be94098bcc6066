"""Helpers shared by the live-room benchmarks (not a benchmark itself).

CPU figures are read from ``/proc``: a process's ``utime + stime`` (all its
threads) over a wall-clock window, as a percentage of ONE core (so a 2-core
machine tops out at 200 %). Everything started here binds to loopback.
"""

from __future__ import annotations

import math
import os
import resource
import secrets
import shutil
import socket
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from summitry.rooms.janus.config import JanusInstanceConfig
from summitry.rooms.janus.process import JanusProcess, ensure_loopback_media_interface

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Ports free on ``host`` right now (held open together so they differ)."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            socks.append(sock)
        return [s.getsockname()[1] for s in socks]
    finally:
        for sock in socks:
            sock.close()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` (all threads); 0 when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    fields = raw[raw.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLOCK_TICKS


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from ``/proc/stat``."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in first[:8]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values)
    return total - idle, total


class CpuMeter:
    """CPU % (of one core) of named groups of processes over a window."""

    def __init__(self, groups: dict[str, Sequence[int]]) -> None:
        self.groups = {name: list(pids) for name, pids in groups.items()}
        self._start: dict[str, float] = {}
        self._wall = 0.0
        self._machine = (0, 0)

    def start(self) -> None:
        self._start = {name: self._sum(pids) for name, pids in self.groups.items()}
        self._machine = machine_cpu_ticks()
        self._wall = time.monotonic()

    @staticmethod
    def _sum(pids: Iterable[int]) -> float:
        return sum(process_cpu_seconds(pid) for pid in pids)

    def stop(self) -> dict[str, float]:
        """Per group CPU % over the window, plus ``machine`` (busy % of all cores x cores)."""
        wall = max(time.monotonic() - self._wall, 1e-6)
        result = {
            name: 100.0 * (self._sum(pids) - self._start[name]) / wall
            for name, pids in self.groups.items()
        }
        busy, total = machine_cpu_ticks()
        d_busy, d_total = busy - self._machine[0], total - self._machine[1]
        cores = os.cpu_count() or 1
        result["machine"] = 100.0 * cores * d_busy / d_total if d_total > 0 else 0.0
        return result


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100) of a non-empty sequence."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def raise_fd_limit(wanted: int) -> int:
    """Raise the soft open-files limit towards ``wanted``; return the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return soft if soft != resource.RLIM_INFINITY else wanted
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


@dataclass
class LocalJanus:
    """A dedicated Janus instance for one benchmark run, on free loopback ports."""

    process: JanusProcess
    media_address: str

    @property
    def pid(self) -> int:
        pid = self.process.pid
        assert pid is not None
        return pid

    def stop(self) -> None:
        self.process.stop()


def start_janus(folder: Path, name: str = "bench", **overrides: object) -> LocalJanus:
    """Start Janus like ``tests/rooms/conftest.py`` does: own folder, free ports, new secrets.

    Media stays on the machine: Janus gathers candidates only on the
    ``smt-janus0`` interface carrying 127.42.0.1 (created here; needs root once).
    """
    if shutil.which("janus") is None and not Path("/usr/bin/janus").exists():
        raise SystemExit("Janus is not installed (Debian: apt-get install janus)")
    media_address = ensure_loopback_media_interface()
    http_port, admin_port = free_ports(2)
    settings: dict[str, object] = {
        "name": name,
        "http_port": http_port,
        "admin_port": admin_port,
        "admin_secret": secrets.token_urlsafe(24),
        "room_admin_key": secrets.token_urlsafe(24),
        "api_secret": secrets.token_urlsafe(24),
        "session_timeout": 60,
        # Level 4 logs a line per ICE/DTLS step: keep the log from costing CPU.
        "debug_level": 3,
    }
    settings.update(overrides)
    config = JanusInstanceConfig(**settings)  # type: ignore[arg-type]
    process = JanusProcess(config, folder / f"janus-{name}")
    process.start()
    return LocalJanus(process, media_address)
