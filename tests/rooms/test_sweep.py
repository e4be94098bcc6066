"""What any worker's sweep applies from the database: floors whose time is up, and people
whose sockets were on a worker that died (no timer or grace period of that worker needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from summitry.rooms.actions.floor import give_floor
from summitry.rooms.actions.lobby import connect, disconnect, left_if_gone
from summitry.rooms.actions.sweep import expire_due_floors, left_when_unseen, renew_presence
from summitry.rooms.models import Invitation, RoomEvent, SpeakerRequest
from tests.rooms.rooms_factories import admitted, open_room

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]


def test_expire_due_floors_expires_only_the_rooms_whose_time_is_up() -> None:
    room, invs = open_room(speaking_limit_seconds=30)
    other, other_invs = open_room(speaking_limit_seconds=90)
    admitted(room, "a", invitations=invs)
    admitted(other, "a", invitations=other_invs)
    give_floor(invs["chair"][0], invs["a"][0])
    give_floor(other_invs["chair"][0], other_invs["a"][0])
    started = SpeakerRequest.objects.get(invitation=invs["a"][0]).started_at
    assert started is not None

    assert expire_due_floors(started + dt.timedelta(seconds=29)) == []
    assert expire_due_floors(started + dt.timedelta(seconds=31)) == [room.pk]
    assert expire_due_floors(started + dt.timedelta(seconds=32)) == []  # once
    expired = RoomEvent.objects.get(room=room, kind=RoomEvent.Kind.TIME_EXPIRED)
    assert expired.subject_id == invs["a"][0].pk
    assert not RoomEvent.objects.filter(room=other, kind=RoomEvent.Kind.TIME_EXPIRED).exists()


def test_left_when_unseen_marks_left_a_person_whose_worker_died() -> None:
    room, invs = open_room()
    admitted(room, "a", "b", invitations=invs)
    a, b = invs["a"][0], invs["b"][0]
    connect(a)
    connect(b)
    seen = Invitation.objects.get(pk=a.pk).seen_at
    assert seen is not None
    # The worker holding a's socket died: no disconnect, the count stays at one.
    assert not left_if_gone(a, seen)
    # b's socket is on a live worker, whose sweeps renew it.
    renew_presence([b.pk], seen + dt.timedelta(seconds=20))

    assert left_when_unseen(15, seen + dt.timedelta(seconds=14)) == []
    assert left_when_unseen(15, seen + dt.timedelta(seconds=16)) == [a.pk]
    gone = Invitation.objects.get(pk=a.pk)
    assert not gone.online and gone.connections == 0
    left = RoomEvent.objects.get(room=room, kind=RoomEvent.Kind.LEFT)
    assert left.subject_id == a.pk and left.at == seen
    assert Invitation.objects.get(pk=b.pk).online


def test_connect_after_being_marked_unseen_is_a_new_join() -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    a = invs["a"][0]
    connect(a)
    seen = Invitation.objects.get(pk=a.pk).seen_at
    assert seen is not None
    assert left_when_unseen(15, seen + dt.timedelta(seconds=16)) == [a.pk]
    back = connect(a)
    assert back.online and back.connections == 1
    kinds = RoomEvent.objects.filter(room=room, subject=a).values_list("kind", flat=True)
    assert list(kinds).count("joined") == 2


def test_disconnect_stamps_when_the_socket_was_last_known_open() -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    a = invs["a"][0]
    connect(a)
    disconnect(a)
    disconnect(a)  # a second close (a lost count) never goes below zero
    closed = Invitation.objects.get(pk=a.pk)
    assert closed.connections == 0 and closed.seen_at is not None
    # Its worker died before the grace period ended: the sweep still records the leave.
    assert left_when_unseen(15, closed.seen_at + dt.timedelta(seconds=16)) == [a.pk]
    left = RoomEvent.objects.get(room=room, kind=RoomEvent.Kind.LEFT)
    assert left.at == closed.seen_at
