"""A worker's side of the fan-out: one subscription per room, and the room's state built once.

Broadcasting is cheap on purpose: a change sends one tiny message to the room's group
(:mod:`summitry.rooms.broadcast`). A floor change (or a run of joins) carries its delta's text,
serialised once, which every page is sent as it is when it holds the version before it.
Otherwise, in each worker the first page to need a new version builds the state once (a few
queries, :func:`state.state_parts`) and serialises the shared part once; every page is then
sent that text plus its own precomputed part. No per-page query on a broadcast.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from summitry.rooms import broadcast, state, timers
from summitry.rooms.models import Invitation

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


@dataclass
class Snapshot:
    version: int
    ended: bool
    #: ``{"type":"state", <public fields>,`` (to be followed by the private part and ``}``).
    head: str
    private: dict[int, str]
    press: str
    floor_ends_at: dt.datetime | None
    #: Invitations whose link stopped working (expired): their pages are closed with this
    #: (lazy: each page reads it in its own language).
    closed: dict[int, _StrOrPromise]
    #: Invitations in the lobby or the room: their joins change only presence.
    arrived: frozenset[int]


_snapshots: dict[int, Snapshot] = {}
_building: dict[int, asyncio.Future[Snapshot]] = {}


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _build(room_id: int) -> Snapshot:
    parts = state.state_parts(room_id)
    head = '{"type":"state",' + _dumps(parts.public)[1:-1] + ","
    private = {
        pk: '"you":' + _dumps(own["you"]) + ',"janus":' + _dumps(own["janus"])
        for pk, own in parts.private.items()
    }
    press = '"you":' + _dumps(state.PRESS_YOU) + ',"janus":' + _dumps(parts.press_janus)
    arrived = frozenset(pk for pk, own in parts.private.items() if own["you"]["state"] in _ARRIVED)
    return Snapshot(
        parts.version,
        parts.ended,
        head,
        private,
        press,
        parts.floor_ends_at,
        parts.closed,
        arrived,
    )


_ARRIVED = (Invitation.State.WAITING, Invitation.State.ADMITTED)


async def snapshot(room_id: int, at_least: int = 0) -> Snapshot:
    """The room's state at version ``at_least`` or newer, built once per worker."""
    while True:
        cached = _snapshots.get(room_id)
        if cached is not None and cached.version >= at_least:
            return cached
        pending = _building.get(room_id)
        if pending is None:
            pending = asyncio.get_running_loop().create_future()
            _building[room_id] = pending
            try:
                built: Snapshot = await database_sync_to_async(_build)(room_id)
            except BaseException as exc:
                pending.set_exception(exc)
                pending.exception()  # consumed here; waiters get it too
                raise
            finally:
                _building.pop(room_id, None)
            if cached is None or built.version >= cached.version:
                _snapshots[room_id] = built
                timers.schedule_timer(room_id, built.ended, built.floor_ends_at)
            pending.set_result(built)
            if built.version >= at_least:
                return built
        else:
            built = await pending
            if built.version >= at_least:
                return built


def forget_newer(room_id: int, version: int) -> None:
    """Drop a cached state newer than the room's version: left by a deleted room with that id."""
    cached = _snapshots.get(room_id)
    if cached is not None and cached.version > version:
        _snapshots.pop(room_id, None)


class Member(Protocol):
    """A page subscribed to its room's events in this worker."""

    room_id: int
    invitation: Invitation | None

    def room_changed_here(self, event: dict[str, Any]) -> None: ...

    def chat_here(self, event: dict[str, Any]) -> None: ...

    def page_here(self, event: dict[str, Any]) -> None: ...


#: How many of a room's recent events a worker keeps for pages that join: a page may start from
#: the cached state and these instead of a state built for it (joins then cost no build each).
HEARD = 64


@dataclass
class _Relay:
    channel: str
    task: asyncio.Task[None] | None
    members: set[Member]
    #: Recent ``room.changed`` events, oldest first.
    heard: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=HEARD))
    #: Every event of a version above this reached (or will reach) ``heard``.
    complete_from: float = math.inf


# One channel-layer subscription per room per worker; the worker hands each event to its own
# pages in memory. A subscription per page costs the layer O(pages) work per message each
# (expiry scans, copies, a database hop per dispatch): O(N²) per broadcast.
_relays: dict[int, _Relay] = {}


def held_here() -> list[int]:
    """The invitations this worker holds an open socket of."""
    return sorted({m.invitation.pk for r in _relays.values() for m in r.members if m.invitation})


async def subscribe(member: Member) -> None:
    relay = _relays.get(member.room_id)
    if relay is None:
        layer = get_channel_layer()
        relay = _relays[member.room_id] = _Relay(await layer.new_channel(), None, set())
        relay.task = asyncio.get_running_loop().create_task(_relay(layer, member.room_id, relay))
        await layer.group_add(broadcast.room_group(member.room_id), relay.channel)
        # A change committed after this read is sent after the group_add: it is heard.
        version = await database_sync_to_async(broadcast.current_version)(member.room_id)
        relay.complete_from = min(relay.complete_from, version)
    relay.members.add(member)


async def unsubscribe(member: Member) -> None:
    relay = _relays.get(member.room_id)
    if relay is None:
        return
    relay.members.discard(member)
    if not relay.members:
        _relays.pop(member.room_id, None)
        if relay.task is not None:
            relay.task.cancel()
        await get_channel_layer().group_discard(broadcast.room_group(member.room_id), relay.channel)


def start_for(room_id: int, version: int, invitation_id: int | None) -> Snapshot | None:
    """A cached state a page that joined at ``version`` may start from, followed by
    :func:`heard_since`: the worker heard every change since it and each was a delta
    (presence or floor), which changes no page's own part. ``None``: build one."""
    cached = _snapshots.get(room_id)
    if cached is None or cached.ended:
        return None
    if cached.version >= version:
        return cached
    relay = _relays.get(room_id)
    if relay is None or cached.version < relay.complete_from:
        return None
    if invitation_id is not None and invitation_id not in cached.arrived:
        return None
    since = [e for e in relay.heard if int(e.get("version", 0)) > cached.version]
    if any(e.get("text") is None for e in since):
        return None
    return cached


def heard_since(room_id: int, version: int) -> list[dict[str, Any]] | None:
    """The events after ``version`` this worker heard, oldest first; ``None`` when it no longer
    holds them all (a full state is then due)."""
    relay = _relays.get(room_id)
    if relay is None or version < relay.complete_from:
        return None
    return [e for e in relay.heard if int(e.get("version", 0)) > version]


async def _relay(layer: Any, room_id: int, relay: _Relay) -> None:
    while True:
        event = await layer.receive(relay.channel)
        if event.get("type") == "room.chat":
            for member in list(relay.members):
                member.chat_here(event)
            continue
        if event.get("type") == "room.page":
            for member in list(relay.members):
                member.page_here(event)
            continue
        if event.get("type") != "room.changed":
            continue
        version = int(event.get("version", 0))
        if len(relay.heard) == relay.heard.maxlen:
            dropped = int(relay.heard[0].get("version", 0))
            relay.complete_from = max(relay.complete_from, dropped)
        relay.heard.append(event)
        text = event.get("text")
        if text is not None and event.get("scope") == "floor":
            timers.floor_timer(room_id, version, text)
        for member in list(relay.members):
            member.room_changed_here(event)
