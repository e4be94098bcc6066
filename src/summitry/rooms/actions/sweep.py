"""What outlives a worker: every worker's sweep applies what is due, from the database.

A worker's in-memory floor timer and grace period die with it; the database holds the floor's
end and when each socket was last known open, so whichever worker sweeps next applies them.
Links that expired are cut off here too, before the floor is enforced in Janus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from summitry.rooms import media
from summitry.rooms.actions.access import fresh
from summitry.rooms.actions.floor import end_turn, expire_floor_if_due
from summitry.rooms.broadcast import changed
from summitry.rooms.journal import record
from summitry.rooms.media import cut_off_later
from summitry.rooms.models import Invitation, Room, RoomEvent, SpeakerRequest
from summitry.rooms.state import iso

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
        inv = fresh(pk)
        if not inv.online or (inv.seen_at is not None and inv.seen_at >= cutoff):
            return False
        since = inv.seen_at or cutoff
        inv.online = False
        inv.connections = 0  # the sockets counted are gone with their worker
        inv.save(update_fields=["online", "connections"])
        record(inv.room, RoomEvent.Kind.LEFT, subject=inv, at=since)
        end_turn(inv, since)
        changed(inv.room)
    return True


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
            cut_offs.append(cut_off_later(inv))
            end_turn(inv, now)
            if inv.state in (Invitation.State.WAITING, Invitation.State.ADMITTED):
                inv.state = Invitation.State.INVITED
            inv.janus_token = ""
            inv.save(update_fields=["state", "janus_token"])
            record(
                room,
                RoomEvent.Kind.LINK_EXPIRED,
                subject=inv,
                at=now,
                expired_at=iso(inv.expires_at),
            )

        def cut_off_all() -> None:
            for cut_off in cut_offs:
                cut_off()

        changed(room, cut_off_all)
    return found


def enforce_floor(room_id: int, *, walk: bool = True) -> None:
    """Cut off the links that expired, then make Janus forward exactly the audio allowed
    (:func:`summitry.rooms.media.apply_floor`): the periodic sweep, Janus's events, a page's
    ``published``."""
    if walk:
        cut_off_expired(room_id)
    media.apply_floor(room_id, walk=walk)
