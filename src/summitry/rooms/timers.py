"""What a worker runs on a clock for the rooms its pages are in: the speaker's time running
out (a timer per room) and the check that Janus forwards only the audio allowed."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from summitry.rooms.actions import floor
from summitry.rooms.actions.sweep import enforce_floor

logger = logging.getLogger(__name__)


def enforce_interval() -> float:
    """Seconds between checks that Janus forwards only the audio allowed."""
    return float(getattr(settings, "SUMMITRY_ROOMS_ENFORCE_INTERVAL", 3.0))


_timers: dict[int, tuple[dt.datetime, asyncio.Task[None]]] = {}
_enforcers: dict[int, asyncio.Task[None]] = {}
_local: dict[int, int] = {}  # room id -> participant pages in this worker
_floor_seen: dict[int, int] = {}  # room id -> newest floor delta whose timer was set


def schedule_timer(room_id: int, ended: bool, ends_at: dt.datetime | None) -> None:
    """Check the speaker's time when it runs out (every worker may; it is idempotent)."""
    _schedule_timer_at(room_id, None if ended else ends_at)


def floor_timer(room_id: int, version: int, text: str) -> None:
    """A floor delta builds no snapshot: read its ``ends_at`` (once per version and worker)."""
    if _floor_seen.get(room_id, 0) >= version:
        return
    _floor_seen[room_id] = version
    ends_at = json.loads(text).get("floor", {}).get("ends_at")
    _schedule_timer_at(room_id, dt.datetime.fromisoformat(ends_at) if ends_at else None)


def _schedule_timer_at(room_id: int, ends_at: dt.datetime | None) -> None:
    current = _timers.get(room_id)
    if current is not None and current[0] == ends_at:
        return
    if current is not None:
        current[1].cancel()
        _timers.pop(room_id, None)
    if ends_at is None:
        return

    async def wait_and_check() -> None:
        delay = (ends_at - timezone.now()).total_seconds() + 0.05
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            await database_sync_to_async(floor.expire_floor_if_due)(room_id)
        except Exception:
            logger.exception("floor timer of room %s failed", room_id)
        finally:
            if _timers.get(room_id, (None, None))[1] is asyncio.current_task():
                _timers.pop(room_id, None)

    _timers[room_id] = (ends_at, asyncio.get_running_loop().create_task(wait_and_check()))


def page_opened(room_id: int) -> None:
    """A participant's page of the room is open here: enforce its floor while any is."""
    _local[room_id] = _local.get(room_id, 0) + 1
    if room_id in _enforcers:
        return

    async def loop() -> None:
        while _local.get(room_id, 0) > 0:
            await asyncio.sleep(enforce_interval())
            try:
                # Off the shared sync thread: the sweep waits on Janus, page views must not.
                await database_sync_to_async(enforce_floor, thread_sensitive=False)(room_id)
            except Exception:
                logger.exception("enforcing the floor of room %s failed", room_id)
        _enforcers.pop(room_id, None)

    _enforcers[room_id] = asyncio.get_running_loop().create_task(loop())


def page_closed(room_id: int) -> None:
    _local[room_id] = max(0, _local.get(room_id, 0) - 1)
