"""WebSockets of live rooms: one per participant page (and per press viewer).

A page's socket joins the room (one resolution of its link), runs its commands through the
actions and is sent the room's state: the fan-out in a worker is :mod:`summitry.rooms.relay`,
the clocks :mod:`summitry.rooms.timers` and :mod:`summitry.rooms.sweeper`.

Each consumer keeps at most one full state to send: changes arriving while it sends only raise
the version it will ask for, so a slow client skips states.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header

from summitry.rooms import broadcast, chat, eager, heap, relay, rules, screen, timers
from summitry.rooms.actions import access, ending, floor, lobby
from summitry.rooms.actions.sweep import cut_off_expired, enforce_floor
from summitry.rooms.models import Invitation
from summitry.rooms.relay import Snapshot, snapshot
from summitry.rooms.rules import LinkClosed, PlaceTaken, RoomRefusal
from summitry.rooms.sweeper import rejoin_grace, start_sweeper

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

logger = logging.getLogger(__name__)

REFUSED = 4403
ENDED = 4000
#: The person opened the room in another page, which took their place.
REPLACED = 4409


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


def _resolve(token: str, page: str = "") -> tuple[Invitation, int]:
    """The invitation behind the token, now in the lobby and connected; the room's version."""
    invitation = lobby.join(token, page)
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


# Sends started from the relay (chat lines, a page replaced): kept until done.
_relayed_sends: set[asyncio.Task[None]] = set()


def _send_later(send: Coroutine[Any, Any, None]) -> None:
    task = asyncio.get_running_loop().create_task(send)
    _relayed_sends.add(task)
    task.add_done_callback(_relayed_sends.discard)


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
    #: The page's own id (``page`` parameter): another page of the person may take its place.
    page: str = ""

    #: The newest version sent or about to be (what a delta must start from).
    known: int = 0
    #: A full state of at least this version is to be sent first (0: none).
    full_at: int = 0
    #: Deltas to send after it, in order: ``(base, version, text)``.
    outbox: list[tuple[int, int, str]]
    sender: asyncio.Task[None] | None = None
    #: Admitted as of the last state sent: only then does the chat reach this page.
    admitted: bool = False
    #: Until the first state is chosen, what the room hears waits in the relay (start()).
    starting: bool = True
    #: The first state to send.
    first: Snapshot | None = None

    async def connect(self) -> None:
        self.outbox = []
        self.language = page_language(self.scope)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.page = (query.get("page") or [""])[0]
        token = str(self.scope["url_route"]["kwargs"].get("token", ""))
        await self.accept()
        try:
            self.invitation, version = await database_sync_to_async(
                _in_language(self.language, _resolve)
            )(token, self.page)
        except PlaceTaken:  # opened before the page that took the person's place over
            await self.replaced()
            return
        except RoomRefusal as refusal:
            await self.refuse(refusal.lazy_message)
            return
        self.room_id = self.invitation.room_id
        relay.forget_newer(self.room_id, version)
        self.group = broadcast.room_group(self.room_id)
        await relay.subscribe(self)
        heap.joined()
        timers.page_opened(self.room_id)
        start_sweeper()
        await self.start(version, self.invitation.pk)

    async def start(self, version: int, invitation_id: int | None) -> None:
        """Send a state of ``version`` or newer: in a join storm, the cached one and the deltas
        heard since (no build a join), else one built; then whatever follows, in order."""
        snap = relay.start_for(self.room_id, version, invitation_id)
        if snap is None:
            snap = await snapshot(self.room_id, version)
        # From here no await until the sender runs: nothing heard is missed or sent twice.
        self.starting = False
        self.first, self.known = snap, snap.version
        heard = relay.heard_since(self.room_id, snap.version)
        if heard is None:
            self.want(0, snap.version + 1, None)
        for event in heard or ():
            self.room_changed_here(event)
        self.wake()

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
        await relay.unsubscribe(self)
        heap.left()
        timers.page_closed(self.room_id)
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
        if self.starting:
            return
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
        _send_later(self.send(text_data=event["text"]))

    def page_here(self, event: dict[str, Any]) -> None:
        """A newer page of the same person took their place: this one is told and closed."""
        inv = self.invitation
        if inv is None or event.get("invitation") != inv.pk:
            return
        inv.place_page_at = event.get("served")
        if lobby.replaced(inv, self.page):
            _send_later(self.replaced())

    async def replaced(self) -> None:
        await self.send_json({"type": "replaced"})
        await self.close(code=REPLACED)

    def want(self, base: int, version: int, text: str | None) -> None:
        """Queue what brings the client to ``version``; never wait here (that is the sender's)."""
        if version <= self.known or not self.group:
            return
        if text is not None and self.idle() and base <= self.version:
            # The common case of a broadcast: the delta goes out now, most often without a task.
            self.version = self.known = version
            self.send_now(text)
            return
        if text is not None and base <= self.known and len(self.outbox) < 50:
            self.outbox.append((base, version, text))
        else:  # a gap (or a slow client): one full state replaces whatever was queued
            self.outbox.clear()
            self.full_at = version
        self.known = version
        self.wake()

    def idle(self) -> bool:
        """Nothing queued or being sent: the client holds ``self.version``."""
        return (
            (self.sender is None or self.sender.done())
            and self.first is None
            and not self.full_at
            and not self.outbox
            and self.known == self.version
        )

    def send_now(self, text: str) -> None:
        try:
            task = eager.run_eagerly(self.base_send({"type": "websocket.send", "text": text}))
        except Exception:
            logger.exception("sending the state of room %s failed", self.room_id)
            return
        if task is not None:  # the socket is not writable yet: what comes next waits for it
            self.sender = task
            task.add_done_callback(self.sent)

    def sent(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            logger.error("sending the state of room %s failed", self.room_id, exc_info=error)
        self.wake()

    def wake(self) -> None:
        if self.sender is None or self.sender.done():
            self.sender = asyncio.get_running_loop().create_task(self.send_pending())

    async def send_pending(self) -> None:
        try:
            while self.group:
                if self.first is not None:
                    snap, self.first = self.first, None
                    await self.push(snap)
                elif self.full_at:
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
        relay.forget_newer(self.room_id, room.version)
        self.group = broadcast.room_group(self.room_id)
        await relay.subscribe(self)
        heap.joined()
        await self.start(room.version, None)

    async def disconnect(self, code: int) -> None:
        self.stop_sending()
        if self.group:
            await relay.unsubscribe(self)
            heap.left()

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
