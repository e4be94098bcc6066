"""Every way into a room that Summitry has not granted is refused, with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from summitry.rooms.actions import links
from summitry.rooms.actions.access import resolve_token
from summitry.rooms.actions.ending import end_room
from summitry.rooms.actions.floor import give_floor, mute, next_speaker, request_floor, withdraw
from summitry.rooms.actions.links import invite, issue_press_link, revoke
from summitry.rooms.actions.lobby import admit, admit_all, arrive, ban, remove
from summitry.rooms.janus.client import VIDEOROOM, JanusPluginError, JanusSession
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.models import Invitation, SpeakerRequest
from summitry.rooms.rules import RoomRefusal
from tests.rooms.rooms_factories import admitted, open_room, people

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]


def test_join_without_token_is_refused() -> None:
    with pytest.raises(RoomRefusal, match="no token"):
        resolve_token("")
    with pytest.raises(RoomRefusal, match="not valid"):
        resolve_token("made-up-token")


def test_token_identifies_only_its_owner() -> None:
    room, invs = open_room()
    admitted(room, "a", "b", invitations=invs)
    a = resolve_token(invs["a"][1])
    assert a.pk == invs["a"][0].pk and a.person_id == invs["a"][0].person_id
    request_floor(invs["b"][0])
    # A acts with A's token: nothing A does touches B's request.
    with pytest.raises(RoomRefusal, match="not on the speakers' list"):
        withdraw(a)
    assert SpeakerRequest.objects.get(invitation=invs["b"][0]).state == "waiting"
    # Nor can A use the chair's powers on B.
    with pytest.raises(RoomRefusal, match="Only the chair can give the floor"):
        give_floor(a, invs["b"][0])
    with pytest.raises(RoomRefusal, match="Only the chair can ban"):
        ban(a, invs["b"][0])
    assert Invitation.objects.get(pk=invs["b"][0].pk).state == "admitted"


def test_participant_calling_chair_actions_is_refused() -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    arrive(invs["b"][0])
    a, b = invs["a"][0], invs["b"][0]
    for action, message in (
        (lambda: admit(a, b), "Only the chair can admit"),
        (lambda: admit_all(a), "Only the chair can admit"),
        (lambda: next_speaker(a), "Only the chair can give the floor"),
        (lambda: mute(a, b), "Only the chair can mute"),
        (lambda: remove(a, b), "Only the chair can remove"),
        (lambda: end_room(a), "Only the chair can end the meeting"),
    ):
        with pytest.raises(RoomRefusal, match=message):
            action()
    assert Invitation.objects.get(pk=b.pk).state == "waiting"


def test_expired_token_is_refused() -> None:
    room, _ = open_room()
    late = people(1)[0]
    _, token = invite(room, late, expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(RoomRefusal, match="expired"):
        resolve_token(token)


def test_revoked_token_is_refused_and_its_janus_token_removed(
    rooms_on_janus: JanusEndpoint,
) -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    janus_token = Invitation.objects.get(pk=invs["a"][0].pk).janus_token
    assert janus_token in {t.token for t in rooms_on_janus.admin().list_tokens()}
    revoke(invs["a"][0])
    with pytest.raises(RoomRefusal, match="revoked"):
        resolve_token(invs["a"][1])
    assert janus_token not in {t.token for t in rooms_on_janus.admin().list_tokens()}


def test_banned_person_is_refused_and_cut_off(rooms_on_janus: JanusEndpoint) -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    janus_token = Invitation.objects.get(pk=invs["a"][0].pk).janus_token
    ban(invs["chair"][0], invs["a"][0])
    with pytest.raises(RoomRefusal, match="banned"):
        resolve_token(invs["a"][1])
    assert janus_token not in {t.token for t in rooms_on_janus.admin().list_tokens()}


def test_token_for_another_room_is_refused(rooms_on_janus: JanusEndpoint) -> None:
    here, ours = open_room()
    there, theirs = open_room()
    admitted(here, "a", invitations=ours)
    arrive(theirs["a"][0])
    # The chair of one room cannot admit, mute or give the floor to someone of another.
    with pytest.raises(RoomRefusal, match="no such participant"):
        admit(ours["chair"][0], theirs["a"][0])
    with pytest.raises(RoomRefusal, match="no such participant"):
        give_floor(ours["chair"][0], theirs["a"][0])
    # Janus refuses one room's token in the other room.
    janus_token = Invitation.objects.get(pk=ours["a"][0].pk).janus_token
    with JanusSession.create(rooms_on_janus.api_url, token=janus_token) as session:
        handle = session.attach(VIDEOROOM)
        with pytest.raises(JanusPluginError) as refused:
            handle.call(
                {"request": "join", "ptype": "publisher", "room": there.videoroom_id,
                 "token": janus_token}
            )  # fmt: skip
        assert refused.value.unauthorized
        # In its own room the same token is welcome.
        joined = handle.call(
            {"request": "join", "ptype": "publisher", "room": here.videoroom_id,
             "id": ours["a"][0].janus_publisher_id, "token": janus_token}
        )  # fmt: skip
        assert joined.data["id"] == ours["a"][0].janus_publisher_id


def test_ended_room_refuses_its_links() -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    end_room(invs["chair"][0])
    with pytest.raises(RoomRefusal, match="ended"):
        resolve_token(invs["a"][1])


def test_only_live_kinds_get_a_room() -> None:
    from tests.rooms.rooms_factories import engagement

    found = engagement(kind="written_message")
    with pytest.raises(RoomRefusal, match="not held in a live room"):
        links.open_room(found, None, chair=people(1)[0], invitees=[])


def test_join_and_watch_pages_are_never_cached(client: Client) -> None:
    room, invs = open_room()
    press = issue_press_link(room)
    for path in (f"/rooms/join/{invs['a'][1]}/", f"/rooms/watch/{press}/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
