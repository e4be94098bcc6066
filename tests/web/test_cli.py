"""The console command as an operator meets it: pipes, the secret key, refusals."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.rooms.test_serve import janus_pids

pytestmark = pytest.mark.integration


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """A production-like environment of its own: own data folder, no key, no debug."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SUMMITRY_SECRET_KEY", "SUMMITRY_DEBUG")
        and not k.startswith("PYTEST")
    }
    return {**env, "SUMMITRY_DATA_DIR": str(data_dir), **extra}


def summitry(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summitry.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_export_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    env = environment(tmp_path)
    assert summitry("migrate", env=env).returncode == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line, as `| head -0` would be
    try:
        result = subprocess.run(
            [sys.executable, "-m", "summitry.cli", "export", "--format", "csv"],
            env=env,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == 141  # 128 + SIGPIPE, as `yes | head` reports


def test_serve_refuses_the_default_secret_key(tmp_path: Path) -> None:
    try:
        result = summitry("serve", "--port", "1", env=environment(tmp_path))
    finally:  # a server that did not refuse started its Janus: stop it
        for pid in janus_pids(tmp_path):
            os.kill(pid, signal.SIGKILL)
    assert result.returncode == 2
    assert "refusing the public development secret key" in result.stderr
    assert "SUMMITRY_SECRET_KEY" in result.stderr and "summitry secret-key" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "summitry.sqlite3").exists(), "it went on to migrate"


def test_secret_key_is_made_once_private_and_used(tmp_path: Path) -> None:
    env = environment(tmp_path)
    made = summitry("secret-key", env=env)
    assert made.returncode == 0, made.stderr
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert summitry("secret-key", env=env).returncode == 0
    assert key_file.read_text().strip() == key, "a second run replaced the key"

    show = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'summitry.settings'; "
        "django.setup(); from django.conf import settings; "
        "from summitry.rooms.instances import events_password; "
        "print(settings.SECRET_KEY); print(events_password())"
    )
    seen = subprocess.run(
        [sys.executable, "-c", show], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    default = subprocess.run(
        [sys.executable, "-c", show],
        env=environment(tmp_path / "elsewhere"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert seen[0] == key
    # The Janus events password follows the key: no longer derivable from the public default.
    assert seen[1] != default[1]
