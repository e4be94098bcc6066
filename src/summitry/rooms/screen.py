"""Screen sharing: who may share, one screen at a time, and the chair's stop; journalled.

The screen is a second video stream of the sharer's own VideoRoom publisher (multistream).
Summitry decides who may share and tells every page who shares (``screen`` on each
participant of the state); pages show that stream large. Janus forwards a screen only while
its sharer shares here (:func:`summitry.rooms.media.apply_floor`), so a page that keeps sending
after the chair's stop, or after the floor passed on, is not seen.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from summitry.rooms.actions import access
from summitry.rooms.actions.access import check_open, fresh, require_chair, target_in_room
from summitry.rooms.actions.floor import end_screens, speaking
from summitry.rooms.broadcast import changed
from summitry.rooms.journal import record
from summitry.rooms.media import enforce_later
from summitry.rooms.models import Invitation, Room, RoomEvent
from summitry.rooms.rules import RoomRefusal, may_share

#: The journal's reason when the chair withdraws the permission of someone sharing.
NO_LONGER_ALLOWED = gettext_noop("screen sharing no longer allowed")


def _speaker_id(room: Room) -> int | None:
    current = speaking(room)
    return current.invitation_id if current else None


def start(invitation: Invitation) -> Invitation:
    """The person starts sharing (their page adds the screen to its publisher)."""
    with transaction.atomic():
        inv = fresh(invitation)
        check_open(inv)
        room = inv.room
        if not may_share(inv, room, _speaker_id(room)):
            raise RoomRefusal(
                gettext(
                    "You can share your screen when you have the floor, "
                    "or once the chair allows it."
                )
            )
        other = (
            room.invitations.filter(
                sharing_screen=True, online=True, state=Invitation.State.ADMITTED
            )
            .exclude(pk=inv.pk)
            .select_related("person")
            .first()
        )
        if other is not None:
            raise RoomRefusal(
                gettext("%(name)s is sharing a screen; wait until they stop.")
                % {"name": other.person.name}
            )
        if not inv.sharing_screen:
            inv.sharing_screen = True
            inv.save(update_fields=["sharing_screen"])
            record(room, RoomEvent.Kind.SCREEN_SHARED, actor=inv, subject=inv)
            # A walk: Janus forwards the new screen (its mid may have been held before).
            changed(room, enforce_later(room.pk, walk=True))
    return inv


def stop(invitation: Invitation, participant: object = None) -> Invitation:
    """The sharer stops; or the chair stops someone else's screen (``participant``)."""
    with transaction.atomic():
        if participant is None or participant == invitation.pk:
            actor = fresh(invitation)
            check_open(actor)
            target = actor
        else:
            actor = require_chair(
                invitation, gettext_lazy("Only the chair can stop someone else's screen.")
            )
            target = access.target(actor, target_in_room(actor.room_id, participant))
        if target.sharing_screen:
            target.sharing_screen = False
            target.save(update_fields=["sharing_screen"])
            record(target.room, RoomEvent.Kind.SCREEN_STOPPED, actor=actor, subject=target)
            # Janus holds the screen back, should the page keep sending it.
            changed(target.room, enforce_later(target.room_id, walk=True))
    return target


def allow(chair: Invitation, participant: object, allowed: bool) -> Invitation:
    """The chair lets someone share without the floor, or takes that back."""
    with transaction.atomic():
        head = require_chair(
            chair, gettext_lazy("Only the chair can allow someone to share a screen.")
        )
        target = access.target(head, target_in_room(head.room_id, participant))
        if target.screen_allowed != allowed:
            target.screen_allowed = allowed
            target.save(update_fields=["screen_allowed"])
            record(
                target.room,
                RoomEvent.Kind.SCREEN_ALLOWED,
                actor=head,
                subject=target,
                allowed=allowed,
            )
            ended = end_screens(target.room, timezone.now(), NO_LONGER_ALLOWED)
            changed(target.room, enforce_later(target.room_id, walk=True) if ended else None)
    return target
