"""WebSockets of live rooms: one per participant page (and per press viewer).

Broadcasting is cheap on purpose: a change sends one tiny message to the
room's group. A floor change (or a run of joins) carries its delta's text,
serialised once, which every consumer sends as it is to a client holding the
version before it. Otherwise, in each worker the first consumer to need a new
version builds the state once (three queries, :func:`state.state_parts`)
and serialises the shared part once; every consumer then sends that text plus
its own precomputed part. No per-client query on a broadcast.

Each consumer keeps at most one full state to send: changes arriving while it
sends only raise the version it will ask for, so a slow client skips states.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header

from summitry.rooms import broadcast, chat, rules, screen, state
from summitry.rooms.actions import access, ending, floor, lobby
from summitry.rooms.actions.sweep import (
    cut_off_all_expired,
    cut_off_expired,
    enforce_floor,
    expire_due_floors,
    left_when_unseen,
    renew_presence,
)
from summitry.rooms.models import Invitation
from summitry.rooms.rules import LinkClosed, RoomRefusal

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

logger = logging.getLogger(__name__)

REFUSED = 4403
ENDED = 4000


def rejoin_grace() -> float:
    """Seconds a dropped page has to come back before 'left' is recorded."""
    return float(getattr(settings, "SUMMITRY_ROOMS_REJOIN_GRACE", 15.0))


def enforce_interval() -> float:
    """Seconds between checks that Janus forwards only the audio allowed."""
    return float(getattr(settings, "SUMMITRY_ROOMS_ENFORCE_INTERVAL", 3.0))


def sweep_interval() -> float:
    """Seconds between a worker's sweeps: floors whose time is up, people gone with a worker."""
    return float(getattr(settings, "SUMMITRY_ROOMS_SWEEP_INTERVAL", 2.0))


def unseen_limit() -> float:
    """Seconds without a sign of a socket before the sweep records 'left': the grace period,
    plus two sweeps (an open socket's ``seen_at`` is renewed once per sweep)."""
    return rejoin_grace() + 2 * sweep_interval()


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


_snapshots: dict[int, Snapshot] = {}
_building: dict[int, asyncio.Future[Snapshot]] = {}
_timers: dict[int, tuple[dt.datetime, asyncio.Task[None]]] = {}
_enforcers: dict[int, asyncio.Task[None]] = {}
_local: dict[int, int] = {}  # room id -> consumers in this worker


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
    return Snapshot(
        parts.version, parts.ended, head, private, press, parts.floor_ends_at, parts.closed
    )


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
                _schedule_timer(room_id, built)
            pending.set_result(built)
            if built.version >= at_least:
                return built
        else:
            built = await pending
            if built.version >= at_least:
                return built


def _schedule_timer(room_id: int, snap: Snapshot) -> None:
    """Check the speaker's time when it runs out (every worker may; it is idempotent)."""
    _schedule_timer_at(room_id, None if snap.ended else snap.floor_ends_at)


_floor_seen: dict[int, int] = {}  # room id -> newest floor delta whose timer was set


def _floor_timer(room_id: int, version: int, text: str) -> None:
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


def _start_enforcer(room_id: int) -> None:
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


# -- the sweep: what is due, whichever worker set the timer or held the socket ---------------

_sweeper: asyncio.Task[None] | None = None


def _held_here() -> list[int]:
    """The invitations this worker holds an open socket of."""
    return sorted(
        {c.invitation.pk for _, _, members in _relays.values() for c in members if c.invitation}
    )


def sweep(held: list[int]) -> None:
    """Renew this worker's sockets, then apply what fell due anywhere (idempotent): expired
    links, floors whose time is up, people no worker has seen."""
    renew_presence(held)
    cut_off_all_expired()
    expire_due_floors()
    left_when_unseen(unseen_limit())


def start_sweeper() -> None:
    """One sweep loop per worker, for as long as it runs (started at startup or first socket)."""
    global _sweeper
    if _sweeper is not None and not _sweeper.done():
        return

    async def loop() -> None:
        while True:
            await asyncio.sleep(sweep_interval())
            try:
                await database_sync_to_async(sweep, thread_sensitive=False)(_held_here())
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


def page_language(scope: dict[str, Any]) -> str:
    """The language of the page that opened the socket (its ``lang`` parameter, from the page's
    ``<html lang>``), else the handshake's cookie and ``Accept-Language``, as for pages."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    for code in query.get("lang", []):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
    }
    cookies = {}
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        cookies[name] = value
    wanted = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if wanted:
        try:
            return translation.get_supported_language_variant(wanted)
        except LookupError:
            pass
    for code, _quality in parse_accept_lang_header(headers.get("accept-language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


def _in_language(language: str, action: Callable[..., Any]) -> Callable[..., Any]:
    """``action`` run with the page's language active (its refusals are worded in it)."""

    def run(*args: Any) -> Any:
        with translation.override(language):
            return action(*args)

    return run


def _resolve(token: str) -> tuple[Invitation, int]:
    """The invitation behind the token, now in the lobby and connected; the room's version."""
    invitation = lobby.join(token)
    return invitation, broadcast.current_version(invitation.room_id)


COMMANDS: dict[str, Callable[[Invitation, dict[str, Any]], object]] = {
    "request_floor": lambda inv, msg: floor.request_floor(inv),
    "withdraw": lambda inv, msg: floor.withdraw(inv),
    "admit": lambda inv, msg: lobby.admit(inv, _named(inv, msg)),
    "admit_all": lambda inv, msg: lobby.admit_all(inv),
    "admit_in_order": lambda inv, msg: lobby.admit_in_order(inv),
    "give_floor": lambda inv, msg: floor.give_floor(inv, _named(inv, msg)),
    "next_speaker": lambda inv, msg: floor.next_speaker(inv),
    "mute": lambda inv, msg: floor.mute(inv, _named(inv, msg)),
    "unmute": lambda inv, msg: floor.unmute(inv, _named(inv, msg)),
    "remove": lambda inv, msg: lobby.remove(inv, _named(inv, msg)),
    "ban": lambda inv, msg: lobby.ban(inv, _named(inv, msg)),
    "end": lambda inv, msg: ending.end_room(inv, msg.get("held")),
    "leave": lambda inv, msg: lobby.leave(inv),
    "published": lambda inv, msg: enforce_floor(inv.room_id),
    "share_screen": lambda inv, msg: screen.start(inv),
    "stop_screen": lambda inv, msg: screen.stop(inv, msg.get("participant")),
    "allow_screen": lambda inv, msg: screen.allow(inv, msg.get("participant"), True),
    "disallow_screen": lambda inv, msg: screen.allow(inv, msg.get("participant"), False),
    "chat": lambda inv, msg: chat.post(inv, msg.get("text"), msg.get("to", chat.TO_EVERYONE)),
    "hide_chat": lambda inv, msg: chat.hide(inv, msg.get("message")),
}


def _named(inv: Invitation, message: dict[str, Any]) -> Invitation:
    return access.target_in_room(inv.room_id, message.get("participant"))


# One channel-layer subscription per room per worker; the worker hands each event to its own
# consumers in memory. A subscription per consumer costs the layer O(consumers) work per
# message each (expiry scans, copies, a database hop per dispatch): O(N²) per broadcast.
_relays: dict[int, tuple[str, asyncio.Task[None], set[RoomConsumer]]] = {}
_chat_sends: set[asyncio.Task[None]] = set()


async def _subscribe(consumer: RoomConsumer) -> None:
    relay = _relays.get(consumer.room_id)
    if relay is None:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        members: set[RoomConsumer] = set()
        task = asyncio.get_running_loop().create_task(
            _relay(layer, channel, consumer.room_id, members)
        )
        relay = _relays[consumer.room_id] = (channel, task, members)
        await layer.group_add(broadcast.room_group(consumer.room_id), channel)
    relay[2].add(consumer)


async def _unsubscribe(consumer: RoomConsumer) -> None:
    relay = _relays.get(consumer.room_id)
    if relay is None:
        return
    channel, task, members = relay
    members.discard(consumer)
    if not members:
        _relays.pop(consumer.room_id, None)
        task.cancel()
        await get_channel_layer().group_discard(broadcast.room_group(consumer.room_id), channel)


async def _relay(layer: Any, channel: str, room_id: int, members: set[RoomConsumer]) -> None:
    while True:
        event = await layer.receive(channel)
        if event.get("type") == "room.chat":
            for consumer in list(members):
                consumer.chat_here(event)
            continue
        if event.get("type") != "room.changed":
            continue
        text = event.get("text")
        if text is not None and event.get("scope") == "floor":
            _floor_timer(room_id, int(event.get("version", 0)), text)
        for consumer in list(members):
            consumer.room_changed_here(event)


class RoomConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """``/ws/rooms/<token>/``: a participant's page."""

    # Events come through the worker's relay, not a channel per consumer.
    channel_layer_alias = None

    invitation: Invitation | None = None
    room_id: int = 0
    version: int = 0
    group: str = ""
    #: The page's language: refusals and close reasons sent to it are worded in it.
    language: str = ""

    #: The newest version sent or about to be (what a delta must start from).
    known: int = 0
    #: A full state of at least this version is to be sent first (0: none).
    full_at: int = 0
    #: Deltas to send after it, in order: ``(base, version, text)``.
    outbox: list[tuple[int, int, str]]
    sender: asyncio.Task[None] | None = None
    #: Admitted as of the last state sent: only then does the chat reach this page.
    admitted: bool = False

    async def connect(self) -> None:
        self.outbox = []
        self.language = page_language(self.scope)
        token = str(self.scope["url_route"]["kwargs"].get("token", ""))
        await self.accept()
        try:
            self.invitation, version = await database_sync_to_async(
                _in_language(self.language, _resolve)
            )(token)
        except RoomRefusal as refusal:
            await self.refuse(refusal.lazy_message)
            return
        self.room_id = self.invitation.room_id
        cached = _snapshots.get(self.room_id)
        if cached is not None and cached.version > version:
            _snapshots.pop(self.room_id, None)  # left by a deleted room with the same id
        self.group = broadcast.room_group(self.room_id)
        await _subscribe(self)
        _local[self.room_id] = _local.get(self.room_id, 0) + 1
        _start_enforcer(self.room_id)
        start_sweeper()
        await self.push(await snapshot(self.room_id, version))

    async def refuse(self, reason: _StrOrPromise) -> None:
        with translation.override(self.language or None):
            message = str(reason)
        await self.send_json({"type": "error", "message": message})
        # A close reason is limited to 123 bytes.
        await self.close(code=REFUSED, reason=message.encode()[:120].decode(errors="ignore"))

    async def disconnect(self, code: int) -> None:
        self.stop_sending()
        if self.invitation is None:
            return
        invitation, self.invitation = self.invitation, None
        await _unsubscribe(self)
        _local[self.room_id] = max(0, _local.get(self.room_id, 0) - 1)
        since = timezone.now()
        await database_sync_to_async(lobby.disconnect)(invitation)
        grace = rejoin_grace()
        if grace <= 0:
            await database_sync_to_async(lobby.left_if_gone)(invitation, since)
            return

        async def later() -> None:
            await asyncio.sleep(grace)
            await database_sync_to_async(lobby.left_if_gone)(invitation, since)

        asyncio.get_running_loop().create_task(later())

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.invitation is None:
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.error(gettext_lazy("Messages need a type."))
            return
        kind = content["type"]
        if kind in ("ping", "sync"):
            await self.answer_ping(content)
            return
        command = COMMANDS.get(kind)
        if command is None:
            with translation.override(self.language or None):
                unknown = gettext("Unknown command %(command)s.") % {"command": repr(kind)}
            await self.error(unknown)
            return
        invitation = self.invitation
        try:
            await database_sync_to_async(_in_language(self.language, command))(invitation, content)
        except LinkClosed as closed:  # the link expired (or was revoked) since the page opened
            # Cut off now rather than at the next sweep (Janus token, journal, the others).
            await database_sync_to_async(cut_off_expired)(self.room_id)
            await self.refuse(closed.lazy_message)
        except RoomRefusal as refusal:
            await self.error(refusal.lazy_message)

    async def error(self, reason: _StrOrPromise) -> None:
        """A refused command: the page shows why, in its language."""
        with translation.override(self.language or None):
            message = str(reason)
        await self.send_json({"type": "error", "message": message})

    async def answer_ping(self, content: dict[str, Any]) -> None:
        """``ping`` and ``sync`` carry the client's version: a lost broadcast, or a delta the
        client could not apply (``sync``), is answered with a full state."""
        held = content.get("version")
        if isinstance(held, int) and not isinstance(held, bool) and self.room_id:
            newest = await database_sync_to_async(broadcast.current_version)(self.room_id)
            if content["type"] == "sync" and held < newest:
                self.version = self.known = min(self.version, held)
                self.want(0, newest, None)
            elif newest > self.known:  # a broadcast this consumer never got
                self.want(0, newest, None)
        if content["type"] == "ping":
            await self.send_json({"type": "pong"})

    def room_changed_here(self, event: dict[str, Any]) -> None:
        version = int(event.get("version", 0))
        base = event.get("base")
        self.want(int(base) if isinstance(base, int) else version, version, event.get("text"))

    def chat_here(self, event: dict[str, Any]) -> None:
        """A chat line (or a hidden one) for this page, if it may see it."""
        inv = self.invitation
        if inv is None or not self.admitted or not isinstance(event.get("text"), str):
            return
        private = bool(event.get("to_chair"))
        if private and inv.role != Invitation.Role.CHAIR and inv.pk != event.get("sender"):
            return
        task = asyncio.get_running_loop().create_task(self.send(text_data=event["text"]))
        _chat_sends.add(task)
        task.add_done_callback(_chat_sends.discard)

    def want(self, base: int, version: int, text: str | None) -> None:
        """Queue what brings the client to ``version``; never wait here (that is the sender's)."""
        if version <= self.known or not self.group:
            return
        if text is not None and base <= self.known and len(self.outbox) < 50:
            self.outbox.append((base, version, text))
        else:  # a gap (or a slow client): one full state replaces whatever was queued
            self.outbox.clear()
            self.full_at = version
        self.known = version
        if self.sender is None or self.sender.done():
            self.sender = asyncio.get_running_loop().create_task(self.send_pending())

    async def send_pending(self) -> None:
        try:
            while self.group:
                if self.full_at:
                    at, self.full_at = self.full_at, 0
                    await self.push(await snapshot(self.room_id, at))
                elif self.outbox:
                    base, version, text = self.outbox.pop(0)
                    if version <= self.version:
                        continue
                    if base > self.version:  # the full state came out older than the delta needs
                        self.full_at = version
                        continue
                    self.version = version
                    # Straight to the server: the one text every page gets (2000 sends a change).
                    await self.base_send({"type": "websocket.send", "text": text})
                else:
                    return
        except Exception:
            logger.exception("sending the state of room %s failed", self.room_id)

    def stop_sending(self) -> None:
        if self.sender is not None and not self.sender.done():
            self.sender.cancel()
        self.sender = None

    async def push(self, snap: Snapshot) -> None:
        if snap.version <= self.version or self.invitation is None:
            return
        self.version = snap.version
        own = snap.private.get(self.invitation.pk)
        if own is None:
            await self.refuse(snap.closed.get(self.invitation.pk, rules.REVOKED))
            return
        self.known = max(self.known, snap.version)
        await self.send(text_data=snap.head + own + "}")
        admitted = '"state":"admitted"' in own
        if admitted and not self.admitted:  # the chat so far, once in the room
            lines = await database_sync_to_async(chat.history_for)(self.invitation)
            await self.send_json({"type": "chat_history", "messages": lines})
        self.admitted = admitted
        if snap.ended:
            await self.send_json({"type": "ended"})
            await self.close(code=ENDED)
        elif '"state":"banned"' in own:
            await self.refuse(gettext_lazy("The chair has banned you from this meeting."))


class WatchConsumer(RoomConsumer):
    """``/ws/rooms/watch/<press token>/``: the view-only page; takes no publisher place."""

    async def connect(self) -> None:
        self.outbox = []
        self.language = page_language(self.scope)
        token = str(self.scope["url_route"]["kwargs"].get("token", ""))
        await self.accept()
        try:
            room = await database_sync_to_async(
                _in_language(self.language, access.resolve_press_token)
            )(token)
        except RoomRefusal as refusal:
            await self.refuse(refusal.lazy_message)
            return
        self.room_id = room.pk
        cached = _snapshots.get(self.room_id)
        if cached is not None and cached.version > room.version:
            _snapshots.pop(self.room_id, None)
        self.group = broadcast.room_group(self.room_id)
        await _subscribe(self)
        await self.push(await snapshot(self.room_id, room.version))

    async def disconnect(self, code: int) -> None:
        self.stop_sending()
        if self.group:
            await _unsubscribe(self)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") in ("ping", "sync"):
            await self.answer_ping(content)
            return
        await self.error(gettext_lazy("The press view cannot act in the room."))

    async def push(self, snap: Snapshot) -> None:
        if snap.version <= self.version:
            return
        self.version = snap.version
        self.known = max(self.known, snap.version)
        await self.send(text_data=snap.head + snap.press + "}")
        if snap.ended:
            await self.send_json({"type": "ended"})
            await self.close(code=ENDED)
