"""The room's life through the services: floor timer, ending, journal, pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from summitry.accounts.models import User
from summitry.engagements.models import Engagement
from summitry.rooms import consumers
from summitry.rooms.actions import links
from summitry.rooms.actions.ending import end_room
from summitry.rooms.actions.floor import (
    expire_floor_if_due,
    give_floor,
    next_speaker,
    request_floor,
)
from summitry.rooms.actions.lobby import arrive, connect, disconnect, left_if_gone
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.models import Invitation, Room, RoomEvent, SpeakerRequest
from summitry.rooms.state import room_state
from summitry.rooms.views import journal_rows
from tests import factories
from tests.rooms.rooms_factories import admitted, engagement, open_room

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]


def test_floor_passes_on_when_time_is_up_with_auto_advance() -> None:
    room, invs = open_room(speaking_limit_seconds=60, auto_advance=True)
    admitted(room, "a", "b", invitations=invs)
    chair, a, b = (invs[k][0] for k in ("chair", "a", "b"))
    request_floor(a)
    request_floor(b)
    next_speaker(chair)
    started = SpeakerRequest.objects.get(invitation=a).started_at
    assert started is not None
    assert not expire_floor_if_due(room, started + dt.timedelta(seconds=59))
    assert expire_floor_if_due(room, started + dt.timedelta(seconds=61))
    assert SpeakerRequest.objects.get(invitation=b).state == "speaking"
    assert Invitation.objects.get(pk=a.pk).muted and not Invitation.objects.get(pk=b.pk).muted
    assert RoomEvent.objects.filter(room=room, kind="time_expired", subject=a).exists()
    # Once is enough.
    assert not expire_floor_if_due(room, started + dt.timedelta(seconds=62))


def test_time_up_without_auto_advance_only_alerts() -> None:
    room, invs = open_room(speaking_limit_seconds=30)
    admitted(room, "a", "b", invitations=invs)
    give_floor(invs["chair"][0], invs["a"][0])
    started = SpeakerRequest.objects.get(invitation=invs["a"][0]).started_at
    assert started is not None
    assert expire_floor_if_due(room, started + dt.timedelta(seconds=31))
    state = room_state(room, invs["chair"][0])
    assert state["floor"]["speaker"] == invs["a"][0].pk and state["floor"]["expired"]


def test_end_room_marks_the_engagement_held_and_keeps_the_journal(
    rooms_on_janus: JanusEndpoint,
) -> None:
    room, invs = open_room()
    chair, a, b = (invs[k][0] for k in ("chair", "a", "b"))
    for inv in (chair, a, b):
        connect(inv)
    admitted(room, "a", "b", invitations=invs)
    give_floor(chair, a)
    disconnect(b)
    left_if_gone(b, timezone.now())
    end_room(chair)

    assert Engagement.objects.get(pk=room.engagement_id).status == "held"
    assert not rooms_on_janus.videoroom().exists(room.videoroom_id or 0)
    kinds = set(RoomEvent.objects.filter(room=room).values_list("kind", flat=True))
    assert {"opened", "joined", "left", "admitted", "floor_given", "floor_ended", "ended"} <= kinds
    rows = {row["person"].pk: row for row in journal_rows(room)["attendance"]}
    assert all(end is not None for _, end in rows[b.person_id]["spans"])
    assert rows[a.person_id]["spoke"].endswith("s")
    ended = RoomEvent.objects.get(room=room, kind="ended")
    assert ended.data["held"] is True


def test_end_room_of_a_future_engagement_says_why_it_is_not_held() -> None:
    future = engagement(start=timezone.now() + dt.timedelta(days=3))
    chair, a, _ = [p.person for p in future.participations.all()]
    room, _tokens = links.open_room(future, None, chair=chair, invitees=[a])
    end_room(room.invitations.get(person=chair))
    assert Engagement.objects.get(pk=future.pk).status == "scheduled"
    assert RoomEvent.objects.get(room=room, kind="ended").data["outcome"] == "future"


def test_state_shows_janus_only_to_admitted_participants() -> None:
    room, invs = open_room(interpretation_languages=["fr", "es"])
    admitted(room, "a", invitations=invs)
    arrive(invs["b"][0])
    mine = room_state(room, invs["a"][0])
    assert mine["janus"]["token"] and mine["janus"]["room"] == room.videoroom_id
    assert set(mine["janus"]["interpretation"]) == {"fr", "es"}
    waiting = room_state(room, invs["b"][0])
    assert waiting["janus"] is None
    assert [p["id"] for p in waiting["lobby"]] == [invs["b"][0].pk]


def test_pages_join_refused_open_and_journal(rooms_on_janus: JanusEndpoint) -> None:
    client = Client()
    refused = client.get("/rooms/join/not-a-token/")
    assert refused.status_code == 403 and b"not valid" in refused.content

    editor = factories.user(User.Role.EDITOR, username="room-editor")
    found = engagement(kind="video_meeting")
    chair = found.participations.first()
    assert chair is not None
    client.force_login(editor)
    assert client.get(f"/rooms/open/{found.pk}/").status_code == 200
    opened = client.post(
        f"/rooms/open/{found.pk}/",
        {
            "chair": chair.person_id,
            "speaking_limit_seconds": "120",
            "interpretation_languages": "fr",
        },
    )
    assert opened.status_code == 200, opened.content[:500]
    room = Room.objects.get(engagement=found)
    assert room.layout == "gallery" and room.interpretation_languages == ["fr"]
    # Each link is shown once and carried once more by its "Send by e-mail" form.
    assert len(set(re.findall(rb"/rooms/join/([A-Za-z0-9_-]+)/", opened.content))) == 3
    assert b"/rooms/watch/" in opened.content
    link = opened.content.split(b"/rooms/join/")[1].split(b"/")[0].decode()
    assert client.get(f"/rooms/join/{link}/").status_code == 200
    assert client.get(f"/rooms/{room.pk}/journal/").status_code == 200
    end_room(room.invitations.get(person_id=chair.person_id))


def _invitation_loads(queries: CaptureQueriesContext) -> int:
    """Reads of one whole invitation (with its room and person), as resolving or locking it."""
    return sum(
        'FROM "rooms_invitation" INNER JOIN "rooms_room"' in q["sql"]
        and '"directory_person"' in q["sql"]
        for q in queries.captured_queries
    )


def test_a_join_resolves_and_locks_the_invitation_once() -> None:
    room, invs = open_room()
    with CaptureQueriesContext(connection) as queries:
        invitation, version = consumers._resolve(invs["a"][1])
    assert _invitation_loads(queries) == 1
    assert (invitation.state, invitation.online, invitation.connections) == (
        Invitation.State.WAITING,
        True,
        1,
    )
    kinds = list(
        room.events.filter(subject=invitation).order_by("id").values_list("kind", flat=True)
    )
    assert kinds[-2:] == [RoomEvent.Kind.ARRIVED, RoomEvent.Kind.JOINED]
    assert version == Room.objects.get(pk=room.pk).version
