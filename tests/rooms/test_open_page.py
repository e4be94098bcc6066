"""Opening a live room from an engagement: the form, the links shown once, the refusals."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.rooms.actions.access import resolve_token
from summitry.rooms.models import Room
from tests.rooms.rooms_factories import engagement

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]


def test_an_editor_opens_a_room_and_gets_one_link_per_participant(
    client: Client, editor: User
) -> None:
    found = engagement("virtual_summit")
    chair = found.participations.first()
    assert chair is not None
    client.force_login(editor)
    form = client.get(f"/rooms/open/{found.pk}/").content.decode()
    assert 'name="chair"' in form and "Speaking-time limit" in form
    response = client.post(
        f"/rooms/open/{found.pk}/",
        {"chair": chair.person_id, "speaking_limit_seconds": 120, "floor_control": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "These links are shown only once" in page
    tokens = list(dict.fromkeys(re.findall(r"/rooms/join/([A-Za-z0-9_-]{40,})/", page)))
    assert len(tokens) == 3
    people = {resolve_token(t).person_id for t in tokens}
    assert people == {p.person_id for p in found.participations.all()}
    room = Room.objects.get(engagement=found)
    assert (room.speaking_limit_seconds, room.floor_control) == (120, True)
    assert room.invitations.get(person_id=chair.person_id).role == "chair"
    # Opened once: the page now says so and points to the invitations instead.
    again = client.get(f"/rooms/open/{found.pk}/").content.decode()
    assert "already has a room" in again and f"/rooms/{room.pk}/invitations/" in again


def test_a_bad_form_opens_nothing_and_says_why(client: Client, editor: User) -> None:
    found = engagement("virtual_summit")
    client.force_login(editor)
    response = client.post(f"/rooms/open/{found.pk}/", {"chair": "", "speaking_limit_seconds": -5})
    page = response.content.decode()
    assert "The room was not opened." in page
    assert "Speaking-time limit" in page and "greater than or equal to 0" in page
    assert not Room.objects.filter(engagement=found).exists()


def test_readers_cannot_open_rooms(client: Client, reader: User) -> None:
    found = engagement("virtual_summit")
    client.force_login(reader)
    assert client.get(f"/rooms/open/{found.pk}/").status_code in (403, 404)
