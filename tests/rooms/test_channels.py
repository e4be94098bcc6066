"""Interpretation channels: only the interpreter is heard in them, whatever a listener's page does."""

from __future__ import annotations

import pytest

from summitry.directory.models import Person
from summitry.rooms.actions.ending import end_room
from summitry.rooms.actions.links import invite
from summitry.rooms.actions.lobby import admit, arrive
from summitry.rooms.actions.sweep import enforce_floor
from summitry.rooms.janus.client import AUDIOBRIDGE, JanusSession
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.models import Invitation
from tests.rooms.rooms_factories import admitted, open_room

pytestmark = [pytest.mark.integration, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


def muted_in(endpoint: JanusEndpoint, bridge: int) -> dict[int, bool | None]:
    return {int(p.id): p.muted for p in endpoint.audiobridge().list_participants(bridge)}


@pytest.mark.usefixtures("rooms_on_janus")
def test_a_listener_who_unmutes_in_a_channel_is_muted_and_the_interpreter_is_not(
    rooms_on_janus: JanusEndpoint,
) -> None:
    room, invs = open_room(interpretation_languages=["fr"])
    admitted(room, "a", invitations=invs)
    interpreter, _ = invite(
        room, Person.objects.create(name="Interprète"), role="interpreter", language_to="fr"
    )
    arrive(interpreter)
    admit(invs["chair"][0], interpreter)
    interpreter = Invitation.objects.get(pk=interpreter.pk)
    listener = Invitation.objects.get(pk=invs["a"][0].pk)
    room.refresh_from_db()
    channel = int(room.interpretation_rooms["fr"])

    sessions = []
    try:
        # The interpreter speaks into the channel under its publisher id (as room.js joins).
        speaking = JanusSession.create(rooms_on_janus.api_url, token=interpreter.janus_token)
        sessions.append(speaking)
        speaking.attach(AUDIOBRIDGE).call(
            {
                "request": "join",
                "room": channel,
                "id": interpreter.janus_publisher_id,
                "token": interpreter.janus_token,
                "muted": False,
            }
        )
        # A listener joins muted, then its tampered page unmutes itself.
        listening = JanusSession.create(rooms_on_janus.api_url, token=listener.janus_token)
        sessions.append(listening)
        handle = listening.attach(AUDIOBRIDGE)
        joined = handle.call(
            {"request": "join", "room": channel, "token": listener.janus_token, "muted": True}
        )
        listener_id = int(joined.data["id"])
        handle.call({"request": "configure", "muted": False})
        assert muted_in(rooms_on_janus, channel)[listener_id] is False

        enforce_floor(room.pk)
        present = muted_in(rooms_on_janus, channel)
        assert present[listener_id] is True, present
        assert present[interpreter.janus_publisher_id] is False, present
    finally:
        for session in sessions:
            session.destroy()
        end_room(invs["chair"][0])
