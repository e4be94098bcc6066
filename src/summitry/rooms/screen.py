"""Screen sharing: who may share, one screen at a time, and the chair's stop; journalled.

The screen is a second video stream of the sharer's own VideoRoom publisher (multistream).
Summitry decides who may share and tells every page who shares (``screen`` on each
participant of the state); pages show that stream large. Stopping someone else's screen also
has Janus hold that stream back (``moderate``), so a page that keeps sending is not seen.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from summitry.rooms import instances
from summitry.rooms.actions import access
from summitry.rooms.actions.access import check_open, fresh, require_chair, target_in_room
from summitry.rooms.actions.floor import speaking
from summitry.rooms.broadcast import changed
from summitry.rooms.janus.client import JanusError
from summitry.rooms.janus.control import publishers_of
from summitry.rooms.journal import record
from summitry.rooms.models import Invitation, Room, RoomEvent
from summitry.rooms.rules import RoomRefusal

logger = logging.getLogger(__name__)

#: Roles that never share: observers watch, interpreters speak in their channel.
NEVER_SHARE = frozenset({Invitation.Role.OBSERVER, Invitation.Role.INTERPRETER})


def may_share(inv: Invitation, room: Room, speaker_id: int | None) -> bool:
    """The chair; anyone when floor control is off; otherwise the speaker or whom the chair
    allowed."""
    if inv.state != Invitation.State.ADMITTED or inv.role in NEVER_SHARE:
        return False
    if inv.role == Invitation.Role.CHAIR or not room.floor_control or inv.screen_allowed:
        return True
    return speaker_id == inv.pk


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
            changed(room, lambda: _hold_screen(room.pk, inv.janus_publisher_id, False))
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
            held = target.pk != actor.pk
            publisher = target.janus_publisher_id
            room_id = target.room_id
            changed(target.room, (lambda: _hold_screen(room_id, publisher, True)) if held else None)
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
            changed(target.room)
    return target


def _hold_screen(room_id: int, publisher: int, held: bool) -> None:
    """Janus holds back (or forwards again) every video stream of ``publisher`` but its
    first: the camera stays, the screen goes."""
    room = Room.objects.filter(pk=room_id).first()
    if room is None or room.videoroom_id is None:
        return
    try:
        control = instances.endpoint_named(room.janus_instance).videoroom()
        found = publishers_of(control.admin, room.videoroom_id).get(publisher)
        if found is None:
            return
        videos = [s for s in found[1] if s.type == "video"]
        for stream in videos[1:]:
            control.moderate(room.videoroom_id, room.videoroom_secret, publisher, stream.mid, held)
    except (LookupError, JanusError) as exc:
        logger.warning(
            "Janus: cannot hold the screen of %s in room %s: %s", publisher, room_id, exc
        )
