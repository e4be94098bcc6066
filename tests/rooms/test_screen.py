"""Who may share a screen, one screen at a time, the chair's stop; all in the journal."""

from __future__ import annotations

import pytest

from summitry.rooms import screen, state
from summitry.rooms.actions import floor, lobby
from summitry.rooms.models import RoomEvent
from summitry.rooms.rules import RoomRefusal
from tests.rooms.rooms_factories import admitted, open_room

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]


def test_screen_under_floor_control_is_for_the_speaker_or_whom_the_chair_allows() -> None:
    room, invs = open_room("virtual_summit")
    admitted(room, "a", "b", invitations=invs)
    chair, a, b = (invs[k][0] for k in ("chair", "a", "b"))
    with pytest.raises(RoomRefusal, match="when you have the floor"):
        screen.start(a)
    floor.give_floor(chair, a)
    screen.start(a)
    screen.stop(a)
    with pytest.raises(RoomRefusal, match="Only the chair"):
        screen.allow(a, b.pk, True)
    screen.allow(chair, b.pk, True)
    screen.start(b)
    kinds = list(room.events.values_list("kind", flat=True))
    assert kinds.count(RoomEvent.Kind.SCREEN_SHARED) == 2
    assert RoomEvent.Kind.SCREEN_ALLOWED in kinds


def test_one_screen_at_a_time_and_the_chair_stops_it() -> None:
    room, invs = open_room("video_meeting")
    admitted(room, "a", "b", invitations=invs)
    chair, a, b = (invs[k][0] for k in ("chair", "a", "b"))
    for inv in (a, b):
        lobby.connect(inv)
    screen.start(a)  # without floor control anyone may
    with pytest.raises(RoomRefusal, match="is sharing a screen"):
        screen.start(b)
    with pytest.raises(RoomRefusal, match="Only the chair"):
        screen.stop(b, a.pk)
    screen.stop(chair, a.pk)
    a.refresh_from_db()
    assert not a.sharing_screen
    stopped = room.events.get(kind=RoomEvent.Kind.SCREEN_STOPPED)
    assert stopped.actor_id == chair.pk and stopped.subject_id == a.pk
    screen.start(b)
    seen = state.room_state(room, b)
    assert [p["id"] for p in seen["participants"] if p["screen"]] == [b.pk]


def test_screen_of_the_former_speaker_ends_when_the_floor_passes_on() -> None:
    room, invs = open_room("virtual_summit")
    admitted(room, "a", "b", invitations=invs)
    chair, a, b = (invs[k][0] for k in ("chair", "a", "b"))
    floor.give_floor(chair, a)
    screen.start(a)
    floor.give_floor(chair, a)  # the floor given again to the same speaker: the screen stays
    a.refresh_from_db()
    assert a.sharing_screen
    floor.give_floor(chair, b)
    a.refresh_from_db()
    assert not a.sharing_screen
    stopped = room.events.get(kind=RoomEvent.Kind.SCREEN_STOPPED, subject=a)
    assert stopped.actor is None and stopped.data == {"reason": "the floor passed"}
    seen = state.room_state(room, a)
    assert not [p for p in seen["participants"] if p["screen"]]


def test_screen_ends_when_the_speaker_yields_or_loses_the_permission() -> None:
    room, invs = open_room("virtual_summit")
    admitted(room, "a", "b", invitations=invs)
    chair, a, b = (invs[k][0] for k in ("chair", "a", "b"))
    floor.give_floor(chair, a)
    screen.start(a)
    floor.withdraw(a)
    a.refresh_from_db()
    assert not a.sharing_screen
    screen.allow(chair, b.pk, True)
    screen.start(b)
    screen.allow(chair, b.pk, False)
    b.refresh_from_db()
    assert not b.sharing_screen
    reasons = list(
        room.events.filter(kind=RoomEvent.Kind.SCREEN_STOPPED)
        .order_by("id")
        .values_list("subject", "data")
    )
    assert reasons == [
        (a.pk, {"reason": "the floor passed"}),
        (b.pk, {"reason": "screen sharing no longer allowed"}),
    ]


def test_screen_stays_when_the_floor_passes_without_floor_control() -> None:
    room, invs = open_room("video_meeting")
    admitted(room, "a", "b", invitations=invs)
    chair, a, b = (invs[k][0] for k in ("chair", "a", "b"))
    screen.start(a)
    floor.give_floor(chair, b)
    a.refresh_from_db()
    assert a.sharing_screen
