"""Two Summitry instances side by side on one host, each with its own Janus."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

from summitry.rooms.janus.client import server_info
from tests.rooms.conftest import media_address  # noqa: F401 - needs the media interface
from tests.rooms.helpers import free_ports
from tests.rooms.test_serve import janus_pids

pytestmark = [pytest.mark.integration, pytest.mark.janus]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - http URLs of ours
        return str(response.read().decode())


def wait_until_serving(serve: subprocess.Popen[str], port: int, deadline: float) -> None:
    while True:
        try:
            fetch(f"http://127.0.0.1:{port}/engagements/")
            return
        except OSError:
            if serve.poll() is not None or time.monotonic() > deadline:
                serve.kill()
                raise AssertionError(f"serve did not start: {serve.communicate()[0]}") from None
            time.sleep(0.3)


def janus_url(output: Path, deadline: float) -> str:
    """The Janus API URL `serve` announces."""
    while time.monotonic() < deadline:
        for line in output.read_text().splitlines():
            if line.startswith("Janus (live rooms) is serving on "):
                return line.rsplit(" ", 1)[1]
        time.sleep(0.2)
    raise AssertionError(f"no Janus announced: {output.read_text()}")


def test_two_instances_on_one_host_each_with_its_own_janus_and_address(
    tmp_path: Path,
    media_address: str,  # noqa: F811
) -> None:
    # Two free site ports whose derived Janus ports (+10088, +9088) cannot meet.
    ports = [p for p in free_ports(40) if p + 10088 < 65536]
    first = ports[0]
    second = next(p for p in ports if p != first and abs(p - first) != 1000)
    folders = {port: tmp_path / f"instance-{port}" for port in (first, second)}
    processes: dict[int, subprocess.Popen[str]] = {}
    environments: dict[int, dict[str, str]] = {}
    demos: list[subprocess.Popen[str]] = []
    with ExitStack() as stack:
        for port, folder in folders.items():
            folder.mkdir()
            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("SUMMITRY_JANUS_", "SUMMITRY_SITE_URL", "DATABASE_URL"))
            }
            env |= {"SUMMITRY_DATA_DIR": str(folder), "SUMMITRY_SECRET_KEY": f"key-{port}" * 8}
            demos.append(
                subprocess.Popen(
                    [sys.executable, "-m", "summitry.cli", "demo"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
            environments[port] = env
        for demo in demos:
            assert demo.wait(timeout=300) == 0, demo.communicate()[1]
        for port, folder in folders.items():
            env = environments[port]
            log = (folder / "serve.out").open("w")
            stack.callback(log.close)
            serve = subprocess.Popen(
                [sys.executable, "-m", "summitry.cli", "serve", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
            processes[port] = serve

            def stop(serve: subprocess.Popen[str] = serve, folder: Path = folder) -> None:
                if serve.poll() is None:
                    serve.send_signal(signal.SIGTERM)
                    try:
                        serve.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        serve.kill()
                for pid in janus_pids(folder):
                    os.kill(pid, signal.SIGKILL)

            stack.callback(stop)

        deadline = time.monotonic() + 120
        januses = set()
        for port, serve in processes.items():
            wait_until_serving(serve, port, deadline)
            calendar = fetch(
                f"http://127.0.0.1:{port}/calendar.ics?from=2020-01-01&to=2021-12-31"
            ).replace("\r\n ", "")
            links = [line for line in calendar.splitlines() if line.startswith("URL:")]
            assert links, "the demo has public engagements"
            assert all(link.startswith(f"URL:http://127.0.0.1:{port}/") for link in links), links
            api = janus_url(folders[port] / "serve.out", deadline)
            assert server_info(api)["janus"] == "server_info"
            assert janus_pids(folders[port]), f"the Janus of {port} is not running"
            januses.add(api)
        assert len(januses) == 2, januses
        for serve in processes.values():
            assert serve.poll() is None, "an instance stopped"
