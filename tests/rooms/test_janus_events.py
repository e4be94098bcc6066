"""Janus tells Summitry the moment someone publishes: a muted participant is moderated at once.

Without it a tampered page that publishes while muted, and does not say so over its WebSocket,
would be heard until the next sweep.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from collections.abc import Callable
from pathlib import Path

import aioice.ice
import pytest
from django.test import Client

from summitry.rooms import instances
from summitry.rooms.actions.ending import end_room
from summitry.rooms.actions.floor import give_floor
from summitry.rooms.janus.config import config_files
from summitry.rooms.janus.process import JanusProcess
from summitry.rooms.models import Invitation
from tests.e2e.asgi_server import free_port, serve_asgi
from tests.rooms.helpers import make_config
from tests.rooms.media import (
    audio_held_back,
    join_as_attendee,
    publish,
    subscribe,
    wait_for_packets,
)
from tests.rooms.rooms_factories import admitted, open_room

QUIET = 3  # packets that may still be in flight when a mute lands


def test_the_event_handler_is_configured_only_with_a_backend(tmp_path: Path) -> None:
    plain = config_files(make_config("plain"), tmp_path)
    assert "janus.eventhandler.sampleevh.jcfg" not in plain
    assert "broadcast = false" in plain["janus.jcfg"]
    url = "http://127.0.0.1:8000/rooms/janus-events/"
    files = config_files(make_config("events", events_url=url, events_password="pw"), tmp_path)
    handler = files["janus.eventhandler.sampleevh.jcfg"]
    assert f'backend = "{url}"' in handler and 'backend_pwd = "pw"' in handler
    assert 'events = "plugins"' in handler
    assert "broadcast = true" in files["janus.jcfg"]
    assert "libjanus_sampleevh.so" not in files["janus.jcfg"].split("[events]")[-1]
    assert "events = true" in files["janus.plugin.videoroom.jcfg"]


@pytest.mark.django_db
def test_events_from_anyone_else_are_refused(client: Client) -> None:
    url = "/rooms/janus-events/"
    assert client.post(url, "[]", content_type="application/json").status_code == 401
    wrong = "Basic " + base64.b64encode(b"janus:guess").decode()
    response = client.post(url, "[]", content_type="application/json", HTTP_AUTHORIZATION=wrong)
    assert response.status_code == 401
    right = "Basic " + base64.b64encode(f"janus:{instances.events_password()}".encode()).decode()
    response = client.post(url, "{", content_type="application/json", HTTP_AUTHORIZATION=right)
    assert response.status_code == 400
    response = client.post(url, "[]", content_type="application/json", HTTP_AUTHORIZATION=right)
    assert response.status_code == 204


@pytest.mark.integration
@pytest.mark.janus
@pytest.mark.django_db(transaction=True)
def test_a_muted_participant_who_publishes_unannounced_is_not_heard(
    start_janus: Callable[..., JanusProcess],
    media_address: str,
    monkeypatch: pytest.MonkeyPatch,
    settings: object,
) -> None:
    monkeypatch.setattr(
        aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: [media_address]
    )
    port = free_port()
    janus = start_janus(
        "events",
        events_url=f"http://127.0.0.1:{port}/rooms/janus-events/",
        events_password=instances.events_password(),
    )
    endpoint = janus.config.endpoint()
    settings.SUMMITRY_JANUS_INSTANCES = [dataclasses.asdict(endpoint)]  # type: ignore[attr-defined]
    room, invs = open_room()
    admitted(room, "a", "b", invitations=invs)
    chair, a, b = (Invitation.objects.get(pk=invs[k][0].pk) for k in ("chair", "a", "b"))
    vid = room.videoroom_id
    assert vid is not None
    give_floor(chair, b)  # A is muted before publishing anything
    assert Invitation.objects.get(pk=a.pk).muted

    async def scenario() -> None:
        # A's page publishes and never sends `published`; no page has a WebSocket open, so no
        # sweep runs either: only Janus's event can get A moderated.
        speaker = await publish(endpoint, a.janus_token, vid, "A", a.janus_publisher_id)
        attendee, private_id = await join_as_attendee(endpoint, b.janus_token, vid)
        listener = await subscribe(endpoint, b.janus_token, vid, speaker.id, private_id)
        try:
            assert await wait_for_packets(listener, "video", 10) > 10
            # Janus's event reaches Summitry, which moderates A: held back, and stays so.
            await audio_held_back(listener, QUIET)
            # The floor to A: heard.
            await asyncio.to_thread(give_floor, chair, a)
            muted_at = (await listener.packets())["audio"]
            resumed = await wait_for_packets(listener, "audio", muted_at + 25)
            assert resumed > muted_at + 25
        finally:
            await listener.close()
            await asyncio.to_thread(attendee.destroy)
            await speaker.close()

    with serve_asgi(port=port):
        asyncio.run(asyncio.wait_for(scenario(), 120))
    end_room(chair)
