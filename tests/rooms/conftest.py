"""Fixtures that run the real Janus (Debian's ``janus``) for the rooms tests.

Each instance gets its own configuration folder under pytest's tmp dir,
free loopback ports and fresh secrets. Nothing here needs Django.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from summitry.rooms.janus.client import JanusAdmin
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.janus.process import JanusProcess, ensure_loopback_media_interface
from tests.rooms.helpers import make_config


@pytest.fixture(scope="session")
def janus_installed() -> None:
    if shutil.which("janus") is None and not Path("/usr/bin/janus").exists():
        pytest.fail("Janus is not installed: apt-get install janus (Debian 12 ships 1.1.x)")


@pytest.fixture(scope="session")
def start_janus(
    janus_installed: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., JanusProcess]]:
    """Factory: start a Janus instance, stopped at the end of the session."""
    with ExitStack() as stack:

        def start(name: str, **overrides: object) -> JanusProcess:
            folder = tmp_path_factory.mktemp(f"janus-{name}")
            process = JanusProcess(make_config(name, **overrides), folder)
            process.start()
            stack.callback(process.stop)
            return process

        yield start


@pytest.fixture(scope="session")
def media_address() -> str:
    """The 127/8 address Janus and the test peers exchange media on."""
    try:
        return ensure_loopback_media_interface()
    except OSError as exc:
        if os.geteuid() != 0:
            pytest.skip(f"media tests need root once to create the media interface: {exc}")
        raise


@pytest.fixture(scope="session")
def janus(start_janus: Callable[..., JanusProcess]) -> JanusProcess:
    """The Janus instance shared by the tests of the session."""
    return start_janus("main")


@pytest.fixture(scope="session")
def endpoint(janus: JanusProcess) -> JanusEndpoint:
    return janus.config.endpoint()


@pytest.fixture(scope="session")
def admin(endpoint: JanusEndpoint) -> JanusAdmin:
    return endpoint.admin()


@pytest.fixture
def new_token(admin: JanusAdmin) -> Iterator[Callable[..., str]]:
    """Factory of stored tokens (Admin API), removed after the test."""
    made: list[str] = []

    def make(
        plugins: tuple[str, ...] = ("janus.plugin.videoroom", "janus.plugin.audiobridge"),
    ) -> str:
        token = secrets.token_urlsafe(16)
        admin.add_token(token, plugins)
        made.append(token)
        return token

    yield make
    stored = {t.token for t in admin.list_tokens()}
    for token in made:
        if token in stored:
            admin.remove_token(token)


@pytest.fixture
def rooms_on_janus(endpoint: JanusEndpoint, settings: object) -> JanusEndpoint:
    """Rooms opened by the services go to the session's Janus instance."""
    import dataclasses

    settings.SUMMITRY_JANUS_INSTANCES = [dataclasses.asdict(endpoint)]  # type: ignore[attr-defined]
    return endpoint
