"""Several workers, as an instance that outgrew one runs them: two uvicorn processes on one
PostgreSQL database and one Redis (channel layer and cache). A page on one worker sees what a
page on the other did; a worker killed mid-meeting loses nothing the room depends on."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from summitry.accounts.models import User
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.models import Invitation, RoomEvent
from tests import factories
from tests.rooms.helpers import free_ports
from tests.rooms.rooms_factories import open_room
from tests.rooms.sockets import applied
from tests.rooms.worker_settings import SUMMITRY_ROOMS_REJOIN_GRACE as GRACE

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.scale,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]

Json = dict[str, Any]

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture(scope="module")
def shared_backends(django_db_setup: None) -> str:
    """The test database's URL, when the run has PostgreSQL and Redis to share."""
    if not os.environ.get("SUMMITRY_REDIS_URL"):
        pytest.skip("several workers need Redis: run under scripts/with-redis.sh (make test does)")
    if connection.vendor != "postgresql":
        pytest.skip("several workers need PostgreSQL: run under scripts/with-postgres.sh")
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def http_opener() -> urllib.request.OpenerDirector:
    """Straight to loopback (no proxy from the environment), keeping cookies."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
    )


class Worker:
    """One uvicorn process serving ``summitry.asgi:application`` (with its lifespan)."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name, self.env, self.log = name, env, log_dir / f"worker-{name}.log"
        self.port = free_ports(1)[0]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "summitry.asgi:application"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--lifespan", "auto"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--log-level", "warning"], env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 90
        while True:
            try:
                with http_opener().open(f"{self.url}/calendar.ics", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        f"worker {self.name} did not start:\n{self.log.read_text()}"
                    ) from None
                time.sleep(0.2)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """As a crash or an OOM kill would: no shutdown, no socket closed cleanly."""
        if self.process is not None and self.alive():
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def workers(
    shared_backends: str, endpoint: JanusEndpoint, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Worker, Worker]]:
    folder = tmp_path_factory.mktemp("workers")
    env = {
        **os.environ,
        "DATABASE_URL": shared_backends,
        "DJANGO_SETTINGS_MODULE": "tests.rooms.worker_settings",
        "SUMMITRY_DATA_DIR": str(folder),
        "SUMMITRY_JANUS_INSTANCES": json.dumps([dataclasses.asdict(endpoint)]),
    }
    pair = Worker("a", env, folder), Worker("b", env, folder)
    try:
        for worker in pair:
            worker.start()
        yield pair
    finally:
        for worker in pair:
            worker.stop()


@pytest.fixture
def a_and_b(workers: tuple[Worker, Worker]) -> tuple[Worker, Worker]:
    """Both workers running (one a test killed is started again)."""
    for worker in workers:
        if not worker.alive():
            worker.start()
    return workers


class Page:
    """A room page's socket, holding the state as room.js does (full states and deltas)."""

    def __init__(self, socket: ClientConnection, state: Json) -> None:
        self.socket, self.state = socket, state

    @classmethod
    async def open(cls, worker: Worker, token: str) -> Page:
        socket = await connect(
            f"ws://127.0.0.1:{worker.port}/ws/rooms/{token}/", origin=Origin(worker.url), proxy=None
        )
        page = cls(socket, {"version": 0})
        await page.until(lambda s: s["version"] > 0)
        return page

    async def send(self, message: Json) -> None:
        await self.socket.send(json.dumps(message))

    def apply(self, message: Json) -> None:
        if message["type"] == "error":
            raise AssertionError(f"the room refused: {message['message']}")
        self.state = applied(self.state, message)

    async def until(self, match: Callable[[Json], bool], timeout: float = 20.0) -> Json:
        async def wait() -> Json:
            while not match(self.state):
                self.apply(json.loads(await self.socket.recv()))
            return self.state

        return await asyncio.wait_for(wait(), timeout)


def online(state: Json, invitation: Invitation) -> bool:
    return bool({p["id"]: p["online"] for p in state["participants"]}.get(invitation.pk))


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.1)


def test_floor_given_on_one_worker_reaches_a_page_on_the_other(
    a_and_b: tuple[Worker, Worker],
) -> None:
    worker_a, worker_b = a_and_b
    _, invs = open_room()
    b = invs["b"][0]

    async def scenario() -> None:
        chair = await Page.open(worker_a, invs["chair"][1])
        page_b = await Page.open(worker_b, invs["b"][1])
        await chair.send({"type": "admit_all"})
        await page_b.until(lambda s: s["you"]["state"] == "admitted")
        await chair.until(lambda s: online(s, b))
        await chair.send({"type": "give_floor", "participant": b.pk})
        state = await page_b.until(lambda s: s["floor"]["speaker"] == b.pk)
        assert not state["you"]["muted"]
        # Quiet for longer than a Redis read may take by default (5 s): the workers' room
        # subscriptions must outlast it, or the next change never reaches the pages.
        await asyncio.sleep(6)
        await chair.send({"type": "mute", "participant": b.pk})
        await page_b.until(lambda s: s["you"]["muted"])
        for page in (chair, page_b):
            await page.socket.close()

    asyncio.run(scenario())


def test_floor_time_and_grace_outlive_a_killed_worker(a_and_b: tuple[Worker, Worker]) -> None:
    worker_a, worker_b = a_and_b
    room, invs = open_room(speaking_limit_seconds=3)
    chair, a = invs["chair"][0], invs["a"][0]

    def kinds_for(invitation: Invitation) -> list[str]:
        return list(
            RoomEvent.objects.filter(room=room, subject=invitation)
            .order_by("at", "id")
            .values_list("kind", flat=True)
        )

    killed: list[dt.datetime] = []

    async def on_worker_a() -> None:
        chair_page = await Page.open(worker_a, invs["chair"][1])
        a_page = await Page.open(worker_a, invs["a"][1])
        await chair_page.send({"type": "admit_all"})
        await chair_page.until(lambda s: online(s, a))
        await chair_page.send({"type": "give_floor", "participant": a.pk})
        await chair_page.until(lambda s: s["floor"]["speaker"] == a.pk)
        # Worker A scheduled the timer and holds both sockets: it dies without closing them.
        killed.append(timezone.now())
        worker_a.kill()
        killed.append(timezone.now())
        for page in (chair_page, a_page):
            await page.socket.close()

    asyncio.run(on_worker_a())
    before_kill, after_kill = killed

    # No page is open on a live worker: worker B's sweep alone records the time running out.
    wait_for(lambda: "time_expired" in kinds_for(a), "the speaker's time is up", timeout=20)
    expired = RoomEvent.objects.get(room=room, kind=RoomEvent.Kind.TIME_EXPIRED)
    assert expired.at >= before_kill, "the killed worker's own timer fired: the floor was too short"

    async def on_worker_b() -> None:
        # The chair comes back (on the other worker) within the grace period; A does not.
        chair_page = await Page.open(worker_b, invs["chair"][1])
        assert chair_page.state["floor"]["expired"]
        state = await chair_page.until(lambda s: not online(s, a), timeout=GRACE + 20)
        assert online(state, chair)
        await chair_page.socket.close()

    asyncio.run(on_worker_b())
    assert kinds_for(a).count("left") == 1
    left = RoomEvent.objects.get(room=room, subject=a, kind=RoomEvent.Kind.LEFT)
    assert left.at <= after_kill, "left is dated when the socket was last known open"
    assert "left" not in kinds_for(chair), "the chair came back within the grace period"
    assert kinds_for(chair).count("joined") == 1


def sign_in(worker: Worker, opener: urllib.request.OpenerDirector, password: str) -> str:
    """Post the sign-in form; ``"signed in"``, ``"refused"`` or ``"locked"``.

    Both workers are addressed by one site name, as behind the proxy that spreads the load.
    """
    site = {"Host": "localhost"}
    login_page = urllib.request.Request(f"{worker.url}/accounts/login/", headers=site)  # noqa: S310
    with opener.open(login_page, timeout=20) as response:
        page = response.read().decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "the sign-in page has no CSRF field"
    form = {"csrfmiddlewaretoken": found[1], "login": "limited-editor", "password": password}
    request = urllib.request.Request(  # noqa: S310 - a worker on loopback
        f"{worker.url}/accounts/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={**site, "Referer": "http://localhost/accounts/login/"},
    )
    try:
        with opener.open(request, timeout=20) as response:
            body = response.read().decode()
            if response.geturl().rstrip("/").endswith("/accounts/login"):
                return "locked" if "Too many" in body else "refused"
            return "signed in"
    except urllib.error.HTTPError as error:
        if error.code == 429:
            return "locked"
        raise


def test_failed_sign_ins_on_one_worker_count_on_the_other(
    a_and_b: tuple[Worker, Worker],
) -> None:
    if settings.CACHES["default"]["BACKEND"] != REDIS_CACHE:
        pytest.skip("sign-in limits are shared once CACHES uses Redis with SUMMITRY_REDIS_URL")
    worker_a, worker_b = a_and_b
    factories.user(User.Role.EDITOR, username="limited-editor")
    assert sign_in(worker_b, http_opener(), "pw-for-tests-1") == "signed in"
    attacker = http_opener()
    for _ in range(50):
        if sign_in(worker_a, attacker, "not the password") == "locked":
            break
    else:
        raise AssertionError("fifty wrong passwords on worker A and no limit")
    # The limit is held in the cache both workers share, not in worker A's memory.
    assert sign_in(worker_b, http_opener(), "pw-for-tests-1") == "locked"
