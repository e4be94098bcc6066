"""The fan-out: after a change commits, every page of the room (on every worker) hears of it.

A change bumps the room's version (:func:`changed`); once committed, the room's channel-layer
group is told. Floor changes carry their delta's text, serialised once; full and presence
changes are gathered for about 50 ms per room and worker.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import F

from summitry.rooms.models import Invitation, Room
from summitry.rooms.state import compact, floor_message

logger = logging.getLogger(__name__)


def room_group(room_id: int) -> str:
    return f"room-{room_id}"


def to_pages(room_id: int, event: dict[str, Any]) -> None:
    """An event for some of the room's pages (each worker's relay picks them): a chat line, or
    a person's page opened elsewhere. Sent after the commit that it reports."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(room_group(room_id), event)
    except Exception:  # a broken channel layer must not undo what was committed
        logger.exception("could not send %s to room %s", event.get("type"), room_id)


def current_version(room_id: int) -> int:
    return Room.objects.filter(pk=room_id).values_list("version", flat=True).first() or 0


Scope = Literal["full", "floor", "presence"]


def broadcast_delay() -> float:
    """Seconds a worker gathers full and presence changes before broadcasting them (not floor)."""
    return float(getattr(settings, "SUMMITRY_ROOMS_BROADCAST_DELAY", 0.05))


def notify(
    room_id: int, version: int | None = None, scope: Scope = "full", change: Any = None
) -> None:
    """Tell every client of the room (every worker) that version ``version`` is there.

    ``scope`` says what changed: ``"floor"`` (``change`` is the ``floor`` message's text),
    ``"presence"`` (``change`` is ``(invitation id, online)``) or anything (``"full"``).
    """
    layer = get_channel_layer()
    if layer is None:
        return
    if version is None:
        version = current_version(room_id)
    # Called from a server worker's thread: its loop lives on, so a batch may wait there.
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    try:
        if loop is not None and scope != "floor" and broadcast_delay() > 0:
            # Handed over without waiting: the database thread goes on to the next join (the
            # loop runs callbacks in order, so a later floor change still flushes this first).
            loop.call_soon_threadsafe(_gather, layer, room_id, version, scope, change)
            return
        async_to_sync(_publish)(layer, room_id, version, scope, change)
    except Exception:  # a broken channel layer must not undo a committed write
        logger.exception("could not notify room %s", room_id)


@dataclass
class _Batch:
    """Full and presence changes of one room waiting in this worker."""

    loop: asyncio.AbstractEventLoop
    full: int = 0
    presence: list[tuple[int, int, bool]] = field(default_factory=list)
    changes: int = 0


_batches: dict[int, _Batch] = {}
_flushes: set[asyncio.Task[None]] = set()


#: room id -> (when its last batch went, how many changes it held)
_last: dict[int, tuple[float, int]] = {}
#: The longest a batch waits: a join storm of a large room then costs everyone about one
#: message a second instead of one each 50 ms (O(pages) sends each).
LONGEST_BATCH = 1.0


def _window(room_id: int, loop: asyncio.AbstractEventLoop) -> float:
    """How long a new batch gathers: the delay, longer while changes keep coming."""
    delay = broadcast_delay()
    went, count = _last.get(room_id, (-math.inf, 0))
    if loop.time() - went > LONGEST_BATCH:
        return delay
    return min(LONGEST_BATCH, delay * max(1, count))


def _gather(layer: Any, room_id: int, version: int, scope: Scope, change: Any) -> None:
    """Add a full or presence change to the room's batch (on the worker's loop)."""
    loop = asyncio.get_running_loop()
    batch = _batches.get(room_id)
    if batch is None or batch.loop is not loop:
        batch = _batches[room_id] = _Batch(loop)

        def start() -> None:
            task = loop.create_task(_flush(layer, room_id, batch))
            _flushes.add(task)
            task.add_done_callback(_flushes.discard)

        loop.call_later(_window(room_id, loop), start)
    batch.changes += 1
    if scope == "presence":
        batch.presence.append((version, *change))
    else:
        batch.full = max(batch.full, version)


async def _publish(layer: Any, room_id: int, version: int, scope: Scope, change: Any) -> None:
    await _flush(layer, room_id)  # what waited goes first, so clients can apply this as a delta
    event: dict[str, Any] = {"type": "room.changed", "room": room_id, "version": version}
    if scope == "floor":
        event.update(scope="floor", base=version - 1, text=change)
    await layer.group_send(room_group(room_id), event)


async def _flush(layer: Any, room_id: int, batch: _Batch | None = None) -> None:
    waiting = _batches.get(room_id)
    if waiting is None or (batch is not None and waiting is not batch):
        return
    del _batches[room_id]
    if waiting.loop is not asyncio.get_running_loop():
        return  # left by a loop that is gone (tests)
    _last[room_id] = (waiting.loop.time(), waiting.changes)
    group = room_group(room_id)
    newest = max([waiting.full] + [v for v, _, _ in waiting.presence])
    if waiting.full:
        await layer.group_send(group, {"type": "room.changed", "room": room_id, "version": newest})
        return
    for base, version, text in presence_runs(waiting.presence):
        await layer.group_send(
            group,
            {
                "type": "room.changed",
                "room": room_id,
                "version": version,
                "scope": "presence",
                "base": base,
                "text": text,
            },
        )


def presence_runs(changes: list[tuple[int, int, bool]]) -> list[tuple[int, int, str]]:
    """``(base, version, presence message)`` for each run of consecutive versions.

    Only a run of consecutive versions holds nothing but presence (another worker's change
    would have taken a version in between); its final ``online`` of each person, applied to
    any state from ``base`` to ``version - 1``, gives the state at ``version``.
    """
    ordered = sorted(changes)
    runs: list[tuple[int, int, str]] = []
    start = 0
    for end in range(1, len(ordered) + 1):
        if end < len(ordered) and ordered[end][0] == ordered[end - 1][0] + 1:
            continue
        run = ordered[start:end]
        final = {pk: online for _, pk, online in run}
        base, version = run[0][0] - 1, run[-1][0]
        message = {
            "type": "presence",
            "version": version,
            "base": base,
            "online": sorted(pk for pk, online in final.items() if online),
            "offline": sorted(pk for pk, online in final.items() if not online),
        }
        runs.append((base, version, compact(message)))
        start = end
    return runs


def changed(
    room: Room,
    after: Callable[[], None] | None = None,
    scope: Scope = "full",
    who: Invitation | None = None,
) -> None:
    """Bump the version; once committed, broadcast, then run ``after`` (Janus work).

    ``scope="floor"``: only the floor, the speakers' list or mutes changed; the delta is read
    here, in the same transaction, so it is exactly this version's. ``"presence"``: only
    ``who``'s ``online`` changed.
    """
    Room.objects.filter(pk=room.pk).update(version=F("version") + 1)
    room_id = room.pk
    version = current_version(room_id)
    change: Any = None
    if scope == "floor":
        change = floor_message(room_id, version)
    elif scope == "presence" and who is not None:
        change = (who.pk, bool(who.online))
    else:
        scope = "full"
    transaction.on_commit(lambda: notify(room_id, version, scope, change))
    if after is not None:
        transaction.on_commit(after)
