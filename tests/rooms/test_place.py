"""A person's newest page holds their place: the request that takes it back, and the sockets
of their older pages (closed with 4409). Media is tested in tests/e2e/test_room_take_place_back.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import pytest
from channels.db import database_sync_to_async
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from summitry.rooms import relay
from summitry.rooms.actions import lobby
from summitry.rooms.models import Invitation
from summitry.rooms.rules import PlaceTaken, RoomRefusal, new_page_id, page_served_at
from tests.rooms.rooms_factories import admitted, open_room
from tests.rooms.sockets import closed_with, connected, joined, until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]

NOW = timezone.now()
OLDER, NEWER = new_page_id(NOW - dt.timedelta(minutes=5)), new_page_id(NOW)


@pytest.fixture(autouse=True)
def quick_rooms() -> Iterator[None]:
    with override_settings(SUMMITRY_ROOMS_REJOIN_GRACE=0, SUMMITRY_ROOMS_ENFORCE_INTERVAL=30):
        yield
    relay._snapshots.clear()


def take(token: str, page: str) -> tuple[int, dict[str, str]]:
    answer = Client().post(reverse("rooms:take_place_back", args=[token]), {"page": page})
    return answer.status_code, (answer.json() if answer.content else {})


def test_page_ids_tell_when_the_page_was_served() -> None:
    assert page_served_at(OLDER) == int((NOW - dt.timedelta(minutes=5)).timestamp() * 1000)
    assert page_served_at(OLDER) < page_served_at(NEWER)  # type: ignore[operator]
    for bad in ("", "x", "123", "zz-12345678", "1a-1234567", f"{NEWER}x"):
        assert page_served_at(bad) is None, bad


def test_the_newest_page_takes_the_place_and_an_older_one_is_refused() -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    token = invs["a"][1]
    assert take(token, NEWER) == (204, {})
    a = Invitation.objects.get(pk=invs["a"][0].pk)
    assert a.place_page_at == page_served_at(NEWER)
    status, body = take(token, OLDER)
    assert status == 409 and "another window" in body["error"]
    assert Invitation.objects.get(pk=a.pk).place_page_at == page_served_at(NEWER)
    assert take(token, new_page_id())[0] == 204  # a newer page still can


def test_taking_a_place_back_is_refused_with_the_reason() -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    status, body = take(invs["a"][1], "not-a-page")
    assert status == 400 and body["page"].startswith("page:")
    status, body = take("made-up-token", NEWER)
    assert status == 403 and "not valid" in body["error"]
    # Not admitted (B was only invited): no place to take back.
    status, body = take(invs["b"][1], NEWER)
    assert status == 403 and "lobby" in body["error"]
    assert Invitation.objects.get(pk=invs["b"][0].pk).place_page_at is None
    assert Client().get(reverse("rooms:take_place_back", args=[invs["a"][1]])).status_code == 405
    with pytest.raises(RoomRefusal):
        lobby.take_place_back(invs["b"][1], NEWER)


def test_an_older_pages_socket_is_closed_when_a_newer_page_takes_the_place() -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    token = invs["a"][1]

    async def scenario() -> None:
        older = await connected(f"/ws/rooms/{token}/?page={OLDER}")
        await until(older, lambda m: m["type"] == "state")
        bare, _ = await joined(token)  # a socket without a page id (a script) is left alone
        await database_sync_to_async(lobby.take_place_back)(token, NEWER)
        await until(older, lambda m: m["type"] == "replaced")
        _, close = await closed_with(older)
        assert close["code"] == 4409
        # Opened afterwards, an older page is closed at once; the newer one is let in.
        late = await connected(f"/ws/rooms/{token}/?page={OLDER}")
        await until(late, lambda m: m["type"] == "replaced")
        assert (await closed_with(late))[1]["code"] == 4409
        newer = await connected(f"/ws/rooms/{token}/?page={NEWER}")
        await until(newer, lambda m: m["type"] == "state")
        await bare.send_json_to({"type": "ping"})
        await until(bare, lambda m: m["type"] == "pong")
        for ws in (bare, newer):
            await ws.disconnect()

    asyncio.run(scenario())
    with pytest.raises(PlaceTaken):
        lobby.join(token, OLDER)
