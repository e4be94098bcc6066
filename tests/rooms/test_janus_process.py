"""Starting, stopping and supervising a real Janus."""

from __future__ import annotations

import os
import secrets
import signal
import threading
from pathlib import Path

import pytest

from summitry.rooms.janus.client import VIDEOROOM, JanusSession, JanusUnreachable, server_info
from summitry.rooms.janus.process import JanusProcess, JanusStartError, JanusSupervisor
from tests.rooms.helpers import make_config

pytestmark = [pytest.mark.integration, pytest.mark.janus]


def test_start_writes_its_own_folder_and_stop_frees_the_ports(
    janus_installed: None, tmp_path: Path
) -> None:
    process = JanusProcess(make_config("lifecycle"), tmp_path / "lifecycle")
    with process:
        assert process.is_running()
        assert (tmp_path / "lifecycle" / "janus.jcfg").exists()
        info = server_info(process.api_url)
        assert info["log-path"] == str(process.log_path)
        assert process.admin().ping()
    assert not process.is_running()
    with pytest.raises(JanusUnreachable):
        server_info(process.api_url, timeout=1)


def test_busy_port_is_reported_before_starting(
    janus_installed: None, tmp_path: Path, janus: JanusProcess
) -> None:
    clash = make_config("clash", http_port=janus.config.http_port)
    with pytest.raises(JanusStartError, match=f"HTTP port {janus.config.http_port} already in use"):
        JanusProcess(clash, tmp_path).start()


def test_supervisor_restarts_a_killed_janus(janus_installed: None, tmp_path: Path) -> None:
    process = JanusProcess(make_config("supervised"), tmp_path / "supervised")
    token = secrets.token_urlsafe(16)
    restored: list[int | None] = []
    restored_event = threading.Event()

    def restore(restarted: JanusProcess) -> None:
        # Stored tokens live in Janus's memory: a restart loses them.
        restarted.admin().add_token(token, [VIDEOROOM])
        restored.append(restarted.pid)
        restored_event.set()

    # A check answered within 2 s is healthy: a loaded machine must not look like a hang.
    supervisor = JanusSupervisor(
        process, interval=0.2, unhealthy_after=3, check_timeout=2.0, on_restart=restore
    )
    with supervisor:
        process.admin().add_token(token, [VIDEOROOM])
        JanusSession.create(process.api_url, token=token).destroy()
        first_pid = process.pid

        process.kill()  # as a crash would
        assert supervisor.wait_for_restart(0, timeout=30), process.log_tail()
        assert restored == [process.pid]
        assert process.pid != first_pid
        session = JanusSession.create(process.api_url, token=token)
        session.attach(VIDEOROOM)
        session.destroy()

        # A Janus that hangs (stopped, not dead) is replaced too.
        hung_pid = process.pid
        assert hung_pid is not None
        os.kill(hung_pid, signal.SIGSTOP)
        assert supervisor.wait_for_restart(1, timeout=40), process.log_tail()
        assert process.pid != hung_pid
        assert server_info(process.api_url)["server-name"] == "summitry-supervised"
    assert not process.is_running()
    with pytest.raises(ProcessLookupError):
        os.kill(hung_pid, 0)


def test_start_failure_shows_the_log(janus_installed: None, tmp_path: Path) -> None:
    # A plugins folder without plugins: Janus refuses to run.
    bogus = make_config("broken", lib_dir=tmp_path / "nowhere")
    with pytest.raises(JanusStartError, match="broken") as failed:
        JanusProcess(bogus, tmp_path / "broken", startup_timeout=10).start()
    assert "janus.out" in str(failed.value) or "janus.log" in str(failed.value)
