"""The rooms' domain rules that hold no state: which engagements get a room and how, who the
floor never mutes, tokens and Janus ids, why a link is refused, and the refusals themselves."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from summitry.directory.models import Person
from summitry.engagements.models import Engagement, Kind, Role
from summitry.rooms.models import Invitation, Room

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


LIVE_KINDS = frozenset(
    {Kind.TELEPHONE_CALL, Kind.VIDEO_MEETING, Kind.VIRTUAL_SUMMIT, Kind.VIDEO_CONFERENCE}
)
LAYOUTS = {
    Kind.TELEPHONE_CALL: Room.Layout.AUDIO,
    Kind.VIDEO_MEETING: Room.Layout.GALLERY,
    Kind.VIRTUAL_SUMMIT: Room.Layout.SPEAKER,
    Kind.VIDEO_CONFERENCE: Room.Layout.SPEAKER,
}
#: A participant's role in the register decides their role in the room (else: participant).
ROLE_FROM_REGISTER: dict[str, str] = {
    Role.OBSERVER: Invitation.Role.OBSERVER,
    Role.INTERPRETER: Invitation.Role.INTERPRETER,
}
FLOOR_CONTROL_BY_DEFAULT = frozenset({Kind.VIRTUAL_SUMMIT, Kind.VIDEO_CONFERENCE})
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
#: Roles the floor never mutes: the chair runs it, interpreters speak into their channel.
FLOOR_EXEMPT = frozenset({Invitation.Role.CHAIR, Invitation.Role.INTERPRETER})
#: Roles that never share a screen: observers watch, interpreters speak in their channel.
NEVER_SHARE = frozenset({Invitation.Role.OBSERVER, Invitation.Role.INTERPRETER})
_JS_SAFE = 2**52


def may_share(inv: Invitation, room: Room, speaker_id: int | None) -> bool:
    """The chair; anyone when floor control is off; otherwise the speaker or whom the chair
    allowed."""
    if inv.state != Invitation.State.ADMITTED or inv.role in NEVER_SHARE:
        return False
    if inv.role == Invitation.Role.CHAIR or not room.floor_control or inv.screen_allowed:
        return True
    return speaker_id == inv.pk


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


class PlaceTaken(RoomRefusal):
    """A newer page of the same person holds their place in the room (:func:`new_page_id`)."""


PAGE_ID = re.compile(r"([0-9a-f]{1,13})-[0-9a-f]{8}")


def new_page_id(now: dt.datetime | None = None) -> str:
    """A join page's own id, made as it is served: when (ms) and a random part. Of a person's
    pages the newest holds their place in the room (a crashed one's is taken back)."""
    at = int((now or timezone.now()).timestamp() * 1000)
    return f"{at:x}-{secrets.token_hex(4)}"


def page_served_at(page: str) -> int | None:
    """The ms a page id was made at, or ``None`` for what is not a page id."""
    match = PAGE_ID.fullmatch(page)
    return int(match[1], 16) if match else None


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


def janus_id() -> int:
    return secrets.randbelow(_JS_SAFE - 1) + 1


def default_expiry(engagement: Engagement) -> dt.datetime:
    now = timezone.now()
    if engagement.end is not None:
        ends = engagement.end
    elif engagement.start is not None:
        ends = engagement.start + dt.timedelta(days=1)
    else:
        ends = now + dt.timedelta(days=1)
    # A link must outlive the meeting, and be usable a while when opened late.
    return max(ends, now + dt.timedelta(hours=1))


def clean_languages(languages: Iterable[str]) -> list[str]:
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
PLACE_TAKEN = gettext_lazy(
    "You opened this meeting in another window or on another device, which took your place. "
    "Join again to take it back here."
)
