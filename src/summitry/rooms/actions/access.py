"""Who acts: a join token resolved, an invitation re-read and locked, the chair's rights."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext

from summitry.rooms import chair_entry
from summitry.rooms.models import Invitation, Room
from summitry.rooms.rules import LinkClosed, RoomRefusal, hash_token, link_refusal

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def resolve_token(token: str, *, lock: bool = False) -> Invitation:
    """The invitation a join token stands for, or a refusal saying why not; ``lock``: locked
    for the rest of the transaction, as :func:`fresh` does."""
    if not token:
        raise RoomRefusal(gettext("This link has no token: use the personal link you were sent."))
    found = Invitation.objects.select_for_update() if lock else Invitation.objects.all()
    # An editor's one-click entry as chair is a join token too (a signed, expiring one).
    chair = chair_entry.invitation_pk(token)
    invitation = (
        found.select_related("room__engagement", "person")
        .filter(
            Q(token_hash=hash_token(token))
            if chair is None
            else Q(pk=chair, role=Invitation.Role.CHAIR, revoked_at__isnull=True)
        )
        .first()
    )
    if invitation is None and chair is not None:
        raise RoomRefusal(
            gettext("This entry has expired or is not valid: enter again from the engagement page.")
        )
    if invitation is None:
        raise RoomRefusal(
            gettext(
                "This link is not valid. Use the personal link you were sent, or ask the "
                "organisers."
            )
        )
    check_open(invitation)
    return invitation


def resolve_press_token(token: str) -> Room:
    room = (
        Room.objects.select_related("engagement").filter(press_token_hash=hash_token(token)).first()
        if token
        else None
    )
    if room is None:
        raise RoomRefusal(gettext("This view-only link is not valid."))
    if room.status == Room.Status.ENDED:
        raise RoomRefusal(gettext("This meeting has ended."))
    return room


def fresh(invitation: Invitation | int) -> Invitation:
    pk = invitation if isinstance(invitation, int) else invitation.pk
    return (
        Invitation.objects.select_for_update()
        .select_related("room__engagement", "person")
        .get(pk=pk)
    )


def check_open(inv: Invitation) -> None:
    """Every action of a link's holder: refused, and the page closed, once the link is dead."""
    reason = link_refusal(inv)
    if reason is not None:
        raise LinkClosed(reason)


def require_chair(chair: Invitation, refusal: _StrOrPromise) -> Invitation:
    """``refusal``: the whole sentence saying what only the chair can do."""
    inv = fresh(chair)
    check_open(inv)
    if inv.role != Invitation.Role.CHAIR:
        raise RoomRefusal(refusal)
    return inv


def target(chair: Invitation, invitation: Invitation | int) -> Invitation:
    try:
        inv = fresh(invitation)
    except Invitation.DoesNotExist:
        raise RoomRefusal(gettext("There is no such participant in this room.")) from None
    if inv.room_id != chair.room_id or inv.revoked_at is not None:
        raise RoomRefusal(gettext("There is no such participant in this room."))
    return inv


def target_in_room(room_id: int, participant: object) -> Invitation:
    """The invitation a client names by id, only within its own room."""
    if not isinstance(participant, int) or isinstance(participant, bool):
        raise RoomRefusal(gettext("Say which participant (their id)."))
    inv = Invitation.objects.filter(pk=participant, room_id=room_id).first()
    if inv is None:
        raise RoomRefusal(gettext("There is no such participant in this room."))
    return inv
