"""Joining, arriving, presence, admission from the lobby, removal and bans."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from summitry.rooms.actions import floor
from summitry.rooms.actions.access import check_open, fresh, require_chair, resolve_token, target
from summitry.rooms.broadcast import changed, to_pages
from summitry.rooms.journal import record
from summitry.rooms.media import cut_off_later, free_place, grant
from summitry.rooms.models import Invitation, RoomEvent
from summitry.rooms.rules import (
    FLOOR_EXEMPT,
    PLACE_TAKEN,
    PlaceTaken,
    RoomRefusal,
    link_refusal,
    page_served_at,
)


def join(token: str, page: str = "") -> Invitation:
    """A page of the person opened its socket: the token is resolved and the invitation locked
    once, then the person arrives (:func:`arrive`) and is connected (:func:`connect`); refused
    to a page older than the one that took the person's place back (:func:`take_place_back`)."""
    with transaction.atomic():
        inv = resolve_token(token, lock=True)
        if replaced(inv, page):
            raise PlaceTaken(PLACE_TAKEN)
        if _arrive(inv):
            _connect(inv)
            changed(inv.room)
        elif _connect(inv):
            changed(inv.room, scope="presence", who=inv)
    return inv


def arrive(invitation: Invitation) -> Invitation:
    """The person opened their link: they wait in the lobby (the chair goes straight in)."""
    with transaction.atomic():
        inv = fresh(invitation)
        check_open(inv)
        if _arrive(inv):
            changed(inv.room)
    return inv


def _arrive(inv: Invitation) -> bool:
    if inv.state not in (Invitation.State.INVITED, Invitation.State.REMOVED):
        return False
    if inv.role == Invitation.Role.CHAIR:
        _admit(inv, None)
    else:
        inv.state = Invitation.State.WAITING
        inv.waiting_since = timezone.now()
        inv.save(update_fields=["state", "waiting_since"])
        record(inv.room, RoomEvent.Kind.ARRIVED, subject=inv)
    return True


def connect(invitation: Invitation) -> Invitation:
    """A WebSocket of this person opened (a reconnect within the grace period is no new join)."""
    with transaction.atomic():
        inv = fresh(invitation)
        if _connect(inv):  # a reconnect within the grace period changes nothing others see
            changed(inv.room, scope="presence", who=inv)
    return inv


def _connect(inv: Invitation) -> bool:
    """Count the socket; whether the person joined (was not online)."""
    inv.connections = F("connections") + 1
    inv.seen_at = timezone.now()
    fields = ["connections", "seen_at"]
    joined = not inv.online
    if joined:
        inv.online = True
        fields.append("online")
        record(inv.room, RoomEvent.Kind.JOINED, subject=inv)
    inv.save(update_fields=fields)
    inv.refresh_from_db(fields=["connections"])
    return joined


def disconnect(invitation: Invitation) -> None:
    """A WebSocket closed; :func:`left_if_gone` decides, after the grace period."""
    Invitation.objects.filter(pk=invitation.pk).update(
        connections=Greatest(F("connections") - 1, 0), seen_at=timezone.now()
    )


def left_if_gone(invitation: Invitation, since: dt.datetime) -> bool:
    """Record 'left' (at ``since``) when no connection of this person came back."""
    with transaction.atomic():
        inv = fresh(invitation)
        if inv.connections > 0 or not inv.online:
            return False
        inv.online = False
        inv.save(update_fields=["online"])
        record(inv.room, RoomEvent.Kind.LEFT, subject=inv, at=since)
        floor.end_turn(inv, since)
        changed(inv.room)
    return True


def leave(invitation: Invitation) -> None:
    """The person leaves on purpose (the page's "leave" button)."""
    with transaction.atomic():
        inv = fresh(invitation)
        now = timezone.now()
        if inv.online:
            inv.online = False
            inv.save(update_fields=["online"])
            record(inv.room, RoomEvent.Kind.LEFT, subject=inv, at=now)
        floor.end_turn(inv, now)
        changed(inv.room)


def _admit(inv: Invitation, by: Invitation | None) -> None:
    room = inv.room
    inv.state = Invitation.State.ADMITTED
    inv.janus_token = secrets.token_urlsafe(24)
    current = floor.speaking(room)
    inv.muted = bool(
        room.floor_control
        and inv.role not in FLOOR_EXEMPT
        and (current is None or current.invitation_id != inv.pk)
    )
    inv.save(update_fields=["state", "janus_token", "muted"])
    record(room, RoomEvent.Kind.ADMITTED, actor=by, subject=inv)
    pk = inv.pk
    transaction.on_commit(lambda: grant(room, pk))


def admit(chair: Invitation, invitation: Invitation | int) -> Invitation:
    with transaction.atomic():
        head = require_chair(chair, gettext_lazy("Only the chair can admit participants."))
        inv = target(head, invitation)
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
        changed(head.room)
    return inv


def admit_all(chair: Invitation) -> list[Invitation]:
    with transaction.atomic():
        head = require_chair(chair, gettext_lazy("Only the chair can admit participants."))
        waiting = list(
            head.room.invitations.select_for_update()
            .select_related("room__engagement", "person")
            .link_works(timezone.now())
            .filter(state=Invitation.State.WAITING)
            .order_by("order", "id")
        )
        for inv in waiting:
            _admit(inv, head)
        changed(head.room)
    return waiting


def admit_in_order(chair: Invitation) -> Invitation:
    """Admit the waiting person who comes first in protocol order."""
    with transaction.atomic():
        head = require_chair(chair, gettext_lazy("Only the chair can admit participants."))
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
        changed(head.room)
    return inv


def _put_out(chair: Invitation, invitation: Invitation | int, state: str) -> Invitation:
    verb = "remove" if state == Invitation.State.REMOVED else "ban"
    with transaction.atomic():
        head = require_chair(
            chair,
            gettext_lazy("Only the chair can remove participants.")
            if verb == "remove"
            else gettext_lazy("Only the chair can ban participants."),
        )
        inv = target(head, invitation)
        if inv.pk == head.pk:
            raise RoomRefusal(
                gettext("The chair cannot remove themselves.")
                if verb == "remove"
                else gettext("The chair cannot ban themselves.")
            )
        now = timezone.now()
        floor.end_turn(inv, now)
        inv.state = state
        inv.save(update_fields=["state"])
        kind = RoomEvent.Kind.REMOVED if verb == "remove" else RoomEvent.Kind.BANNED
        record(head.room, kind, actor=head, subject=inv, at=now)
        changed(head.room, cut_off_later(inv))
        inv.janus_token = ""
        Invitation.objects.filter(pk=inv.pk).update(janus_token="")
    return inv


def remove(chair: Invitation, invitation: Invitation | int) -> Invitation:
    """Kick: out of Janus and back to the lobby if they open their link again."""
    return _put_out(chair, invitation, Invitation.State.REMOVED)


def ban(chair: Invitation, invitation: Invitation | int) -> Invitation:
    """Kick, and the person's link no longer works."""
    return _put_out(chair, invitation, Invitation.State.BANNED)


def take_place_back(token: str, page: str) -> Invitation:
    """Janus refused the person's page ``page`` their publisher id: the session of a page that
    never closed (a crash, a closed laptop) holds it. The newest page wins, as in other meeting
    tools: an older page is refused; a newer one is recorded, the person's older pages are told
    and close, and the id is freed for it."""
    served = page_served_at(page)
    if served is None:
        raise RoomRefusal(gettext("page: this is not the id of a join page."))
    with transaction.atomic():
        inv = resolve_token(token, lock=True)
        if inv.state != Invitation.State.ADMITTED:
            raise RoomRefusal(
                gettext("You are not in the room: the chair admits you from the lobby.")
            )
        if replaced(inv, page):
            raise PlaceTaken(PLACE_TAKEN)
        inv.place_page_at = served
        inv.save(update_fields=["place_page_at"])
        room_id = inv.room_id
        # Told before the kick: a page still open must not take the id back in turn.
        event = {"type": "room.page", "invitation": inv.pk, "served": served}
        transaction.on_commit(lambda: to_pages(room_id, event))
        transaction.on_commit(lambda: free_place(inv))
    return inv


def replaced(inv: Invitation, page: str) -> bool:
    """Whether a newer page of the person took their place from ``page`` (a socket without a
    page id, a test's or a script's, is never replaced)."""
    served, holder = page_served_at(page), inv.place_page_at
    return served is not None and holder is not None and served < holder
