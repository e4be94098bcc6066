from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.fixtures import Settings

from summitry.rooms.janus.control import JanusEndpoint
from tests.e2e.asgi_server import serve_asgi
from tests.e2e.rooms_helpers import ServeRooms
from tests.rooms.conftest import (  # noqa: F401 - fixtures of the real Janus, for the room tests
    endpoint,
    janus,
    janus_installed,
    media_address,
    start_janus,
)

CHROMIUM = os.environ.get("SUMMITRY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    # Screen sharing: the picker chooses the whole (virtual) screen by itself.
    "--auto-select-desktop-capture-source=Entire screen",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# A deadline for what a page must come to show, not a pause: a loaded machine may take longer
# than Playwright's default 5 s to draw a change that comes through Janus and WebSockets.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module", autouse=True)
def allow_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an event loop in the test thread while the module runs; the ORM
    # calls of the tests and their database teardown are still synchronous, so Django's async
    # guard does not apply to them.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


# Per module: Playwright's event loop must be gone before tests that run their own loop.
@pytest.fixture(scope="module")
def browser(allow_orm_beside_playwright: None) -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}; `make test` installs Debian's chromium.")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="Europe/Paris"
    )
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def serve_rooms(
    media_address: str,  # noqa: F811 - Chromium must find the 127.42.0.1 interface
    settings: Settings,
) -> ServeRooms:
    """Summitry over ASGI (WebSockets included), placing rooms on the given Janus."""

    @contextmanager
    def serve(on: JanusEndpoint) -> Iterator[str]:
        settings.SUMMITRY_JANUS_INSTANCES = [dataclasses.asdict(on)]
        settings.SUMMITRY_ROOMS_ENFORCE_INTERVAL = 1.0
        with serve_asgi() as url:
            yield url

    return serve


@pytest.fixture
def server(endpoint: JanusEndpoint, serve_rooms: ServeRooms) -> Iterator[str]:  # noqa: F811
    """Summitry over ASGI, placing rooms on the session's Janus."""
    with serve_rooms(endpoint) as url:
        yield url


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """A new page in its own browser context (own cookies, own fake devices)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            viewport={"width": 1280, "height": 860}, timezone_id="Europe/Paris"
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
