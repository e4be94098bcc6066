"""Ending before the start and reopening, in Chromium on the real Janus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from summitry.engagements.models import Engagement
from summitry.rooms.actions.ending import reopen_room
from tests.e2e.rooms_helpers import describe, join, media_from, named_room, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


def test_ended_early_then_reopened_the_room_carries_media_again(
    server: str, open_page: Callable[[], Page]
) -> None:
    room, invitations = named_room("video_meeting")
    Engagement.objects.filter(pk=room.engagement_id).update(
        start=timezone.now() + dt.timedelta(hours=2), end=None
    )
    chair_page, a_page = open_page(), open_page()
    join(chair_page, server, invitations["chair"][1])
    join(a_page, server, invitations["a"][1])
    expect(chair_page.locator("#lobby li")).to_have_count(1)
    chair_page.get_by_role("button", name="Admit all").click()

    # Before the scheduled start the chair is asked whether it was held, and told the outcome.
    chair_page.get_by_role("button", name="End meeting").click()
    chair_page.get_by_role("button", name="End: it was not held").click()
    expect(chair_page.locator("#ended-message")).to_have_text(
        "The meeting has ended. The engagement is not recorded as held: the chair said it was not."
    )
    expect(a_page.locator("[data-phase=ended]")).to_be_visible()
    assert Engagement.objects.get(pk=room.engagement_id).status == "scheduled"

    reopen_room(room, None)
    for page, label in ((chair_page, "chair"), (a_page, "a")):
        join(page, server, invitations[label][1])
    expect(chair_page.locator("#lobby li")).to_have_count(1)
    chair_page.get_by_role("button", name="Admit all").click()
    a = invitations["a"][0]
    wait_for(partial(media_from, chair_page, a), 30, partial(describe, chair_page, "A again"))
