"""Opening a room, inviting, press links, revoking and re-issuing personal links."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from summitry.directory.models import Person
from summitry.engagements.models import Engagement, Kind
from summitry.rooms import instances
from summitry.rooms.actions.access import fresh
from summitry.rooms.actions.floor import end_turn
from summitry.rooms.broadcast import changed
from summitry.rooms.janus.client import JanusError
from summitry.rooms.journal import record
from summitry.rooms.media import create_janus_rooms, cut_off_later
from summitry.rooms.models import Invitation, Room, RoomEvent
from summitry.rooms.placement import NoJanusAvailable, choose_instance
from summitry.rooms.rules import (
    FLOOR_CONTROL_BY_DEFAULT,
    LAYOUTS,
    LIVE_KINDS,
    ROLE_FROM_REGISTER,
    Invitee,
    RoomRefusal,
    clean_languages,
    default_expiry,
    hash_token,
    janus_id,
    new_token,
)

if TYPE_CHECKING:
    from summitry.accounts.models import User


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
    languages = clean_languages(interpretation_languages)
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
        videoroom_id=None if audio_only else janus_id(),
        videoroom_secret="" if audio_only else secrets.token_urlsafe(24),
        audiobridge_id=janus_id() if audio_only else None,
        audiobridge_secret=secrets.token_urlsafe(24) if (audio_only or languages) else "",
        interpretation_rooms={code: janus_id() for code in languages},
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
        record(room, RoomEvent.Kind.OPENED, by=getattr(by, "username", None))
        for order, invitee in enumerate(people):
            tokens[invitee.person.pk] = _create_invitation(room, invitee, order, by)
        try:
            create_janus_rooms(room, endpoint, capacity=len(people))
        except JanusError as exc:
            raise RoomRefusal(
                gettext("The media server refused to create the room: %(error)s") % {"error": exc}
            ) from exc
        changed(room)
    return room, tokens


def invitees_from_register(engagement: Engagement, languages: Sequence[str]) -> list[Invitee]:
    """The register's participants as the room's invitees. An interpreter interprets into the
    first language until set otherwise, and is left out of a room without interpretation."""
    invitees = []
    for participation in engagement.participations.select_related("person"):
        role = ROLE_FROM_REGISTER.get(participation.role, Invitation.Role.PARTICIPANT)
        if role != Invitation.Role.INTERPRETER:
            invitees.append(Invitee(participation.person, role))
        elif languages:
            invitees.append(Invitee(participation.person, role, "", languages[0]))
    return invitees


def _create_invitation(room: Room, invitee: Invitee, order: int, by: User | None) -> str:
    token = new_token()
    used = set(room.invitations.values_list("janus_publisher_id", flat=True))
    publisher_id = janus_id()
    while publisher_id in used:
        publisher_id = janus_id()
    invitation = Invitation.objects.create(
        room=room,
        person=invitee.person,
        role=invitee.role,
        language_from=invitee.language_from,
        language_to=invitee.language_to,
        token_hash=hash_token(token),
        expires_at=default_expiry(room.engagement),
        order=order,
        janus_publisher_id=publisher_id,
    )
    record(room, RoomEvent.Kind.INVITED, subject=invitation, by=getattr(by, "username", None))
    return token


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
        changed(room)
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
        inv = fresh(invitation)
        if inv.revoked_at is None:
            inv.revoked_at = timezone.now()
            inv.save(update_fields=["revoked_at"])
            record(inv.room, RoomEvent.Kind.REVOKED, subject=inv, by=getattr(by, "username", None))
            end_turn(inv, timezone.now())
            changed(inv.room, cut_off_later(inv))
            inv.janus_token = ""
            inv.save(update_fields=["janus_token"])
    return inv


def reissue_link(invitation: Invitation, by: User | None = None) -> tuple[Invitation, str]:
    """A new personal link for the same invitation (lost, leaked, or revoked by mistake): the
    previous link and its Janus access stop working, and the holder of the new one passes the
    lobby again. Returns the invitation and its new token (shown once)."""
    with transaction.atomic():
        inv = fresh(invitation)
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
        cut_off = cut_off_later(inv) if inv.revoked_at is None and inv.janus_token else None
        token = new_token()
        inv.token_hash = hash_token(token)
        inv.revoked_at = None
        # A new link for an expired one must open the room: as long as a new invitation's.
        inv.expires_at = max(inv.expires_at, default_expiry(inv.room.engagement))
        if inv.state in (Invitation.State.ADMITTED, Invitation.State.WAITING):
            inv.state = Invitation.State.INVITED
        inv.save(update_fields=["token_hash", "revoked_at", "expires_at", "state"])
        record(inv.room, RoomEvent.Kind.REISSUED, subject=inv, by=getattr(by, "username", None))
        changed(inv.room, cut_off)
    return inv, token
