"""Rooms in the reader's language: pages, their direction, and what the sockets say.

"No English of its own": every sentence of the rooms' catalogue that has a translation must not
appear in English on a page rendered in that language (names of people and titles are data).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client, override_settings
from django.utils import timezone

from summitry.accounts.models import User
from summitry.directory.models import Person
from summitry.rooms import relay, timers
from summitry.rooms.actions.floor import give_floor, request_floor
from summitry.rooms.actions.links import invite, issue_press_link
from summitry.rooms.actions.sweep import cut_off_expired
from summitry.rooms.models import Invitation, Room
from tests.rooms.languages import english_left, visible_text
from tests.rooms.rooms_factories import admitted, engagement, open_room
from tests.rooms.sockets import DEADLINE, View, client, closed_with, leave, until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]

#: Django's language code, the catalogue's folder, what <html dir> must say.
LANGUAGES = {"ar": ("ar", "rtl"), "zh-hans": ("zh_Hans", "ltr")}


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    # Room ids restart after each transactional test's flush; loops of earlier tests are gone.
    for cache in (relay._snapshots, timers._enforcers, timers._local):
        cache.clear()
    with override_settings(SUMMITRY_ROOMS_REJOIN_GRACE=0, SUMMITRY_ROOMS_ENFORCE_INTERVAL=30):
        yield
    for cache in (relay._snapshots, timers._enforcers, timers._local):
        cache.clear()


@pytest.mark.parametrize("language", LANGUAGES)
def test_room_pages_render_in_the_readers_language_with_its_direction(
    client: Client, editor: User, language: str
) -> None:
    folder, direction = LANGUAGES[language]
    asks = {"HTTP_ACCEPT_LANGUAGE": f"{language},en;q=0.5"}
    room, invs = open_room(interpretation_languages=["fr"])
    admitted(room, "a", invitations=invs)
    invite(
        room,
        Person.objects.create(name="Ines Dolmetsch"),
        role="interpreter",
        language_from="en",
        language_to="fr",
    )
    request_floor(invs["a"][0])
    give_floor(invs["chair"][0], invs["a"][0])
    client.force_login(editor)
    fresh = engagement("video_meeting")
    chair = fresh.participations.first()
    assert chair is not None
    pages = {
        "check": client.get(f"/rooms/join/{invs['b'][1]}/", **asks),  # type: ignore[arg-type]
        "room": client.get(f"/rooms/join/{invs['a'][1]}/", **asks),  # type: ignore[arg-type]
        "press": client.get(f"/rooms/watch/{issue_press_link(room, None)}/", **asks),  # type: ignore[arg-type]
        "refused": client.get("/rooms/join/not-a-token/", **asks),  # type: ignore[arg-type]
        "invitations": client.get(f"/rooms/{room.pk}/invitations/", **asks),  # type: ignore[arg-type]
        "journal": client.get(f"/rooms/{room.pk}/journal/", **asks),  # type: ignore[arg-type]
        "open": client.get(f"/rooms/open/{fresh.pk}/", **asks),  # type: ignore[arg-type]
        "links": client.post(
            f"/rooms/open/{fresh.pk}/",
            {"chair": chair.person_id, "speaking_limit_seconds": 60},
            **asks,  # type: ignore[arg-type]
        ),
    }
    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == (403 if name == "refused" else 200), name
        assert re.search(rf'<html lang="{language}" dir="{direction}">', page), name
        assert english_left(visible_text(page), folder) == [], f"English left on the {name} page"
    # The interpreter's row names the languages in the reader's language, not by their codes.
    pair = {"ar": "(الإنجليزية ← الفرنسية)", "zh-hans": "(英语 → 法语)"}[language]
    row = visible_text(pages["invitations"].content.decode()).replace("\u0651", "")
    assert pair in row


def test_room_pages_stay_english_without_accept_language(client: Client) -> None:
    _room, invs = open_room()
    page = client.get(f"/rooms/join/{invs['a'][1]}/").content.decode()
    assert '<html lang="en-gb" dir="ltr">' in page and "Join the meeting" in page


async def page_in(
    token: str, query: str = "", headers: list[tuple[bytes, bytes]] | None = None
) -> View:
    ws: WebsocketCommunicator = client(f"/ws/rooms/{token}/{query}")
    if headers:
        ws.scope["headers"] = headers
    accepted, _ = await ws.connect(timeout=DEADLINE)
    assert accepted
    return View(ws, await until(ws, lambda m: m["type"] == "state"))


def expire(inv: Invitation) -> None:
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))


def test_each_socket_words_refusals_and_close_reasons_in_its_pages_language() -> None:
    room, invs = open_room()
    a_inv = invs["a"][0]

    async def scenario() -> None:
        # The chair's page asks in Chinese through its browser; the delegate's page is Arabic.
        chair = await page_in(invs["chair"][1], headers=[(b"accept-language", b"zh-CN,zh;q=0.9")])
        a = await page_in(invs["a"][1], query="?lang=ar")
        await chair.ws.send_json_to({"type": "admit_all"})
        await a.until(lambda s: s["you"]["state"] == "admitted")
        await chair.ws.send_json_to({"type": "admit", "participant": 10**9})
        refused = await until(chair.ws, lambda m: m["type"] == "error")
        assert refused["message"] == "本会场中没有这位与会者。"
        await database_sync_to_async(expire)(a_inv)
        # The sweep's close reason was built once for the room; this page reads it in Arabic.
        await database_sync_to_async(cut_off_expired)(room.pk)
        message, close = await closed_with(a.ws)
        assert close["code"] == 4403
        assert message == "انتهت صلاحية هذا الرابط. اطلب رابطًا جديدًا من الجهة المنظمة."
        assert close["reason"] and "expired" not in close["reason"]
        await leave(a.ws)
        await leave(chair.ws)

    asyncio.run(scenario())
    assert Room.objects.get(pk=room.pk).status == "open"
