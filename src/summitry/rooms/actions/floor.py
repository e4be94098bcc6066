"""The speakers' list and the floor: asking, withdrawing, giving, time running out, mutes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from summitry.rooms.actions.access import check_open, fresh, require_chair, target
from summitry.rooms.broadcast import changed
from summitry.rooms.journal import record
from summitry.rooms.media import enforce_later
from summitry.rooms.models import Invitation, Room, RoomEvent, SpeakerRequest
from summitry.rooms.rules import FLOOR_EXEMPT, RoomRefusal, may_share

#: The journal's reason when a screen ends because its sharer no longer has the floor.
FLOOR_PASSED = gettext_noop("the floor passed")


def speaking(room: Room) -> SpeakerRequest | None:
    return (
        SpeakerRequest.objects.filter(room=room, state=SpeakerRequest.State.SPEAKING)
        .select_related("invitation")
        .first()
    )


def end_turn(inv: Invitation, at: dt.datetime) -> bool:
    """Close the person's turn or request (they left, were removed, withdrew); True when a
    screen ended with the turn (:func:`end_screens`)."""
    for request in SpeakerRequest.objects.filter(
        invitation=inv, state__in=[SpeakerRequest.State.WAITING, SpeakerRequest.State.SPEAKING]
    ):
        if request.state == SpeakerRequest.State.SPEAKING:
            finish(request, at)
        else:
            request.state = SpeakerRequest.State.WITHDRAWN
            request.ended_at = at
            request.save(update_fields=["state", "ended_at"])
    return end_screens(inv.room, at)


def end_screens(room: Room, at: dt.datetime, reason: str = FLOOR_PASSED) -> bool:
    """A screen lasts while its sharer may share: once the floor passes on (given, yielded,
    time up), the former speaker's screen ends, journalled, and Janus holds it back
    (:func:`summitry.rooms.media.apply_floor`) whatever their page does. True when one ended."""
    if not room.floor_control:
        return False
    sharing = list(room.invitations.filter(sharing_screen=True).select_for_update())
    if not sharing:  # the usual case: one query
        return False
    current = speaking(room)
    speaker_id = current.invitation_id if current else None
    ended = False
    for inv in sharing:
        if may_share(inv, room, speaker_id):
            continue
        inv.sharing_screen = False
        inv.save(update_fields=["sharing_screen"])
        record(room, RoomEvent.Kind.SCREEN_STOPPED, subject=inv, at=at, reason=reason)
        ended = True
    return ended


def floor_changed(room: Room, screens_ended: bool, *, enforce: bool = True) -> None:
    """Broadcast a floor change: the small floor delta, or the whole state when a screen ended
    with it; then Janus applies it (a walk, to find the screen's stream, when one ended)."""
    after = enforce_later(room.pk, walk=screens_ended) if enforce or screens_ended else None
    changed(room, after, scope="full" if screens_ended else "floor")


def finish(request: SpeakerRequest, at: dt.datetime) -> None:
    request.state = SpeakerRequest.State.DONE
    request.ended_at = at
    request.save(update_fields=["state", "ended_at"])
    seconds = (at - request.started_at).total_seconds() if request.started_at else 0.0
    record(
        request.room,
        RoomEvent.Kind.FLOOR_ENDED,
        subject=request.invitation,
        at=at,
        seconds=round(seconds, 1),
    )


def request_floor(invitation: Invitation) -> SpeakerRequest:
    with transaction.atomic():
        inv = fresh(invitation)
        check_open(inv)
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
        record(inv.room, RoomEvent.Kind.FLOOR_REQUESTED, actor=inv, subject=inv)
        changed(inv.room, scope="floor")
    return request


def withdraw(invitation: Invitation) -> None:
    """Leave the speakers' list (or yield the floor when speaking)."""
    with transaction.atomic():
        inv = fresh(invitation)
        check_open(inv)
        requests = SpeakerRequest.objects.filter(
            invitation=inv,
            state__in=[SpeakerRequest.State.WAITING, SpeakerRequest.State.SPEAKING],
        )
        if not requests.exists():
            raise RoomRefusal(gettext("You are not on the speakers' list."))
        ended = end_turn(inv, timezone.now())
        record(inv.room, RoomEvent.Kind.FLOOR_WITHDRAWN, actor=inv, subject=inv)
        floor_changed(inv.room, ended, enforce=False)


def _give(room: Room, inv: Invitation, actor: Invitation | None, now: dt.datetime) -> bool:
    """Give ``inv`` the floor; True when the former speaker's screen ended with it."""
    current = speaking(room)
    if current is not None:
        finish(current, now)
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
    record(room, RoomEvent.Kind.FLOOR_GIVEN, actor=actor, subject=inv, at=now)
    if room.floor_control:
        # The speaker is heard; every other publisher (but the chair and interpreters) is not.
        room.invitations.filter(state=Invitation.State.ADMITTED).exclude(
            role__in=FLOOR_EXEMPT
        ).exclude(pk=inv.pk).update(muted=True)
        room.invitations.filter(pk=inv.pk).update(muted=False)
    return end_screens(room, now)


def give_floor(chair: Invitation, invitation: Invitation | int) -> None:
    with transaction.atomic():
        head = require_chair(chair, gettext_lazy("Only the chair can give the floor."))
        inv = target(head, invitation)
        if inv.state != Invitation.State.ADMITTED:
            raise RoomRefusal(gettext("%(person)s is not in the meeting.") % {"person": inv.person})
        if inv.role == Invitation.Role.OBSERVER:
            raise RoomRefusal(gettext("Observers cannot take the floor."))
        floor_changed(head.room, _give(head.room, inv, head, timezone.now()))


def next_speaker(chair: Invitation) -> Invitation:
    with transaction.atomic():
        head = require_chair(chair, gettext_lazy("Only the chair can give the floor."))
        request = _next_waiting(head.room)
        if request is None:
            raise RoomRefusal(gettext("No one is waiting on the speakers' list."))
        floor_changed(head.room, _give(head.room, request.invitation, head, timezone.now()))
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
        locked = Room.objects.select_for_update().select_related("engagement").get(pk=room_id)
        if locked.status != Room.Status.OPEN:
            return False
        current = speaking(locked)
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
        record(locked, RoomEvent.Kind.TIME_EXPIRED, subject=current.invitation, at=now)
        ended = False
        if locked.auto_advance:
            following = _next_waiting(locked)
            if following is not None:
                ended = _give(locked, following.invitation, None, now)
            else:
                finish(current, now)
                if locked.floor_control and current.invitation.role not in FLOOR_EXEMPT:
                    locked.invitations.filter(pk=current.invitation_id).update(muted=True)
                ended = end_screens(locked, now)
        floor_changed(locked, ended)
    return True


def _set_muted(chair: Invitation, invitation: Invitation | int, muted: bool) -> Invitation:
    with transaction.atomic():
        head = require_chair(chair, gettext_lazy("Only the chair can mute or unmute participants."))
        inv = target(head, invitation)
        if inv.state != Invitation.State.ADMITTED:
            raise RoomRefusal(gettext("%(person)s is not in the meeting.") % {"person": inv.person})
        inv.muted = muted
        inv.save(update_fields=["muted"])
        kind = RoomEvent.Kind.MUTED if muted else RoomEvent.Kind.UNMUTED
        record(head.room, kind, actor=head, subject=inv)
        changed(head.room, enforce_later(head.room.pk), scope="floor")
    return inv


def mute(chair: Invitation, invitation: Invitation | int) -> Invitation:
    return _set_muted(chair, invitation, True)


def unmute(chair: Invitation, invitation: Invitation | int) -> Invitation:
    return _set_muted(chair, invitation, False)
