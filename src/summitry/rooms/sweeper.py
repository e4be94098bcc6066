"""Each worker's sweep: what fell due, whichever worker set the timer or held the socket.

It renews the ``seen_at`` of the sockets this worker holds, then applies (idempotently) expired
links, floors whose time is up and people no worker has seen. It runs from the worker's start
(ASGI lifespan) or its first socket, for as long as the worker runs.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from summitry.rooms import relay
from summitry.rooms.actions.sweep import (
    cut_off_all_expired,
    expire_due_floors,
    left_when_unseen,
    renew_presence,
)

logger = logging.getLogger(__name__)


def rejoin_grace() -> float:
    """Seconds a dropped page has to come back before 'left' is recorded."""
    return float(getattr(settings, "SUMMITRY_ROOMS_REJOIN_GRACE", 15.0))


def sweep_interval() -> float:
    """Seconds between a worker's sweeps: floors whose time is up, people gone with a worker."""
    return float(getattr(settings, "SUMMITRY_ROOMS_SWEEP_INTERVAL", 2.0))


def unseen_limit() -> float:
    """Seconds without a sign of a socket before the sweep records 'left': the grace period,
    plus two sweeps (an open socket's ``seen_at`` is renewed once per sweep)."""
    return rejoin_grace() + 2 * sweep_interval()


def sweep(held: list[int]) -> None:
    """Renew this worker's sockets, then apply what fell due anywhere (idempotent): expired
    links, floors whose time is up, people no worker has seen."""
    renew_presence(held)
    cut_off_all_expired()
    expire_due_floors()
    left_when_unseen(unseen_limit())


_sweeper: asyncio.Task[None] | None = None


def start_sweeper() -> None:
    """One sweep loop per worker, for as long as it runs (started at startup or first socket)."""
    global _sweeper
    if _sweeper is not None and not _sweeper.done():
        return

    async def loop() -> None:
        while True:
            await asyncio.sleep(sweep_interval())
            try:
                await database_sync_to_async(sweep, thread_sensitive=False)(relay.held_here())
            except Exception:
                logger.exception("the rooms sweep failed")

    _sweeper = asyncio.get_running_loop().create_task(loop())


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """ASGI lifespan: a worker sweeps from its start, not only once a page connects to it."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            start_sweeper()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if _sweeper is not None:
                _sweeper.cancel()
            await send({"type": "lifespan.shutdown.complete"})
            return
