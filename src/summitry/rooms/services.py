"""Every write about live rooms goes through here (Zulip's "actions" rule).

The WebSocket consumer, the views, the CLI and the tests call these
functions; each write runs in a transaction, writes the room's journal
(:class:`RoomEvent`), bumps the room's state version and, once committed,
tells the room's WebSocket group so every client gets the new state.
Janus is told what Summitry decided: tokens and ``allowed`` lists at
admission, ``moderate``/``mute`` for the floor, ``kick`` for removals.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from summitry.directory.models import Person
from summitry.engagements.models import Engagement, Kind, Status
from summitry.engagements.services import EngagementInvalid, change_status
from summitry.rooms import instances
from summitry.rooms.janus import (
    VIDEOROOM,
    AudioBridgeOptions,
    JanusAdmin,
    JanusEndpoint,
    JanusError,
    PublishedStream,
    VideoRoomOptions,
)
from summitry.rooms.models import Invitation, Room, RoomEvent, SpeakerRequest
from summitry.rooms.placement import NoJanusAvailable, choose_instance

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from summitry.accounts.models import User

logger = logging.getLogger(__name__)

LIVE_KINDS = frozenset(
    {Kind.TELEPHONE_CALL, Kind.VIDEO_MEETING, Kind.VIRTUAL_SUMMIT, Kind.VIDEO_CONFERENCE}
)
LAYOUTS = {
    Kind.TELEPHONE_CALL: Room.Layout.AUDIO,
    Kind.VIDEO_MEETING: Room.Layout.GALLERY,
    Kind.VIRTUAL_SUMMIT: Room.Layout.SPEAKER,
    Kind.VIDEO_CONFERENCE: Room.Layout.SPEAKER,
}
FLOOR_CONTROL_BY_DEFAULT = frozenset({Kind.VIRTUAL_SUMMIT, Kind.VIDEO_CONFERENCE})
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
#: Roles the floor never mutes: the chair runs it, interpreters speak into their channel.
FLOOR_EXEMPT = frozenset({Invitation.Role.CHAIR, Invitation.Role.INTERPRETER})
_JS_SAFE = 2**52


class RoomRefusal(Exception):
    """A refused request, with the message shown to the person who made it."""

    def __init__(self, message: _StrOrPromise) -> None:
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        """In the language active where it is read: a lazy reason (a closed link's) is read by
        each page's socket in that page's language."""
        return str(self._message)

    @property
    def lazy_message(self) -> _StrOrPromise:
        return self._message


class LinkClosed(RoomRefusal):
    """The person's own link no longer opens the room: their page is closed, not just told."""


@dataclass(frozen=True)
class Invitee:
    person: Person
    role: str = Invitation.Role.PARTICIPANT
    language_from: str = ""
    language_to: str = ""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def room_group(room_id: int) -> str:
    return f"room-{room_id}"


def _janus_id() -> int:
    return secrets.randbelow(_JS_SAFE - 1) + 1


# -- journal and broadcast -----------------------------------------------------------------


def _event(
    room: Room,
    kind: str,
    actor: Invitation | None = None,
    subject: Invitation | None = None,
    at: dt.datetime | None = None,
    **data: Any,
) -> RoomEvent:
    return RoomEvent.objects.create(
        room=room, kind=kind, actor=actor, subject=subject, at=at or timezone.now(), data=data
    )


def current_version(room_id: int) -> int:
    return Room.objects.filter(pk=room_id).values_list("version", flat=True).first() or 0


Scope = Literal["full", "floor", "presence"]


def broadcast_delay() -> float:
    """Seconds a worker gathers full and presence changes before broadcasting them (not floor)."""
    return float(getattr(settings, "SUMMITRY_ROOMS_BROADCAST_DELAY", 0.05))


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


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
    lasting = getattr(SyncToAsync.threadlocal, "main_event_loop", None) is not None
    try:
        async_to_sync(_publish)(layer, room_id, version, scope, change, lasting)
    except Exception:  # a broken channel layer must not undo a committed write
        logger.exception("could not notify room %s", room_id)


@dataclass
class _Batch:
    """Full and presence changes of one room waiting in this worker."""

    loop: asyncio.AbstractEventLoop
    full: int = 0
    presence: list[tuple[int, int, bool]] = field(default_factory=list)


_batches: dict[int, _Batch] = {}
_flushes: set[asyncio.Task[None]] = set()


async def _publish(
    layer: Any, room_id: int, version: int, scope: Scope, change: Any, lasting: bool
) -> None:
    if lasting and scope != "floor" and broadcast_delay() > 0:
        # A join storm then costs one message per delay, not one per join to everyone.
        loop = asyncio.get_running_loop()
        batch = _batches.get(room_id)
        if batch is None or batch.loop is not loop:
            batch = _batches[room_id] = _Batch(loop)

            def start() -> None:
                task = loop.create_task(_flush(layer, room_id, batch))
                _flushes.add(task)
                task.add_done_callback(_flushes.discard)

            loop.call_later(broadcast_delay(), start)
        if scope == "presence":
            batch.presence.append((version, *change))
        else:
            batch.full = max(batch.full, version)
        return
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
        runs.append((base, version, _compact(message)))
        start = end
    return runs


def _changed(
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


def _soft(what: str, call: Callable[..., object], *args: Any) -> None:
    """A Janus call whose failure must not undo Summitry's decision (restored later)."""
    try:
        call(*args)
    except JanusError as exc:
        logger.warning("Janus: %s failed: %s", what, exc)


# -- opening, inviting, links --------------------------------------------------------------


def _default_expiry(engagement: Engagement) -> dt.datetime:
    now = timezone.now()
    if engagement.end is not None:
        ends = engagement.end
    elif engagement.start is not None:
        ends = engagement.start + dt.timedelta(days=1)
    else:
        ends = now + dt.timedelta(days=1)
    # A link must outlive the meeting, and be usable a while when opened late.
    return max(ends, now + dt.timedelta(hours=1))


def _clean_languages(languages: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for code in languages:
        code = code.strip()
        if not code:
            continue
        if not LANGUAGE_CODE.match(code):
            raise RoomRefusal(
                gettext("%(code)s is not a language code (use e.g. fr, es, zh, pt-BR).")
                % {"code": repr(code)}
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def open_room(
    engagement: Engagement,
    by: User | None,
    *,
    chair: Person,
    invitees: Sequence[Person | Invitee],
    speaking_limit_seconds: int = 0,
    auto_advance: bool = False,
    interpretation_languages: Sequence[str] = (),
    floor_control: bool | None = None,
) -> tuple[Room, dict[int, str]]:
    """Turn an engagement into a live room; returns it and each person's join token."""
    if engagement.kind not in LIVE_KINDS:
        raise RoomRefusal(
            gettext(
                "This kind of engagement (%(kind)s) is not held in a live room: only telephone "
                "calls, video meetings, virtual summits and video conferences are."
            )
            % {"kind": engagement.get_kind_display()}
        )
    if Room.objects.filter(engagement=engagement).exists():
        raise RoomRefusal(gettext("This engagement already has a room."))
    if speaking_limit_seconds < 0:
        raise RoomRefusal(gettext("The speaking-time limit cannot be negative."))
    languages = _clean_languages(interpretation_languages)
    people: list[Invitee] = [Invitee(chair, Invitation.Role.CHAIR)]
    for item in invitees:
        invitee = item if isinstance(item, Invitee) else Invitee(item)
        if invitee.person.pk == chair.pk:
            continue
        if any(p.person.pk == invitee.person.pk for p in people):
            raise RoomRefusal(gettext("%(person)s is invited twice.") % {"person": invitee.person})
        if invitee.role == Invitation.Role.INTERPRETER and invitee.language_to not in languages:
            raise RoomRefusal(
                gettext(
                    "%(person)s interprets into %(language)s, which is not one of the room's "
                    "interpretation languages."
                )
                % {"person": invitee.person, "language": invitee.language_to or "—"}
            )
        people.append(invitee)
    kind = Kind(engagement.kind)
    try:
        endpoint = choose_instance(instances.endpoints())
    except NoJanusAvailable as exc:
        raise RoomRefusal(
            gettext("No media server can take the room now: %(error)s") % {"error": exc}
        ) from exc
    audio_only = kind == Kind.TELEPHONE_CALL
    room = Room(
        engagement=engagement,
        janus_instance=endpoint.name,
        videoroom_id=None if audio_only else _janus_id(),
        videoroom_secret="" if audio_only else secrets.token_urlsafe(24),
        audiobridge_id=_janus_id() if audio_only else None,
        audiobridge_secret=secrets.token_urlsafe(24) if (audio_only or languages) else "",
        interpretation_rooms={code: _janus_id() for code in languages},
        layout=LAYOUTS[kind],
        speaking_limit_seconds=speaking_limit_seconds,
        auto_advance=auto_advance,
        interpretation_languages=languages,
        floor_control=(kind in FLOOR_CONTROL_BY_DEFAULT)
        if floor_control is None
        else floor_control,
        press_token_hash=hash_token(new_token()),
        press_janus_token=secrets.token_urlsafe(24),
        created_by=by,
    )
    tokens: dict[int, str] = {}
    with transaction.atomic():
        room.save()
        _event(room, RoomEvent.Kind.OPENED, by=getattr(by, "username", None))
        for order, invitee in enumerate(people):
            tokens[invitee.person.pk] = _create_invitation(room, invitee, order, by)
        try:
            _create_janus_rooms(room, endpoint, capacity=len(people))
        except JanusError as exc:
            raise RoomRefusal(
                gettext("The media server refused to create the room: %(error)s") % {"error": exc}
            ) from exc
        _changed(room)
    return room, tokens


def _create_invitation(room: Room, invitee: Invitee, order: int, by: User | None) -> str:
    token = new_token()
    used = set(room.invitations.values_list("janus_publisher_id", flat=True))
    publisher_id = _janus_id()
    while publisher_id in used:
        publisher_id = _janus_id()
    invitation = Invitation.objects.create(
        room=room,
        person=invitee.person,
        role=invitee.role,
        language_from=invitee.language_from,
        language_to=invitee.language_to,
        token_hash=hash_token(token),
        expires_at=_default_expiry(room.engagement),
        order=order,
        janus_publisher_id=publisher_id,
    )
    _event(room, RoomEvent.Kind.INVITED, subject=invitation, by=getattr(by, "username", None))
    return token


def _admitted_tokens(room: Room) -> list[str]:
    """Janus tokens of those who may be in the room now (and the press view's)."""
    tokens = list(
        room.invitations.may_be_in_room(timezone.now())
        .exclude(janus_token="")
        .values_list("janus_token", flat=True)
    )
    return [room.press_janus_token, *tokens]


def _create_janus_rooms(
    room: Room, endpoint: JanusEndpoint, capacity: int, *, only_missing: bool = False
) -> None:
    """The room's VideoRoom and AudioBridge rooms on Janus (after a restart, those missing)."""
    allowed = _admitted_tokens(room)
    if room.press_janus_token:
        endpoint.admin().add_token(room.press_janus_token)
    description = room.engagement.title[:100]
    video = endpoint.videoroom()
    if room.videoroom_id is not None and not (only_missing and video.exists(room.videoroom_id)):
        video.create_room(
            VideoRoomOptions(
                secret=room.videoroom_secret,
                description=description,
                allowed=allowed,
                require_pvtid=True,
                publishers=max(16, capacity + 4),
            ),
            room.videoroom_id,
        )
    audio = endpoint.audiobridge()
    for bridge in _bridges(room):
        if only_missing and audio.exists(bridge):
            continue
        audio.create_room(
            AudioBridgeOptions(
                secret=room.audiobridge_secret,
                description=description,
                allowed=allowed,
                sampling_rate=48000,
            ),
            bridge,
        )


def _bridges(room: Room) -> list[int]:
    found = [int(r) for r in room.interpretation_rooms.values()]
    if room.audiobridge_id is not None:
        found.insert(0, room.audiobridge_id)
    return found


def invite(
    room: Room,
    person: Person,
    *,
    by: User | None = None,
    role: str = Invitation.Role.PARTICIPANT,
    language_from: str = "",
    language_to: str = "",
    expires_at: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite one more person; returns the invitation and its token (shown once)."""
    if room.status == Room.Status.ENDED:
        raise RoomRefusal(gettext("This meeting has ended."))
    if room.invitations.filter(person=person).exists():
        raise RoomRefusal(gettext("%(person)s is already invited.") % {"person": person})
    if role == Invitation.Role.INTERPRETER and language_to not in room.interpretation_languages:
        raise RoomRefusal(
            gettext("%(language)s is not an interpretation language here.")
            % {"language": language_to or "—"}
        )
    with transaction.atomic():
        order = (room.invitations.aggregate(m=Max("order"))["m"] or 0) + 1
        token = _create_invitation(
            room, Invitee(person, role, language_from, language_to), order, by
        )
        invitation = room.invitations.get(person=person)
        if expires_at is not None:
            invitation.expires_at = expires_at
            invitation.save(update_fields=["expires_at"])
        _changed(room)
    return invitation, token


def issue_press_link(room: Room, by: User | None = None) -> str:
    """A new press token for the view-only link (the previous one stops working)."""
    token = new_token()
    with transaction.atomic():
        Room.objects.filter(pk=room.pk).update(press_token_hash=hash_token(token))
        room.press_token_hash = hash_token(token)
    return token


def revoke(invitation: Invitation, by: User | None = None) -> Invitation:
    with transaction.atomic():
        inv = _fresh(invitation)
        if inv.revoked_at is None:
            inv.revoked_at = timezone.now()
            inv.save(update_fields=["revoked_at"])
            _event(inv.room, RoomEvent.Kind.REVOKED, subject=inv, by=getattr(by, "username", None))
            _end_turn(inv, timezone.now())
            _changed(inv.room, _cut_off_later(inv))
            inv.janus_token = ""
            inv.save(update_fields=["janus_token"])
    return inv


def reissue_link(invitation: Invitation, by: User | None = None) -> tuple[Invitation, str]:
    """A new personal link for the same invitation (lost, leaked, or revoked by mistake): the
    previous link and its Janus access stop working, and the holder of the new one passes the
    lobby again. Returns the invitation and its new token (shown once)."""
    with transaction.atomic():
        inv = _fresh(invitation)
        if inv.room.status == Room.Status.ENDED:
            raise RoomRefusal(gettext("This meeting has ended."))
        if inv.state == Invitation.State.BANNED:
            raise RoomRefusal(
                gettext("The chair banned %(person)s from this meeting.") % {"person": inv.person}
            )
        if inv.online:
            raise RoomRefusal(
                gettext(
                    "%(person)s is in the room now: revoke the link first (this disconnects "
                    "them), then issue a new one."
                )
                % {"person": inv.person}
            )
        cut_off = _cut_off_later(inv) if inv.revoked_at is None and inv.janus_token else None
        token = new_token()
        inv.token_hash = hash_token(token)
        inv.revoked_at = None
        # A new link for an expired one must open the room: as long as a new invitation's.
        inv.expires_at = max(inv.expires_at, _default_expiry(inv.room.engagement))
        if inv.state in (Invitation.State.ADMITTED, Invitation.State.WAITING):
            inv.state = Invitation.State.INVITED
        inv.save(update_fields=["token_hash", "revoked_at", "expires_at", "state"])
        _event(inv.room, RoomEvent.Kind.REISSUED, subject=inv, by=getattr(by, "username", None))
        _changed(inv.room, cut_off)
    return inv, token


def resolve_token(token: str) -> Invitation:
    """The invitation a join token stands for, or a refusal saying why not."""
    if not token:
        raise RoomRefusal(gettext("This link has no token: use the personal link you were sent."))
    invitation = (
        Invitation.objects.select_related("room__engagement", "person")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise RoomRefusal(
            gettext(
                "This link is not valid. Use the personal link you were sent, or ask the "
                "organisers."
            )
        )
    _check_open(invitation)
    return invitation


def resolve_press_token(token: str) -> Room:
    room = (
        Room.objects.select_related("engagement").filter(press_token_hash=hash_token(token)).first()
        if token
        else None
    )
    if room is None:
        raise RoomRefusal(gettext("This view-only link is not valid."))
    if room.status == Room.Status.ENDED:
        raise RoomRefusal(gettext("This meeting has ended."))
    return room


# -- lobby and presence --------------------------------------------------------------------


def _fresh(invitation: Invitation | int) -> Invitation:
    pk = invitation if isinstance(invitation, int) else invitation.pk
    return (
        Invitation.objects.select_for_update()
        .select_related("room__engagement", "person")
        .get(pk=pk)
    )


def link_refusal(inv: Invitation, now: dt.datetime | None = None) -> _StrOrPromise | None:
    """Why the person's link no longer opens the room (``None``: it does).

    The decision is the database's (:func:`summitry.rooms.models.link_works`, the same rule
    the tokens and the sweep use); the fields only say which part of it failed. Lazy: one
    reason goes to pages in several languages, each translates it.
    """
    now = now or timezone.now()
    if Invitation.objects.link_works(now).filter(pk=inv.pk).exists():
        return None
    if inv.revoked_at is not None:
        return REVOKED
    if inv.room.status == Room.Status.ENDED:
        return gettext_lazy("This meeting has ended.")
    if inv.state == Invitation.State.BANNED:
        return gettext_lazy("The chair has banned you from this meeting; you cannot rejoin.")
    if inv.expires_at <= now:
        return gettext_lazy("This link has expired. Ask the organisers for a new one.")
    return NO_LONGER_OPENS


REVOKED = gettext_lazy("This link was revoked by the organisers.")
NO_LONGER_OPENS = gettext_lazy("This link no longer opens the meeting.")


def _check_open(inv: Invitation) -> None:
    """Every action of a link's holder: refused, and the page closed, once the link is dead."""
    reason = link_refusal(inv)
    if reason is not None:
        raise LinkClosed(reason)


def arrive(invitation: Invitation) -> Invitation:
    """The person opened their link: they wait in the lobby (the chair goes straight in)."""
    with transaction.atomic():
        inv = _fresh(invitation)
        _check_open(inv)
        if inv.state in (Invitation.State.INVITED, Invitation.State.REMOVED):
            if inv.role == Invitation.Role.CHAIR:
                _admit(inv, None)
            else:
                inv.state = Invitation.State.WAITING
                inv.waiting_since = timezone.now()
                inv.save(update_fields=["state", "waiting_since"])
                _event(inv.room, RoomEvent.Kind.ARRIVED, subject=inv)
            _changed(inv.room)
    return inv


def connect(invitation: Invitation) -> Invitation:
    """A WebSocket of this person opened (a reconnect within the grace period is no new join)."""
    with transaction.atomic():
        inv = _fresh(invitation)
        inv.connections = F("connections") + 1
        fields = ["connections"]
        inv.seen_at = timezone.now()
        fields.append("seen_at")
        joined = not inv.online
        if joined:
            inv.online = True
            fields.append("online")
            _event(inv.room, RoomEvent.Kind.JOINED, subject=inv)
        inv.save(update_fields=fields)
        inv.refresh_from_db(fields=["connections"])
        if joined:  # a reconnect within the grace period changes nothing others see
            _changed(inv.room, scope="presence", who=inv)
    return inv


def disconnect(invitation: Invitation) -> None:
    """A WebSocket closed; :func:`left_if_gone` decides, after the grace period."""
    Invitation.objects.filter(pk=invitation.pk).update(
        connections=Greatest(F("connections") - 1, 0), seen_at=timezone.now()
    )


def left_if_gone(invitation: Invitation, since: dt.datetime) -> bool:
    """Record 'left' (at ``since``) when no connection of this person came back."""
    with transaction.atomic():
        inv = _fresh(invitation)
        if inv.connections > 0 or not inv.online:
            return False
        inv.online = False
        inv.save(update_fields=["online"])
        _event(inv.room, RoomEvent.Kind.LEFT, subject=inv, at=since)
        _end_turn(inv, since)
        _changed(inv.room)
    return True


def leave(invitation: Invitation) -> None:
    """The person leaves on purpose (the page's "leave" button)."""
    with transaction.atomic():
        inv = _fresh(invitation)
        now = timezone.now()
        if inv.online:
            inv.online = False
            inv.save(update_fields=["online"])
            _event(inv.room, RoomEvent.Kind.LEFT, subject=inv, at=now)
        _end_turn(inv, now)
        _changed(inv.room)


def _require_chair(chair: Invitation, refusal: _StrOrPromise) -> Invitation:
    """``refusal``: the whole sentence saying what only the chair can do."""
    inv = _fresh(chair)
    _check_open(inv)
    if inv.role != Invitation.Role.CHAIR:
        raise RoomRefusal(refusal)
    return inv


def _target(chair: Invitation, invitation: Invitation | int) -> Invitation:
    try:
        inv = _fresh(invitation)
    except Invitation.DoesNotExist:
        raise RoomRefusal(gettext("There is no such participant in this room.")) from None
    if inv.room_id != chair.room_id or inv.revoked_at is not None:
        raise RoomRefusal(gettext("There is no such participant in this room."))
    return inv


def target_in_room(room_id: int, participant: object) -> Invitation:
    """The invitation a client names by id, only within its own room."""
    if not isinstance(participant, int) or isinstance(participant, bool):
        raise RoomRefusal(gettext("Say which participant (their id)."))
    inv = Invitation.objects.filter(pk=participant, room_id=room_id).first()
    if inv is None:
        raise RoomRefusal(gettext("There is no such participant in this room."))
    return inv


def _admit(inv: Invitation, by: Invitation | None) -> None:
    room = inv.room
    inv.state = Invitation.State.ADMITTED
    inv.janus_token = secrets.token_urlsafe(24)
    speaking = _speaking(room)
    inv.muted = bool(
        room.floor_control
        and inv.role not in FLOOR_EXEMPT
        and (speaking is None or speaking.invitation_id != inv.pk)
    )
    inv.save(update_fields=["state", "janus_token", "muted"])
    _event(room, RoomEvent.Kind.ADMITTED, actor=by, subject=inv)
    pk = inv.pk
    transaction.on_commit(lambda: _grant(room, pk))


def _grant(room: Room, invitation_pk: int) -> None:
    """Give Janus the person's token, if they may (still) be in the room once committed."""
    token = (
        Invitation.objects.may_be_in_room(timezone.now())
        .filter(pk=invitation_pk)
        .exclude(janus_token="")
        .values_list("janus_token", flat=True)
        .first()
    )
    if token is None:
        return
    try:
        endpoint = instances.endpoint_named(room.janus_instance)
    except LookupError as exc:
        logger.warning("%s", exc)
        return
    _soft("add_token", endpoint.admin().add_token, token)
    if room.videoroom_id is not None:
        vid = room.videoroom_id
        _soft("allow", endpoint.videoroom().allow, vid, room.videoroom_secret, [token])
    for bridge in _bridges(room):
        _soft(
            "allow bridge",
            endpoint.audiobridge().allow,
            bridge,
            room.audiobridge_secret,
            [token],
        )


def admit(chair: Invitation, invitation: Invitation | int) -> Invitation:
    with transaction.atomic():
        head = _require_chair(chair, gettext_lazy("Only the chair can admit participants."))
        inv = _target(head, invitation)
        if inv.state == Invitation.State.ADMITTED:
            return inv
        if inv.state != Invitation.State.WAITING:
            raise RoomRefusal(
                gettext("%(person)s is not waiting in the lobby.") % {"person": inv.person}
            )
        reason = link_refusal(inv)
        if reason is not None:
            raise RoomRefusal(
                gettext("%(person)s cannot be admitted: %(reason)s")
                % {"person": inv.person, "reason": reason}
            )
        _admit(inv, head)
        _changed(head.room)
    return inv


def admit_all(chair: Invitation) -> list[Invitation]:
    with transaction.atomic():
        head = _require_chair(chair, gettext_lazy("Only the chair can admit participants."))
        waiting = list(
            head.room.invitations.select_for_update()
            .select_related("room__engagement", "person")
            .link_works(timezone.now())
            .filter(state=Invitation.State.WAITING)
            .order_by("order", "id")
        )
        for inv in waiting:
            _admit(inv, head)
        _changed(head.room)
    return waiting


def admit_in_order(chair: Invitation) -> Invitation:
    """Admit the waiting person who comes first in protocol order."""
    with transaction.atomic():
        head = _require_chair(chair, gettext_lazy("Only the chair can admit participants."))
        inv = (
            head.room.invitations.select_for_update()
            .select_related("room__engagement", "person")
            .link_works(timezone.now())
            .filter(state=Invitation.State.WAITING)
            .order_by("order", "id")
            .first()
        )
        if inv is None:
            raise RoomRefusal(gettext("No one is waiting in the lobby."))
        _admit(inv, head)
        _changed(head.room)
    return inv


# -- the floor -----------------------------------------------------------------------------


def _speaking(room: Room) -> SpeakerRequest | None:
    return (
        SpeakerRequest.objects.filter(room=room, state=SpeakerRequest.State.SPEAKING)
        .select_related("invitation")
        .first()
    )


def _end_turn(inv: Invitation, at: dt.datetime) -> None:
    """Close the person's turn or request (they left, were removed, withdrew)."""
    for request in SpeakerRequest.objects.filter(
        invitation=inv, state__in=[SpeakerRequest.State.WAITING, SpeakerRequest.State.SPEAKING]
    ):
        if request.state == SpeakerRequest.State.SPEAKING:
            _finish(request, at)
        else:
            request.state = SpeakerRequest.State.WITHDRAWN
            request.ended_at = at
            request.save(update_fields=["state", "ended_at"])


def _finish(request: SpeakerRequest, at: dt.datetime) -> None:
    request.state = SpeakerRequest.State.DONE
    request.ended_at = at
    request.save(update_fields=["state", "ended_at"])
    seconds = (at - request.started_at).total_seconds() if request.started_at else 0.0
    _event(
        request.room,
        RoomEvent.Kind.FLOOR_ENDED,
        subject=request.invitation,
        at=at,
        seconds=round(seconds, 1),
    )


def request_floor(invitation: Invitation) -> SpeakerRequest:
    with transaction.atomic():
        inv = _fresh(invitation)
        _check_open(inv)
        if inv.state != Invitation.State.ADMITTED:
            raise RoomRefusal(gettext("You can ask for the floor once the host has admitted you."))
        if inv.role == Invitation.Role.OBSERVER:
            raise RoomRefusal(gettext("Observers cannot take the floor."))
        if SpeakerRequest.objects.filter(
            invitation=inv,
            state__in=[SpeakerRequest.State.WAITING, SpeakerRequest.State.SPEAKING],
        ).exists():
            raise RoomRefusal(gettext("You are already on the speakers' list."))
        last = SpeakerRequest.objects.filter(room=inv.room).aggregate(m=Max("position"))["m"]
        request = SpeakerRequest.objects.create(
            room=inv.room, invitation=inv, requested_at=timezone.now(), position=(last or 0) + 1
        )
        _event(inv.room, RoomEvent.Kind.FLOOR_REQUESTED, actor=inv, subject=inv)
        _changed(inv.room, scope="floor")
    return request


def withdraw(invitation: Invitation) -> None:
    """Leave the speakers' list (or yield the floor when speaking)."""
    with transaction.atomic():
        inv = _fresh(invitation)
        _check_open(inv)
        requests = SpeakerRequest.objects.filter(
            invitation=inv,
            state__in=[SpeakerRequest.State.WAITING, SpeakerRequest.State.SPEAKING],
        )
        if not requests.exists():
            raise RoomRefusal(gettext("You are not on the speakers' list."))
        _end_turn(inv, timezone.now())
        _event(inv.room, RoomEvent.Kind.FLOOR_WITHDRAWN, actor=inv, subject=inv)
        _changed(inv.room, scope="floor")


def _give(room: Room, inv: Invitation, actor: Invitation | None, now: dt.datetime) -> None:
    current = _speaking(room)
    if current is not None:
        _finish(current, now)
    request = (
        SpeakerRequest.objects.filter(invitation=inv, state=SpeakerRequest.State.WAITING)
        .order_by("position")
        .first()
    )
    if request is None:
        last = SpeakerRequest.objects.filter(room=room).aggregate(m=Max("position"))["m"]
        request = SpeakerRequest(
            room=room, invitation=inv, requested_at=now, position=(last or 0) + 1
        )
    request.state = SpeakerRequest.State.SPEAKING
    request.started_at = now
    request.limit_seconds = room.speaking_limit_seconds
    request.save()
    _event(room, RoomEvent.Kind.FLOOR_GIVEN, actor=actor, subject=inv, at=now)
    if room.floor_control:
        # The speaker is heard; every other publisher (but the chair and interpreters) is not.
        room.invitations.filter(state=Invitation.State.ADMITTED).exclude(
            role__in=FLOOR_EXEMPT
        ).exclude(pk=inv.pk).update(muted=True)
        room.invitations.filter(pk=inv.pk).update(muted=False)


def give_floor(chair: Invitation, invitation: Invitation | int) -> None:
    with transaction.atomic():
        head = _require_chair(chair, gettext_lazy("Only the chair can give the floor."))
        inv = _target(head, invitation)
        if inv.state != Invitation.State.ADMITTED:
            raise RoomRefusal(gettext("%(person)s is not in the meeting.") % {"person": inv.person})
        if inv.role == Invitation.Role.OBSERVER:
            raise RoomRefusal(gettext("Observers cannot take the floor."))
        _give(head.room, inv, head, timezone.now())
        _changed(head.room, _enforce_later(head.room.pk), scope="floor")


def next_speaker(chair: Invitation) -> Invitation:
    with transaction.atomic():
        head = _require_chair(chair, gettext_lazy("Only the chair can give the floor."))
        request = _next_waiting(head.room)
        if request is None:
            raise RoomRefusal(gettext("No one is waiting on the speakers' list."))
        _give(head.room, request.invitation, head, timezone.now())
        _changed(head.room, _enforce_later(head.room.pk), scope="floor")
    return request.invitation


def _next_waiting(room: Room) -> SpeakerRequest | None:
    return (
        SpeakerRequest.objects.filter(
            room=room,
            state=SpeakerRequest.State.WAITING,
            invitation__in=Invitation.objects.may_be_in_room(timezone.now()),
        )
        .select_related("invitation")
        .order_by("position", "id")
        .first()
    )


def expire_floor_if_due(room: Room | int, now: dt.datetime | None = None) -> bool:
    """When the speaker's time is up: record it and, with auto-advance, pass the floor on."""
    now = now or timezone.now()
    room_id = room if isinstance(room, int) else room.pk
    with transaction.atomic():
        fresh = Room.objects.select_for_update().select_related("engagement").get(pk=room_id)
        if fresh.status != Room.Status.OPEN:
            return False
        current = _speaking(fresh)
        if (
            current is None
            or not current.limit_seconds
            or current.expired_at is not None
            or current.started_at is None
            or current.started_at + dt.timedelta(seconds=current.limit_seconds) > now
        ):
            return False
        current.expired_at = now
        current.save(update_fields=["expired_at"])
        _event(fresh, RoomEvent.Kind.TIME_EXPIRED, subject=current.invitation, at=now)
        if fresh.auto_advance:
            following = _next_waiting(fresh)
            if following is not None:
                _give(fresh, following.invitation, None, now)
            else:
                _finish(current, now)
                if fresh.floor_control and current.invitation.role not in FLOOR_EXEMPT:
                    fresh.invitations.filter(pk=current.invitation_id).update(muted=True)
        _changed(fresh, _enforce_later(fresh.pk), scope="floor")
    return True


# -- what outlives a worker: every worker's sweep applies what is due ----------------------
# A worker's in-memory floor timer and grace period die with it; the database holds the floor's
# end and when each socket was last known open, so whichever worker sweeps next applies them.


def renew_presence(invitation_ids: Iterable[int], now: dt.datetime | None = None) -> None:
    """The sweeping worker still holds sockets of these people."""
    ids = list(invitation_ids)
    if ids:
        Invitation.objects.filter(pk__in=ids).update(seen_at=now or timezone.now())


def expire_due_floors(now: dt.datetime | None = None) -> list[int]:
    """Expire every open room's floor whose time is up; the ids of the rooms expired."""
    now = now or timezone.now()
    speaking = SpeakerRequest.objects.filter(
        state=SpeakerRequest.State.SPEAKING,
        room__status=Room.Status.OPEN,
        limit_seconds__gt=0,
        started_at__isnull=False,
        expired_at__isnull=True,
    )
    due = sorted(
        {
            request.room_id
            for request in speaking.only("room_id", "started_at", "limit_seconds")
            if request.started_at
            and request.started_at + dt.timedelta(seconds=request.limit_seconds) <= now
        }
    )
    return [room_id for room_id in due if expire_floor_if_due(room_id, now)]


def left_when_unseen(unseen_for: float, now: dt.datetime | None = None) -> list[int]:
    """Record 'left' for whoever no worker has known connected for ``unseen_for`` seconds
    (their socket was on a worker that died, with its connection count and grace timer)."""
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=unseen_for)
    unseen = Invitation.objects.filter(
        Q(seen_at__lt=cutoff) | Q(seen_at__isnull=True),
        online=True,
        room__status=Room.Status.OPEN,
    ).values_list("pk", flat=True)
    return [pk for pk in unseen if _left_unseen(pk, cutoff)]


def _left_unseen(pk: int, cutoff: dt.datetime) -> bool:
    with transaction.atomic():
        inv = _fresh(pk)
        if not inv.online or (inv.seen_at is not None and inv.seen_at >= cutoff):
            return False
        since = inv.seen_at or cutoff
        inv.online = False
        inv.connections = 0  # the sockets counted are gone with their worker
        inv.save(update_fields=["online", "connections"])
        _event(inv.room, RoomEvent.Kind.LEFT, subject=inv, at=since)
        _end_turn(inv, since)
        _changed(inv.room)
    return True


# -- the chair's other actions -------------------------------------------------------------


def _set_muted(chair: Invitation, invitation: Invitation | int, muted: bool) -> Invitation:
    with transaction.atomic():
        head = _require_chair(
            chair, gettext_lazy("Only the chair can mute or unmute participants.")
        )
        inv = _target(head, invitation)
        if inv.state != Invitation.State.ADMITTED:
            raise RoomRefusal(gettext("%(person)s is not in the meeting.") % {"person": inv.person})
        inv.muted = muted
        inv.save(update_fields=["muted"])
        kind = RoomEvent.Kind.MUTED if muted else RoomEvent.Kind.UNMUTED
        _event(head.room, kind, actor=head, subject=inv)
        _changed(head.room, _enforce_later(head.room.pk), scope="floor")
    return inv


def mute(chair: Invitation, invitation: Invitation | int) -> Invitation:
    return _set_muted(chair, invitation, True)


def unmute(chair: Invitation, invitation: Invitation | int) -> Invitation:
    return _set_muted(chair, invitation, False)


def _put_out(chair: Invitation, invitation: Invitation | int, state: str) -> Invitation:
    verb = "remove" if state == Invitation.State.REMOVED else "ban"
    with transaction.atomic():
        head = _require_chair(
            chair,
            gettext_lazy("Only the chair can remove participants.")
            if verb == "remove"
            else gettext_lazy("Only the chair can ban participants."),
        )
        inv = _target(head, invitation)
        if inv.pk == head.pk:
            raise RoomRefusal(
                gettext("The chair cannot remove themselves.")
                if verb == "remove"
                else gettext("The chair cannot ban themselves.")
            )
        now = timezone.now()
        _end_turn(inv, now)
        inv.state = state
        inv.save(update_fields=["state"])
        kind = RoomEvent.Kind.REMOVED if verb == "remove" else RoomEvent.Kind.BANNED
        _event(head.room, kind, actor=head, subject=inv, at=now)
        _changed(head.room, _cut_off_later(inv))
        inv.janus_token = ""
        Invitation.objects.filter(pk=inv.pk).update(janus_token="")
    return inv


def remove(chair: Invitation, invitation: Invitation | int) -> Invitation:
    """Kick: out of Janus and back to the lobby if they open their link again."""
    return _put_out(chair, invitation, Invitation.State.REMOVED)


def ban(chair: Invitation, invitation: Invitation | int) -> Invitation:
    """Kick, and the person's link no longer works."""
    return _put_out(chair, invitation, Invitation.State.BANNED)


def _cut_off_later(inv: Invitation) -> Callable[[], None]:
    room, token, publisher = inv.room, inv.janus_token, inv.janus_publisher_id

    def cut_off() -> None:
        try:
            endpoint = instances.endpoint_named(room.janus_instance)
        except LookupError:
            return
        if token:
            if room.videoroom_id is not None:
                vid = room.videoroom_id
                _soft(
                    "disallow",
                    endpoint.videoroom().disallow,
                    vid,
                    room.videoroom_secret,
                    [token],
                )
            for bridge in _bridges(room):
                _soft(
                    "disallow bridge",
                    endpoint.audiobridge().disallow,
                    bridge,
                    room.audiobridge_secret,
                    [token],
                )
            # Removing the stored token also closes the sessions opened with it.
            _soft("remove_token", endpoint.admin().remove_token, token)
        if room.videoroom_id is not None:
            vid = room.videoroom_id
            _soft("kick", endpoint.videoroom().kick, vid, room.videoroom_secret, publisher)
        for bridge in _bridges(room):
            _soft(
                "kick bridge",
                endpoint.audiobridge().kick,
                bridge,
                room.audiobridge_secret,
                publisher,
            )

    return cut_off


def cut_off_all_expired(now: dt.datetime | None = None) -> list[Invitation]:
    """The worker-wide sweep: every open room with an expired link, open pages or not."""
    now = now or timezone.now()
    rooms = (
        Invitation.objects.filter(
            room__status=Room.Status.OPEN, revoked_at__isnull=True, expires_at__lte=now
        )
        .filter(
            Q(state__in=[Invitation.State.WAITING, Invitation.State.ADMITTED]) | ~Q(janus_token="")
        )
        .values_list("room_id", flat=True)
        .distinct()
    )
    return [inv for room_id in list(rooms) for inv in cut_off_expired(room_id, now)]


def cut_off_expired(room_id: int, now: dt.datetime | None = None) -> list[Invitation]:
    """Cut off the people of an open room whose link has expired (the sweep; idempotent).

    Each is journalled, leaves the lobby or the room (a new link sends them through the lobby
    again), loses their Janus token and is kicked; the broadcast closes their pages.
    """
    now = now or timezone.now()
    due = Invitation.objects.filter(
        room_id=room_id,
        room__status=Room.Status.OPEN,
        revoked_at__isnull=True,  # revoking cut them off already
        expires_at__lte=now,
    ).filter(
        Q(state__in=[Invitation.State.WAITING, Invitation.State.ADMITTED]) | ~Q(janus_token="")
    )
    if not due.exists():  # the usual case, without a lock
        return []
    with transaction.atomic():
        # One sweep at a time per room, whichever worker runs it.
        room = Room.objects.select_for_update().select_related("engagement").get(pk=room_id)
        found = list(due.select_for_update().select_related("room__engagement", "person"))
        if not found:
            return []
        cut_offs = []
        for inv in found:
            cut_offs.append(_cut_off_later(inv))
            _end_turn(inv, now)
            if inv.state in (Invitation.State.WAITING, Invitation.State.ADMITTED):
                inv.state = Invitation.State.INVITED
            inv.janus_token = ""
            inv.save(update_fields=["state", "janus_token"])
            _event(
                room,
                RoomEvent.Kind.LINK_EXPIRED,
                subject=inv,
                at=now,
                expired_at=_iso(inv.expires_at),
            )

        def cut_off_all() -> None:
            for cut_off in cut_offs:
                cut_off()

        _changed(room, cut_off_all)
    return found


def end_room(chair: Invitation) -> Room:
    """The chair ends the meeting: Janus rooms go, the engagement becomes held."""
    with transaction.atomic():
        head = _require_chair(chair, gettext_lazy("Only the chair can end the meeting."))
        room = Room.objects.select_for_update().select_related("engagement").get(pk=head.room_id)
        now = timezone.now()
        current = _speaking(room)
        if current is not None:
            _finish(current, now)
        for inv in room.invitations.filter(online=True):
            _event(room, RoomEvent.Kind.LEFT, subject=inv, at=now)
        room.invitations.update(online=False)
        room.status = Room.Status.ENDED
        room.ended_at = now
        room.save(update_fields=["status", "ended_at"])
        held, reason = _mark_held(room, now)
        _event(room, RoomEvent.Kind.ENDED, actor=head, at=now, held=held, reason=reason)
        tokens = [t for t in room.invitations.values_list("janus_token", flat=True) if t]
        _changed(room, lambda: _tear_down(room, tokens))
    return room


def _mark_held(room: Room, now: dt.datetime) -> tuple[bool, str]:
    engagement = Engagement.objects.get(pk=room.engagement_id)
    if engagement.status == Status.HELD:
        return True, gettext_noop("already held")
    if engagement.status not in (Status.SCHEDULED, Status.PROPOSED):
        return False, gettext_noop("the engagement is neither scheduled nor proposed")
    if engagement.start is None:
        return False, gettext_noop("the engagement has no start")
    if engagement.start > now:
        return False, gettext_noop("the engagement starts in the future")
    try:
        with transaction.atomic():
            change_status(engagement, Status.HELD, room.created_by)
    except EngagementInvalid as exc:
        return False, str(exc)
    return True, ""


def _tear_down(room: Room, tokens: list[str]) -> None:
    try:
        endpoint = instances.endpoint_named(room.janus_instance)
    except LookupError:
        return
    if room.videoroom_id is not None:
        vid = room.videoroom_id
        _soft("destroy", endpoint.videoroom().destroy_room, vid, room.videoroom_secret)
    for bridge in _bridges(room):
        _soft(
            "destroy bridge",
            endpoint.audiobridge().destroy_room,
            bridge,
            room.audiobridge_secret,
        )
    admin = endpoint.admin()
    for token in [*tokens, room.press_janus_token]:
        _soft("remove_token", admin.remove_token, token)


# -- enforcing the floor in Janus ----------------------------------------------------------


def room_publisher_streams(admin: JanusAdmin, room_id: int) -> dict[int, list[PublishedStream]]:
    """Streams of every publisher of one VideoRoom, in one walk of the handles."""
    return {
        publisher: streams for publisher, (_, streams) in _walk_publishers(admin, room_id).items()
    }


def _walk_publishers(
    admin: JanusAdmin, room_id: int
) -> dict[int, tuple[int, list[PublishedStream]]]:
    """Publisher id → (its Janus handle, its streams), from the Admin API."""
    found: dict[int, tuple[int, list[PublishedStream]]] = {}
    for session_id in admin.list_sessions():
        try:
            handles = admin.list_handles(session_id)
        except JanusError:
            continue
        for handle_id in handles:
            try:
                info = admin.handle_info(session_id, handle_id)
            except JanusError:
                continue
            specific = info.get("plugin_specific", {})
            if info.get("plugin") != VIDEOROOM or specific.get("type") != "publisher":
                continue
            if specific.get("room") != room_id or "id" not in specific:
                continue
            found[int(specific["id"])] = (
                int(handle_id),
                [
                    PublishedStream(type=str(s.get("type", "")), mid=str(s.get("mid", "")))
                    for s in specific.get("streams", [])
                    if isinstance(s, dict)
                ],
            )
    return found


# Per worker: what the last walk found, and what was last sent to Janus for each audio line.
# Janus reports neither, and walking every handle costs 5N Admin API calls; a floor change
# uses these, the periodic sweep walks again (a new handle or line gets a key of its own).
_seen_publishers: dict[int, dict[int, tuple[int, list[PublishedStream]]]] = {}
_sent_moderation: dict[tuple[int, int, int, str], bool] = {}


def forget_moderation(room_id: int) -> None:
    """After a Janus restart nothing sent to it before holds."""
    _seen_publishers.pop(room_id, None)
    for key in [k for k in _sent_moderation if k[0] == room_id]:
        del _sent_moderation[key]


def _enforce_later(room_id: int) -> Callable[[], None]:
    return lambda: enforce_floor(room_id, walk=False)


def enforce_floor(room_id: int, *, walk: bool = True) -> None:
    """Make Janus forward exactly the audio Summitry allows, whatever the pages do.

    Muted publishers' audio m-lines are moderated, the others' released; an
    unknown publisher (not one who may be in the room now) is kicked. With
    ``walk=False`` (a floor change) the publishers found by the last walk are used
    and only the lines whose decision changed are sent. A walk (the periodic sweep, Janus's
    events) first cuts off the links that expired (:func:`cut_off_expired`).
    """
    if walk:
        cut_off_expired(room_id)
    room = Room.objects.filter(pk=room_id, status=Room.Status.OPEN).first()
    if room is None:
        return
    muted = dict(
        room.invitations.may_be_in_room(timezone.now()).values_list("janus_publisher_id", "muted")
    )
    try:
        endpoint = instances.endpoint_named(room.janus_instance)
    except LookupError:
        return
    if walk:
        _enforce_channels(room, endpoint)
    if room.videoroom_id is not None:
        control = endpoint.videoroom()
        publishers = None if walk else _seen_publishers.get(room_id)
        if publishers is not None:
            # One cheap call tells whether someone started publishing since the last walk.
            try:
                active = {
                    int(p.id) for p in control.list_participants(room.videoroom_id) if p.publisher
                }
            except JanusError:
                active = set()
            if not active <= publishers.keys():
                publishers = None
        if publishers is None:
            try:
                publishers = _walk_publishers(control.admin, room.videoroom_id)
            except JanusError as exc:
                logger.warning("Janus: cannot read the publishers of room %s: %s", room_id, exc)
                return
            _seen_publishers[room_id] = publishers
        for publisher, (handle, published) in publishers.items():
            if publisher not in muted:
                if not published or not walk:
                    continue  # joined to watch (the press view, a lobby page): no media
                _soft("kick", control.kick, room.videoroom_id, room.videoroom_secret, publisher)
                continue
            for stream in published:
                key = (room_id, handle, publisher, stream.mid)
                if stream.type != "audio" or _sent_moderation.get(key) == muted[publisher]:
                    continue
                try:
                    control.moderate(
                        room.videoroom_id,
                        room.videoroom_secret,
                        publisher,
                        stream.mid,
                        muted[publisher],
                    )
                except JanusError as exc:
                    logger.warning("Janus: moderate failed in room %s: %s", room_id, exc)
                    _sent_moderation.pop(key, None)
                else:
                    _sent_moderation[key] = muted[publisher]
    if room.audiobridge_id is not None:
        bridge = endpoint.audiobridge()
        try:
            present = bridge.list_participants(room.audiobridge_id)
        except JanusError as exc:
            logger.warning("Janus: cannot list the call of room %s: %s", room_id, exc)
            return
        for participant in present:
            pid = int(participant.id)
            if pid not in muted:
                _soft("kick", bridge.kick, room.audiobridge_id, room.audiobridge_secret, pid)
            elif participant.muted != muted[pid]:
                _soft(
                    "mute",
                    bridge.mute,
                    room.audiobridge_id,
                    room.audiobridge_secret,
                    pid,
                    muted[pid],
                )


def _enforce_channels(room: Room, endpoint: JanusEndpoint) -> None:
    """In a language channel only its interpreter is heard: a listener who unmutes is muted."""
    if not room.interpretation_rooms:
        return
    interpreters = dict(
        room.invitations.may_be_in_room(timezone.now())
        .filter(role=Invitation.Role.INTERPRETER)
        .values_list("language_to", "janus_publisher_id")
    )
    bridge = endpoint.audiobridge()
    for language, bridge_id in room.interpretation_rooms.items():
        try:
            present = bridge.list_participants(int(bridge_id))
        except JanusError as exc:
            logger.warning("Janus: cannot list channel %s of room %s: %s", language, room.pk, exc)
            continue
        for participant in present:
            if participant.muted is False and int(participant.id) != interpreters.get(language):
                _soft(
                    "mute listener",
                    bridge.mute,
                    int(bridge_id),
                    room.audiobridge_secret,
                    int(participant.id),
                    True,
                )


def restore_after_janus_restart(instance_name: str) -> list[Room]:
    """Put back, on a restarted Janus, every open room placed on it, from the database."""
    endpoint = instances.endpoint_named(instance_name)
    restored = []
    for room in Room.objects.filter(
        janus_instance=instance_name, status=Room.Status.OPEN
    ).select_related("engagement"):
        forget_moderation(room.pk)
        tokens = _admitted_tokens(room)
        try:
            admin = endpoint.admin()
            for token in tokens:
                admin.add_token(token)
            _create_janus_rooms(room, endpoint, room.invitations.count(), only_missing=True)
        except JanusError as exc:
            logger.error("restoring room %s on Janus %s failed: %s", room.pk, instance_name, exc)
            with transaction.atomic():
                _event(room, RoomEvent.Kind.JANUS_FAILED, error=str(exc))
            continue
        with transaction.atomic():
            _event(room, RoomEvent.Kind.JANUS_RESTORED, instance=instance_name)
            # Mutes come back when the pages publish again (enforce_floor).
            _changed(room)
        restored.append(room)
    return restored


# -- the state clients see -----------------------------------------------------------------


@dataclass
class StateParts:
    """The room's state: one public part, and each invitation's own part."""

    version: int
    ended: bool
    public: dict[str, Any]
    private: dict[int, dict[str, Any]]
    floor_ends_at: dt.datetime | None
    press_janus: dict[str, Any] | None
    #: Invitations whose link no longer opens the room (expired), with the reason their page
    #: is closed; they have no private part.
    closed: dict[int, _StrOrPromise] = field(default_factory=dict)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _speaking_in(requests: Sequence[SpeakerRequest]) -> SpeakerRequest | None:
    return next((r for r in requests if r.state == SpeakerRequest.State.SPEAKING), None)


def _ends_at(requests: Sequence[SpeakerRequest]) -> dt.datetime | None:
    speaking = _speaking_in(requests)
    if speaking is None or not speaking.started_at or not speaking.limit_seconds:
        return None
    return speaking.started_at + dt.timedelta(seconds=speaking.limit_seconds)


def _floor_parts(
    room: Room, requests: Sequence[SpeakerRequest], names: dict[int, str]
) -> dict[str, Any]:
    """The ``speakers`` and ``floor`` of the state (waiting and speaking requests in order)."""
    speaking = _speaking_in(requests)
    return {
        "speakers": [
            {
                "id": r.pk,
                "participant": r.invitation_id,
                "name": names.get(r.invitation_id, ""),
                "state": r.state,
                "requested_at": _iso(r.requested_at),
            }
            for r in requests
        ],
        "floor": {
            "speaker": speaking.invitation_id if speaking else None,
            "since": _iso(speaking.started_at) if speaking else None,
            "limit": speaking.limit_seconds if speaking else room.speaking_limit_seconds,
            "ends_at": _iso(_ends_at(requests)),
            "expired": bool(speaking and speaking.expired_at),
        },
    }


def floor_message(room_id: int, version: int) -> str:
    """The ``floor`` delta of ``version``: the floor, the speakers' list and who is muted."""
    room = Room.objects.get(pk=room_id)
    requests = list(
        room.speaker_requests.filter(
            state__in=[SpeakerRequest.State.WAITING, SpeakerRequest.State.SPEAKING]
        )
        .select_related("invitation__person")
        .order_by("position", "id")
    )
    names = {
        r.invitation_id: r.invitation.person.name
        for r in requests
        if r.invitation.revoked_at is None
    }
    muted = list(
        room.invitations.filter(revoked_at__isnull=True, muted=True)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    parts = _floor_parts(room, requests, names)
    return _compact({"type": "floor", "version": version, **parts, "muted": muted})


def state_parts(room_id: int) -> StateParts:
    """Everything the clients of a room need, in five queries."""
    room = Room.objects.select_related("engagement").get(pk=room_id)
    now = timezone.now()
    invitations = list(
        room.invitations.filter(revoked_at__isnull=True)
        .select_related("person__country")
        .order_by("order", "id")
    )
    working = set(room.invitations.link_works(now).values_list("pk", flat=True))
    present = set(room.invitations.may_be_in_room(now).values_list("pk", flat=True))
    requests = list(
        room.speaker_requests.filter(
            state__in=[SpeakerRequest.State.WAITING, SpeakerRequest.State.SPEAKING]
        ).order_by("position", "id")
    )
    names = {inv.pk: inv.person.name for inv in invitations}
    ends_at = _ends_at(requests)
    engagement = room.engagement
    participants, lobby = [], []
    for inv in invitations:
        entry = {
            "id": inv.pk,
            "name": inv.person.name,
            "country": inv.person.country.code if inv.person.country else None,
            "role": inv.role,
            "state": inv.state,
            "order": inv.order,
            "online": inv.online,
            "muted": inv.muted,
            "publisher_id": inv.janus_publisher_id,
            "language_from": inv.language_from or None,
            "language_to": inv.language_to or None,
            "screen": inv.sharing_screen and inv.online,
            "screen_allowed": inv.screen_allowed,
        }
        if inv.state == Invitation.State.WAITING:
            entry["since"] = _iso(inv.waiting_since)
            lobby.append(entry)
        elif inv.state != Invitation.State.BANNED:
            participants.append(entry)
    public: dict[str, Any] = {
        "version": room.version,
        "room": {
            "id": room.pk,
            "engagement": {"id": engagement.pk, "title": engagement.title, "kind": engagement.kind},
            "layout": room.layout,
            "status": room.status,
            "speaking_limit_seconds": room.speaking_limit_seconds,
            "auto_advance": room.auto_advance,
            "floor_control": room.floor_control,
            "interpretation_languages": list(room.interpretation_languages),
        },
        "participants": participants,
        "lobby": lobby,
        **_floor_parts(room, requests, names),
    }
    ended = room.status == Room.Status.ENDED
    janus_base: dict[str, Any] | None = None
    if not ended:
        try:
            endpoint = instances.endpoint_named(room.janus_instance)
        except LookupError:
            endpoint = None
        if endpoint is not None:
            interpreters = {
                inv.language_to: inv.pk
                for inv in invitations
                if inv.role == Invitation.Role.INTERPRETER and inv.pk in present
            }
            janus_base = {
                "api_url": endpoint.browser_api_url,
                "room": room.videoroom_id,
                "audio_only": room.layout == Room.Layout.AUDIO,
                "ice_servers": instances.ice_servers(),
                "audiobridge_room": room.audiobridge_id,
                "interpretation": {
                    code: {"audiobridge_room": bridge, "interpreter": interpreters.get(code)}
                    for code, bridge in room.interpretation_rooms.items()
                },
            }
    private: dict[int, dict[str, Any]] = {}
    closed: dict[int, _StrOrPromise] = {}
    for inv in invitations:
        if not ended and inv.pk not in working and inv.state != Invitation.State.BANNED:
            inv.room = room
            closed[inv.pk] = link_refusal(inv, now) or NO_LONGER_OPENS
            continue
        janus = None
        if janus_base is not None and inv.pk in present and inv.janus_token:
            janus = {
                **janus_base,
                "token": inv.janus_token,
                "publisher_id": inv.janus_publisher_id,
                "publish_to": inv.language_to or None
                if inv.role == Invitation.Role.INTERPRETER
                else None,
            }
        private[inv.pk] = {
            "you": {
                "id": inv.pk,
                "name": inv.person.name,
                "role": inv.role,
                "state": inv.state,
                "muted": inv.muted,
                "is_chair": inv.role == Invitation.Role.CHAIR,
                "publisher_id": inv.janus_publisher_id,
                "language_from": inv.language_from or None,
                "language_to": inv.language_to or None,
            },
            "janus": janus,
        }
    press_janus = (
        {**janus_base, "token": room.press_janus_token, "publisher_id": None, "view_only": True}
        if janus_base is not None
        else None
    )
    return StateParts(room.version, ended, public, private, ends_at, press_janus, closed)


PRESS_YOU = {"id": None, "name": "Press", "role": "press", "state": "watching", "is_chair": False}


def room_state(room: Room, for_invitation: Invitation | None) -> dict[str, Any]:
    """The whole state message for one participant (``None``: the press view)."""
    parts = state_parts(room.pk)
    if for_invitation is None:
        own: dict[str, Any] = {"you": PRESS_YOU, "janus": parts.press_janus}
    else:
        own = parts.private.get(for_invitation.pk) or {"you": None, "janus": None}
    return {"type": "state", **parts.public, **own}
