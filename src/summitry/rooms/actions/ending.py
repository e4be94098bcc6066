"""Ending a meeting, and reopening one ended by mistake.

Ending: the Janus rooms go; the engagement becomes held when it has started, or, ended before
its scheduled start, when the chair says it was held (then with its real start: the first
arrival in the room). The outcome is journalled with a code (``outcome``) that pages word for
the chair. Reopening (an editor): the room opens again with new Janus rooms; every link that has
not expired works again, and its holder passes the lobby again.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from summitry.engagements.models import Engagement, Status
from summitry.engagements.services import (
    EngagementInvalid,
    change_status,
    input_from,
    update_engagement,
)
from summitry.rooms import instances
from summitry.rooms.actions.access import require_chair
from summitry.rooms.actions.floor import finish, speaking
from summitry.rooms.broadcast import changed
from summitry.rooms.journal import record
from summitry.rooms.media import create_janus_rooms, forget_moderation, tear_down
from summitry.rooms.models import Invitation, Room, RoomEvent
from summitry.rooms.rules import RoomRefusal

if TYPE_CHECKING:
    from summitry.accounts.models import User

#: Outcome codes of an ending (journalled as ``outcome``; ``room.outcome`` in the state).
HELD = "held"
ALREADY_HELD = "already_held"
HELD_EARLY = "held_early"  # ended before the scheduled start; the chair said it was held
NOT_HELD = "not_held"  # the chair said it was not held
FUTURE = "future"  # ended before the scheduled start, nothing said
NOT_SCHEDULED = "not_scheduled"
NO_START = "no_start"
INVALID = "invalid"

#: Each outcome in words (the journal; room.js words them for the chair's page too).
OUTCOME_WORDS = {
    HELD: gettext_lazy("The engagement is now recorded as held."),
    ALREADY_HELD: gettext_lazy("The engagement was already recorded as held."),
    HELD_EARLY: gettext_lazy(
        "The engagement is now recorded as held, from the first arrival in the room."
    ),
    NOT_HELD: gettext_lazy("The engagement is not recorded as held: the chair said it was not."),
    FUTURE: gettext_lazy(
        "The engagement is not recorded as held: it was scheduled to start later."
    ),
    NOT_SCHEDULED: gettext_lazy(
        "The engagement is not recorded as held: it is neither scheduled nor proposed."
    ),
    NO_START: gettext_lazy("The engagement is not recorded as held: it has no start."),
    INVALID: gettext_lazy("The engagement could not be recorded as held."),
}


def end_room(chair: Invitation, held: object = None) -> Room:
    """The chair ends the meeting; ``held`` answers "was it held?" when it ends before its
    scheduled start (``None``: not asked)."""
    if held is not None and not isinstance(held, bool):
        raise RoomRefusal(gettext("held: say true or false."))
    with transaction.atomic():
        head = require_chair(chair, gettext_lazy("Only the chair can end the meeting."))
        room = Room.objects.select_for_update().select_related("engagement").get(pk=head.room_id)
        now = timezone.now()
        current = speaking(room)
        if current is not None:
            finish(current, now)
        for inv in room.invitations.filter(online=True):
            record(room, RoomEvent.Kind.LEFT, subject=inv, at=now)
        room.invitations.update(online=False, sharing_screen=False)
        room.status = Room.Status.ENDED
        room.ended_at = now
        room.save(update_fields=["status", "ended_at"])
        outcome, detail = _mark_held(room, now, held)
        record(
            room, RoomEvent.Kind.ENDED, actor=head, at=now,
            held=outcome in (HELD, ALREADY_HELD, HELD_EARLY), outcome=outcome, reason=detail,
        )  # fmt: skip
        tokens = [t for t in room.invitations.values_list("janus_token", flat=True) if t]
        changed(room, lambda: tear_down(room, tokens))
    return room


def real_start(room: Room, fallback: dt.datetime) -> dt.datetime:
    """When the meeting really began: the first arrival in the room (else ``fallback``)."""
    first = (
        room.events.filter(kind__in=[RoomEvent.Kind.JOINED, RoomEvent.Kind.ADMITTED])
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    return first or fallback


def _mark_held(room: Room, now: dt.datetime, held: bool | None) -> tuple[str, str]:
    engagement = Engagement.objects.get(pk=room.engagement_id)
    if engagement.status == Status.HELD:
        return ALREADY_HELD, ""
    if engagement.status not in (Status.SCHEDULED, Status.PROPOSED):
        return NOT_SCHEDULED, ""
    early = engagement.start is None or engagement.start > now
    if held is False:
        return NOT_HELD, ""
    if early and held is None:
        return (NO_START if engagement.start is None else FUTURE), ""
    try:
        with transaction.atomic():
            if early:
                data = input_from(engagement)
                data.status = Status.HELD
                data.start = real_start(room, now)
                data.end = now
                update_engagement(engagement, data, room.created_by)
            else:
                change_status(engagement, Status.HELD, room.created_by)
    except EngagementInvalid as exc:
        return INVALID, str(exc)
    return (HELD_EARLY if early else HELD), ""


def reopen_room(room: Room, by: User | None) -> Room:
    """An editor reopens a room ended by mistake: links that have not expired work again."""
    with transaction.atomic():
        room = Room.objects.select_for_update().select_related("engagement").get(pk=room.pk)
        if room.status != Room.Status.ENDED:
            raise RoomRefusal(gettext("This room is open already."))
        if room.engagement.status == Status.CANCELLED:
            raise RoomRefusal(gettext("The engagement is cancelled: its room cannot be reopened."))
        room.status = Room.Status.OPEN
        room.ended_at = None
        room.save(update_fields=["status", "ended_at"])
        # Everyone passes the lobby again (the chair goes straight in), with new Janus tokens.
        room.invitations.filter(
            state__in=[Invitation.State.ADMITTED, Invitation.State.WAITING]
        ).update(state=Invitation.State.INVITED, janus_token="", muted=False, waiting_since=None)
        record(room, RoomEvent.Kind.REOPENED, by=getattr(by, "username", ""))
        changed(room, lambda: _recreate(room.pk))
    return room


def _recreate(room_id: int) -> None:
    room = Room.objects.select_related("engagement").get(pk=room_id)
    forget_moderation(room_id)
    create_janus_rooms(
        room, instances.endpoint_named(room.janus_instance), room.invitations.count()
    )
