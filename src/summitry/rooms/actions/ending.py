"""Ending a meeting: the Janus rooms go, the engagement becomes held when it has started."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from summitry.engagements.models import Engagement, Status
from summitry.engagements.services import EngagementInvalid, change_status
from summitry.rooms.actions.access import require_chair
from summitry.rooms.actions.floor import finish, speaking
from summitry.rooms.broadcast import changed
from summitry.rooms.journal import record
from summitry.rooms.media import tear_down
from summitry.rooms.models import Invitation, Room, RoomEvent


def end_room(chair: Invitation) -> Room:
    """The chair ends the meeting: Janus rooms go, the engagement becomes held."""
    with transaction.atomic():
        head = require_chair(chair, gettext_lazy("Only the chair can end the meeting."))
        room = Room.objects.select_for_update().select_related("engagement").get(pk=head.room_id)
        now = timezone.now()
        current = speaking(room)
        if current is not None:
            finish(current, now)
        for inv in room.invitations.filter(online=True):
            record(room, RoomEvent.Kind.LEFT, subject=inv, at=now)
        room.invitations.update(online=False)
        room.status = Room.Status.ENDED
        room.ended_at = now
        room.save(update_fields=["status", "ended_at"])
        held, reason = _mark_held(room, now)
        record(room, RoomEvent.Kind.ENDED, actor=head, at=now, held=held, reason=reason)
        tokens = [t for t in room.invitations.values_list("janus_token", flat=True) if t]
        changed(room, lambda: tear_down(room, tokens))
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
