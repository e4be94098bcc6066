"""The invitations page of an open room: invite one more person, revoke a link, issue a new one."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.directory.models import Person
from summitry.rooms.actions.access import resolve_token
from summitry.rooms.actions.ending import end_room
from summitry.rooms.actions.links import reissue_link
from summitry.rooms.actions.lobby import ban
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


def link_on(page: str) -> str:
    found = re.search(r"/rooms/join/([A-Za-z0-9_-]{40,})/", page)
    assert found, "the page shows no join link"
    return found.group(1)


def url(room: Room) -> str:
    return f"/rooms/{room.pk}/invitations/"


def test_an_editor_invites_a_late_delegate_whose_link_is_shown_once(
    client: Client, editor: User
) -> None:
    room, _ = open_room()
    late = Person.objects.create(name="Late Delegate")
    client.force_login(editor)
    page = client.get(url(room)).content.decode()
    assert "Late Delegate" in page  # offered: not invited yet
    response = client.post(url(room), {"action": "invite", "person": late.pk, "role": "observer"})
    assert response.status_code == 200
    token = link_on(response.content.decode())
    invitation = resolve_token(token)
    assert (invitation.person, invitation.role) == (late, Invitation.Role.OBSERVER)
    # Shown once: the list shows the person, never the link again.
    again = client.get(url(room)).content.decode()
    assert "Late Delegate" in again and token not in again
    assert room.events.filter(kind=RoomEvent.Kind.INVITED, subject=invitation).exists()


def test_inviting_twice_or_an_interpreter_without_language_is_refused_with_a_reason(
    client: Client, editor: User
) -> None:
    room, invs = open_room(interpretation_languages=["fr"])
    client.force_login(editor)
    # Already invited people are not offered; posting one anyway names the problem.
    twice = client.post(
        url(room), {"action": "invite", "person": invs["a"][0].person_id, "role": "participant"}
    )
    assert twice.status_code == 400
    assert "Select a valid choice" in twice.content.decode()
    interpreter = Person.objects.create(name="Interprète")
    no_language = client.post(
        url(room), {"action": "invite", "person": interpreter.pk, "role": "interpreter"}
    )
    assert no_language.status_code == 400
    assert "Choose the language this interpreter speaks into." in no_language.content.decode()
    assert not room.invitations.filter(person=interpreter).exists()


def test_revoking_and_reissuing_a_link(client: Client, editor: User) -> None:
    room, invs = open_room()
    a, old = invs["a"]
    client.force_login(editor)
    client.post(url(room), {"action": "revoke", "invitation": a.pk})
    with pytest.raises(RoomRefusal, match="revoked"):
        resolve_token(old)

    response = client.post(url(room), {"action": "reissue", "invitation": a.pk})
    new = link_on(response.content.decode())
    assert resolve_token(new).pk == a.pk
    with pytest.raises(RoomRefusal):
        resolve_token(old)
    assert room.events.filter(kind=RoomEvent.Kind.REISSUED, subject=a).exists()


def test_a_new_link_sends_an_admitted_person_back_to_the_lobby_and_ends_janus_access(
    rooms_on_janus: JanusEndpoint,
) -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    before = Invitation.objects.get(pk=invs["a"][0].pk)
    assert before.janus_token in {t.token for t in rooms_on_janus.admin().list_tokens()}
    after, token = reissue_link(before)
    assert after.state == Invitation.State.INVITED
    assert before.janus_token not in {t.token for t in rooms_on_janus.admin().list_tokens()}
    with pytest.raises(RoomRefusal):
        resolve_token(invs["a"][1])
    assert resolve_token(token).pk == before.pk


def test_no_new_link_while_connected_banned_or_after_the_end() -> None:
    room, invs = open_room()
    chair = invs["chair"][0]
    admitted(room, "a", "b", invitations=invs)
    Invitation.objects.filter(pk=invs["a"][0].pk).update(online=True)
    with pytest.raises(RoomRefusal, match="revoke the link first"):
        reissue_link(invs["a"][0])
    ban(chair, invs["b"][0])
    with pytest.raises(RoomRefusal, match="banned"):
        reissue_link(invs["b"][0])
    end_room(chair)
    with pytest.raises(RoomRefusal, match="ended"):
        reissue_link(invs["a"][0])


def test_only_editors_manage_invitations(client: Client, reader: User) -> None:
    room, invs = open_room()
    client.force_login(reader)
    assert client.get(url(room)).status_code in (403, 404)
    response = client.post(url(room), {"action": "revoke", "invitation": invs["a"][0].pk})
    assert response.status_code in (403, 404)
    assert Invitation.objects.get(pk=invs["a"][0].pk).revoked_at is None
