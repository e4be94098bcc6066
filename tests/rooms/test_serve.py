"""`summitry serve` runs its own Janus, wired for events, and stops it when it stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.rooms.helpers import free_ports

pytestmark = [pytest.mark.integration, pytest.mark.janus]


def janus_pids(folder: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if cmdline and cmdline[0].endswith(b"janus") and str(folder).encode() in b" ".join(cmdline):
            found.append(int(entry.name))
    return found


def test_serve_starts_janus_with_events_and_stops_it_on_sigterm(
    tmp_path: Path, media_address: str
) -> None:
    port, janus_http, janus_admin = free_ports(3)
    env = {
        **os.environ,
        "SUMMITRY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SUMMITRY_JANUS_HTTP_PORT": str(janus_http),
        "SUMMITRY_JANUS_ADMIN_PORT": str(janus_admin),
        "SUMMITRY_SECRET_KEY": "a-key-for-this-test-only-" * 3,  # serve refuses the default
    }
    env.pop("SUMMITRY_JANUS_INSTANCES", None)
    env.pop("SUMMITRY_JANUS_EVENTS_URL", None)
    serve = subprocess.Popen(
        [sys.executable, "-m", "summitry.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # A fresh data folder: serve migrates and collects static files first, which takes
        # minutes on a loaded 2-core machine; the bound is only there to end a hung run.
        deadline = time.monotonic() + 600
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/calendar.ics", timeout=2):
                    break
            except OSError:
                if serve.poll() is not None or time.monotonic() > deadline:
                    serve.kill()  # else reading its output waits for it to end, for ever
                    raise AssertionError(f"serve did not start: {serve.communicate()[0]}") from None
                time.sleep(0.3)
        folder = tmp_path / "janus" / "local"
        handler = (folder / "janus.eventhandler.sampleevh.jcfg").read_text()
        assert f"http://127.0.0.1:{port}/rooms/janus-events/" in handler
        assert janus_pids(folder), "the local Janus is not running"
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        deadline = time.monotonic() + 30
        while janus_pids(folder) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not janus_pids(folder), "Janus outlived `summitry serve`"
    finally:
        if serve.poll() is None:
            serve.kill()
        for pid in janus_pids(tmp_path):
            os.kill(pid, signal.SIGKILL)
