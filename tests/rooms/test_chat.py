"""The room's chat: delivery over the room's sockets, privacy, hiding, limits, the kept record."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from summitry.accounts.models import User
from summitry.rooms import chat, relay
from summitry.rooms.actions import lobby
from summitry.rooms.models import ChatMessage, RoomEvent
from summitry.rooms.rules import RoomRefusal
from tests.rooms.rooms_factories import admitted, open_room
from tests.rooms.sockets import joined, leave, until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    relay._snapshots.clear()
    with override_settings(SUMMITRY_ROOMS_REJOIN_GRACE=0, SUMMITRY_ROOMS_ENFORCE_INTERVAL=30):
        yield
    relay._snapshots.clear()


def test_chat_line_reaches_the_room_and_is_kept_with_who_and_when() -> None:
    room, invs = open_room()
    admitted(room, "a", "b", invitations=invs)

    async def scenario() -> None:
        chair, _ = await joined(invs["chair"][1])
        a, _ = await joined(invs["a"][1])
        b, _ = await joined(invs["b"][1])
        await a.send_json_to({"type": "chat", "text": "  Good morning, colleagues.  "})
        for ws in (chair, b):
            line = await until(ws, lambda m: m["type"] == "chat")
            assert line["text"] == "Good morning, colleagues."
            assert line["from"] == invs["a"][0].pk and line["to"] == "all"
        for ws in (chair, a, b):
            await leave(ws)

    asyncio.run(scenario())
    kept = ChatMessage.objects.get(room=room)
    assert kept.sender_id == invs["a"][0].pk and kept.at is not None and not kept.to_chair


def test_private_line_reaches_the_chair_and_not_the_others() -> None:
    room, invs = open_room()
    admitted(room, "a", "b", invitations=invs)

    async def scenario() -> None:
        chair, _ = await joined(invs["chair"][1])
        a, _ = await joined(invs["a"][1])
        b, _ = await joined(invs["b"][1])
        await a.send_json_to({"type": "chat", "text": "A word in private.", "to": "chair"})
        private = await until(chair, lambda m: m["type"] == "chat")
        assert private["to"] == "chair" and private["text"] == "A word in private."
        await a.send_json_to({"type": "chat", "text": "For everyone."})
        # B's first chat line is the public one: lines of one sender arrive in order.
        first = await until(b, lambda m: m["type"] == "chat")
        assert first["text"] == "For everyone."
        for ws in (chair, a, b):
            await leave(ws)

    asyncio.run(scenario())
    assert [m["text"] for m in chat.history_for(invs["b"][0])] == ["For everyone."]
    assert len(chat.history_for(invs["a"][0])) == 2
    assert len(chat.history_for(invs["chair"][0])) == 2


def test_chair_hides_a_line_which_is_kept_marked_and_journalled() -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    line = chat.post(invs["a"][0], "Off the record.")
    with pytest.raises(RoomRefusal, match="Only the chair"):
        chat.hide(invs["a"][0], line.pk)
    chat.hide(invs["chair"][0], line.pk)
    line.refresh_from_db()
    assert line.hidden_at is not None and line.hidden_by_id == invs["chair"][0].pk
    assert line.text == "Off the record."
    assert room.events.filter(kind=RoomEvent.Kind.CHAT_HIDDEN, subject=invs["a"][0]).exists()
    (seen,) = chat.history_for(invs["a"][0])
    assert seen["hidden"] and seen["text"] == ""
    (chairs,) = chat.history_for(invs["chair"][0])
    assert chairs["text"] == "Off the record."


@override_settings(SUMMITRY_ROOMS_CHAT_RATE="2/60")
def test_chat_is_rate_limited_per_sender() -> None:
    room, invs = open_room()
    admitted(room, "a", "b", invitations=invs)
    chat.post(invs["a"][0], "One.")
    chat.post(invs["a"][0], "Two.")
    with pytest.raises(RoomRefusal, match="too fast"):
        chat.post(invs["a"][0], "Three.")
    chat.post(invs["b"][0], "Another sender is not held back.")


def test_chat_refuses_bad_input_naming_the_field() -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    for text in ("", "   ", "\u200b", None, 42, "x" * (chat.MAX_LENGTH + 1)):
        with pytest.raises(RoomRefusal, match=r"^text: "):
            chat.post(invs["a"][0], text)
    with pytest.raises(RoomRefusal, match=r"^to: "):
        chat.post(invs["a"][0], "Hello", to="everyone-but-b")
    with pytest.raises(RoomRefusal, match=r"^message: "):
        chat.hide(invs["chair"][0], "7")
    # Text only: markup is kept as the characters typed (pages set it as text).
    assert chat.post(invs["a"][0], "<b>bold</b>\u0007").text == "<b>bold</b>"


def test_chat_waits_for_admission() -> None:
    _, invs = open_room()
    lobby.arrive(invs["a"][0])
    with pytest.raises(RoomRefusal, match="once you are admitted"):
        chat.post(invs["a"][0], "Hello from the lobby.")


def test_kept_chat_is_on_the_journal_for_editors_only(
    client: Client, editor: User, reader: User
) -> None:
    room, invs = open_room()
    admitted(room, "a", invitations=invs)
    chat.post(invs["a"][0], "Kept for the record.")
    chat.hide(invs["chair"][0], chat.post(invs["a"][0], "A private aside.", to="chair").pk)
    client.force_login(editor)
    page = client.get(f"/rooms/{room.pk}/journal/").content.decode()
    assert "Kept for the record." in page and "A private aside." in page
    assert "hidden by" in page and "the chair (private)" in page
    client.force_login(reader)
    assert client.get(f"/rooms/{room.pk}/journal/").status_code == 404
