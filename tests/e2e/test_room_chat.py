"""The room's chat in Chromium: a line typed on one page appears on the other and is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from summitry.rooms.models import ChatMessage
from tests.e2e.rooms_helpers import join, named_room

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


def test_chat_is_delivered_kept_and_hidden_by_the_chair(
    server: str, open_page: Callable[[], Page]
) -> None:
    room, invitations = named_room("video_meeting")
    chair_page, a_page = open_page(), open_page()
    join(chair_page, server, invitations["chair"][1])
    join(a_page, server, invitations["a"][1])
    expect(chair_page.locator("#lobby li")).to_have_count(1)
    chair_page.get_by_role("button", name="Admit all").click()

    a_page.get_by_placeholder("Write a message").fill("<i>Good morning</i>, colleagues.")
    a_page.get_by_role("button", name="Send").click()
    line = chair_page.locator("#chat-log li")
    expect(line).to_contain_text("<i>Good morning</i>, colleagues.")  # as text, not markup
    expect(line).to_contain_text("Bertrand Roux")

    a_page.get_by_label("Send to").select_option("chair")
    a_page.get_by_placeholder("Write a message").fill("May I take the floor next?")
    a_page.get_by_role("button", name="Send").click()
    expect(chair_page.locator("#chat-log li.private")).to_contain_text("May I take the floor")

    kept = list(ChatMessage.objects.filter(room=room).values_list("sender", "to_chair"))
    assert kept == [(invitations["a"][0].pk, False), (invitations["a"][0].pk, True)]

    chair_page.get_by_role("button", name="Hide the message of Bertrand Roux").first.click()
    expect(a_page.locator("#chat-log li.hidden-line")).to_contain_text("Hidden by the chair.")
    # Reloaded, the page gets the chat so far, the hidden line still marked.
    a_page.reload()
    expect(a_page.locator("#chat-log li")).to_have_count(2)
    expect(a_page.locator("#chat-log li.hidden-line")).to_have_count(1)
