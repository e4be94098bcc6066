"""The room's chat: to everyone, or privately to the chair; kept with the room's journal.

Text only (the pages set it as text, never HTML), at most :data:`MAX_LENGTH` characters, and a
few lines a sender per :data:`RATE_WINDOW`. The chair may hide a line: it is kept and marked
(who hid it, when; the journal says so too), and pages show that it was hidden. Lines reach the
pages through the room's channel-layer group once the write is committed; a page that connects
gets what it may see (:func:`history_for`).
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from summitry.rooms.actions.access import check_open, fresh, require_chair
from summitry.rooms.broadcast import to_pages
from summitry.rooms.journal import record
from summitry.rooms.models import ChatMessage, Invitation, Room, RoomEvent
from summitry.rooms.rules import RoomRefusal

MAX_LENGTH = 1000
TO_EVERYONE = "all"
TO_CHAIR = "chair"


def rate_limit() -> tuple[int, float]:
    """At most this many lines per sender in this many seconds."""
    count, _, seconds = str(getattr(settings, "SUMMITRY_ROOMS_CHAT_RATE", "5/10")).partition("/")
    return int(count), float(seconds or 10)


def clean_text(text: object) -> str:
    """Plain text: no control characters but line breaks and tabs; trimmed; not empty."""
    if not isinstance(text, str):
        raise RoomRefusal(gettext("text: write a message."))
    cleaned = "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co")
    ).strip()
    if not cleaned:
        raise RoomRefusal(gettext("text: write a message."))
    if len(cleaned) > MAX_LENGTH:
        raise RoomRefusal(
            gettext("text: a message has at most %(limit)d characters.") % {"limit": MAX_LENGTH}
        )
    return cleaned


def as_message(line: ChatMessage, names: dict[int, str], for_chair: bool) -> dict[str, Any]:
    """A line as pages get it; a hidden line's text only for the chair."""
    hidden = line.hidden_at is not None
    return {
        "id": line.pk,
        "from": line.sender_id,
        "name": names.get(line.sender_id, ""),
        "to": TO_CHAIR if line.to_chair else TO_EVERYONE,
        "at": line.at.isoformat(),
        "text": line.text if for_chair or not hidden else "",
        "hidden": hidden,
    }


def _visible_in_room(viewer: Invitation) -> QuerySet[ChatMessage]:
    lines = ChatMessage.objects.filter(room_id=viewer.room_id)
    if viewer.role == Invitation.Role.CHAIR:
        return lines
    return lines.filter(Q(to_chair=False) | Q(sender_id=viewer.pk))


def history_for(viewer: Invitation) -> list[dict[str, Any]]:
    """What a participant's page shows on connecting: lines to everyone, and their own."""
    lines = list(_visible_in_room(viewer).select_related("sender__person"))
    names = {line.sender_id: line.sender.person.name for line in lines}
    return [as_message(line, names, viewer.role == Invitation.Role.CHAIR) for line in lines]


def post(invitation: Invitation, text: object, to: object = TO_EVERYONE) -> ChatMessage:
    """A participant writes a line, to everyone or privately to the chair."""
    if to not in (TO_EVERYONE, TO_CHAIR):
        raise RoomRefusal(gettext("to: send to everyone or to the chair."))
    cleaned = clean_text(text)
    with transaction.atomic():
        inv = fresh(invitation)
        check_open(inv)
        if inv.state != Invitation.State.ADMITTED:
            raise RoomRefusal(gettext("You can write in the chat once you are admitted."))
        now = timezone.now()
        count, seconds = rate_limit()
        recent = ChatMessage.objects.filter(
            sender=inv, at__gt=now - dt.timedelta(seconds=seconds)
        ).count()
        if recent >= count:
            raise RoomRefusal(
                gettext("You are writing too fast: wait a few seconds and send it again.")
            )
        line = ChatMessage.objects.create(
            room_id=inv.room_id, sender=inv, to_chair=to == TO_CHAIR, text=cleaned, at=now
        )
        names = {inv.pk: inv.person.name}
        event = {
            "type": "room.chat",
            "sender": inv.pk,
            "to_chair": line.to_chair,
            "text": _compact({"type": "chat", **as_message(line, names, True)}),
        }
        room_id = inv.room_id
        transaction.on_commit(lambda: to_pages(room_id, event))
    return line


def hide(chair: Invitation, message: object) -> ChatMessage:
    """The chair hides a line: kept, marked hidden, journalled; pages stop showing its text."""
    if not isinstance(message, int) or isinstance(message, bool):
        raise RoomRefusal(gettext("message: say which message (its id)."))
    with transaction.atomic():
        head = require_chair(chair, gettext_lazy("Only the chair can hide a message."))
        line = (
            ChatMessage.objects.select_for_update()
            .filter(pk=message, room_id=head.room_id)
            .select_related("sender")
            .first()
        )
        if line is None:
            raise RoomRefusal(gettext("message: there is no such message in this room."))
        if line.hidden_at is None:
            line.hidden_at = timezone.now()
            line.hidden_by = head
            line.save(update_fields=["hidden_at", "hidden_by"])
            record(
                head.room, RoomEvent.Kind.CHAT_HIDDEN, actor=head, subject=line.sender,
                message=line.pk,
            )  # fmt: skip
            event = {
                "type": "room.chat",
                "sender": line.sender_id,
                "to_chair": line.to_chair,
                "text": _compact({"type": "chat_hidden", "id": line.pk}),
            }
            room_id = head.room_id
            transaction.on_commit(lambda: to_pages(room_id, event))
    return line


def kept_for(room: Room) -> list[ChatMessage]:
    """The chat as kept with the room's journal (whose page is for the record's editors, as
    the record's access rule decides): every line, private and hidden ones marked."""
    return list(room.chat.select_related("sender__person", "hidden_by__person"))


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
