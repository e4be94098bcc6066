"""Ending before the scheduled start (held or not, said by the chair), the outcome in words,
and reopening a room ended by mistake (links that have not expired work again)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from summitry.accounts.models import User
from summitry.engagements.models import Engagement
from summitry.rooms import instances, state
from summitry.rooms.actions import access, lobby
from summitry.rooms.actions.ending import end_room
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.models import Invitation, Room, RoomEvent
from summitry.rooms.rules import RoomRefusal
from tests.rooms.rooms_factories import admitted, open_room

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]


def later(room: Room) -> Engagement:
    """The room's engagement moved to start in two hours (it ends early, then)."""
    Engagement.objects.filter(pk=room.engagement_id).update(
        start=timezone.now() + dt.timedelta(hours=2), end=None
    )
    return Engagement.objects.get(pk=room.engagement_id)


def test_ended_before_the_start_and_held_is_held_from_the_first_arrival() -> None:
    room, invs = open_room()
    later(room)
    admitted(room, "a", invitations=invs)
    first = room.events.filter(kind=RoomEvent.Kind.ADMITTED).order_by("at").first()
    assert first is not None
    end_room(invs["chair"][0], held=True)
    engagement = Engagement.objects.get(pk=room.engagement_id)
    room.refresh_from_db()
    assert engagement.status == "held"
    assert engagement.start == first.at and engagement.end == room.ended_at
    assert state.room_state(room, invs["chair"][0])["room"]["outcome"] == "held_early"


def test_ended_before_the_start_and_not_held_stays_scheduled_and_says_so(
    client: Client, editor: User
) -> None:
    room, invs = open_room()
    later(room)
    end_room(invs["chair"][0], held=False)
    assert Engagement.objects.get(pk=room.engagement_id).status == "scheduled"
    assert state.room_state(room, invs["chair"][0])["room"]["outcome"] == "not_held"
    client.force_login(editor)
    page = client.get(f"/rooms/{room.pk}/journal/").content.decode()
    assert "the chair said it was not" in page and "reason:" not in page
    with pytest.raises(RoomRefusal, match=r"^held: "):
        end_room(invs["chair"][0], held="yes")


def test_an_editor_reopens_a_room_ended_by_mistake_and_links_work_again(
    client: Client, editor: User, reader: User, rooms_on_janus: JanusEndpoint
) -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    end_room(invs["chair"][0])
    with pytest.raises(RoomRefusal):
        access.resolve_token(invs["a"][1])
    client.force_login(reader)
    assert client.post(f"/rooms/{room.pk}/reopen/").status_code == 403
    client.force_login(editor)
    response = client.post(f"/rooms/{room.pk}/reopen/")
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.status == Room.Status.OPEN and room.ended_at is None
    assert room.events.filter(kind=RoomEvent.Kind.REOPENED).exists()
    endpoint = instances.endpoint_named(room.janus_instance)
    assert room.videoroom_id is not None and endpoint.videoroom().exists(room.videoroom_id)
    # A's link works again; A passes the lobby again, the chair goes straight in.
    a = access.resolve_token(invs["a"][1])
    assert lobby.arrive(a).state == Invitation.State.WAITING
    assert lobby.arrive(invs["chair"][0]).state == Invitation.State.ADMITTED
    assert client.post(f"/rooms/{room.pk}/reopen/").status_code == 409
