"""Interpretation in real browsers: two interpreters, two channels, a listener who switches.

Each interpreter speaks into their language's AudioBridge room; a listener who picks a
language hears that channel at full volume with the floor quieter behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitry.directory.models import Person
from summitry.rooms.actions.links import invite
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.models import Invitation, Room
from tests.e2e.rooms_helpers import (
    describe,
    growth,
    join,
    more_of,
    named_room,
    stats,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]

FLOOR_QUIET = 0.2  # room.js: the floor's volume behind a chosen channel


def interpreter(room: Room, name: str, into: str) -> tuple[Invitation, str]:
    person = Person.objects.create(name=name)
    return invite(
        room, person, role=Invitation.Role.INTERPRETER, language_from="en", language_to=into
    )


def in_channel(endpoint: JanusEndpoint, room: Room, language: str) -> dict[str, bool]:
    """Who is in a language's AudioBridge room, by display (the invitation id): muted or not."""
    bridge = int(room.interpretation_rooms[language])
    return {str(p.display): bool(p.muted) for p in endpoint.audiobridge().list_participants(bridge)}


def volumes(page: Page) -> dict[str, list[float]]:
    found: dict[str, list[float]] = page.evaluate(
        """() => ({
          floor: Array.from(document.querySelectorAll("#audio-sinks audio[data-feed]"), (a) => a.volume),
          channel: Array.from(document.querySelectorAll("#audio-sinks audio[data-channel]"), (a) => a.volume),
        })"""
    )
    return found


def test_listener_chooses_a_language_and_hears_its_interpreter_over_a_quiet_floor(
    server: str, endpoint: JanusEndpoint, open_page: Callable[[], Page], artifacts: Path
) -> None:
    room, invitations = named_room("virtual_summit", interpretation_languages=["fr", "es"])
    chair, listener = invitations["chair"][0], invitations["a"][0]
    fr, fr_token = interpreter(room, "Françoise Martin", "fr")
    es, es_token = interpreter(room, "Esteban García", "es")
    chair_page, a_page, fr_page, es_page = open_page(), open_page(), open_page(), open_page()

    join(chair_page, server, invitations["chair"][1])
    for page, token in ((a_page, invitations["a"][1]), (fr_page, fr_token), (es_page, es_token)):
        join(page, server, token)
    expect(chair_page.locator("#lobby li")).to_have_count(3)
    chair_page.get_by_role("button", name="Admit all").click()
    for page, lang in ((fr_page, "French"), (es_page, "Spanish")):
        expect(page.locator("#interpreting")).to_contain_text(f"interpreting into {lang}")
    # Each interpreter speaks (unmuted) into their own channel.
    wait_for(
        lambda: (
            in_channel(endpoint, room, "fr").get(str(fr.pk)) is False
            and in_channel(endpoint, room, "es").get(str(es.pk)) is False
        ),
        20,
        lambda: (
            f"interpreters in their channels: {in_channel(endpoint, room, 'fr')}, "
            f"{in_channel(endpoint, room, 'es')}; {describe(fr_page, 'fr')}"
        ),
    )

    # The floor (the chair) reaches the listener at full volume first.
    expect(a_page.get_by_label("Listen to")).to_be_visible()
    wait_for(
        lambda: growth(a_page, str(chair.pk), 0.5) > 10,
        30,
        partial(describe, a_page, "the floor's audio at the listener"),
    )
    assert volumes(a_page) == {"floor": [1.0], "channel": []}

    # French: the fr interpreter at full volume, the floor at a fifth behind.
    a_page.get_by_label("Listen to").select_option("fr")
    wait_for(
        lambda: (
            stats(a_page).get("channel", {}).get("name") == "fr"
            and growth(a_page, "channel", 0.5, "totalAudioEnergy") > 0
        ),
        20,
        partial(describe, a_page, "the French interpreter's sound at the listener"),
    )
    assert in_channel(endpoint, room, "fr").get(str(listener.pk)) is True  # listens, muted
    assert str(listener.pk) not in in_channel(endpoint, room, "es")
    wait_for(lambda: volumes(a_page)["channel"] == [1.0], 5, lambda: repr(volumes(a_page)))
    assert volumes(a_page)["floor"] == [pytest.approx(FLOOR_QUIET)]
    more_of(a_page, "channel", 25)  # fr channel packets
    more_of(a_page, str(chair.pk), 25)  # the floor keeps coming, quieter
    a_page.screenshot(path=str(artifacts / "room-interpretation-listener.png"))

    # Spanish: the listener moves to the es channel and leaves fr.
    a_page.get_by_label("Listen to").select_option("es")
    wait_for(
        lambda: (
            str(listener.pk) in in_channel(endpoint, room, "es")
            and str(listener.pk) not in in_channel(endpoint, room, "fr")
        ),
        15,
        lambda: (
            f"listener moved: {in_channel(endpoint, room, 'fr')}, "
            f"{in_channel(endpoint, room, 'es')}"
        ),
    )
    wait_for(
        lambda: (
            stats(a_page).get("channel", {}).get("name") == "es"
            and growth(a_page, "channel", 0.5, "totalAudioEnergy") > 0
        ),
        20,
        partial(describe, a_page, "the Spanish interpreter's sound at the listener"),
    )
    assert volumes(a_page)["floor"] == [pytest.approx(FLOOR_QUIET)]

    # The floor: out of every channel, the floor back at full volume.
    a_page.get_by_label("Listen to").select_option("")
    wait_for(
        lambda: str(listener.pk) not in in_channel(endpoint, room, "es"),
        15,
        lambda: f"listener left es: {in_channel(endpoint, room, 'es')}",
    )
    wait_for(lambda: volumes(a_page) == {"floor": [1.0], "channel": []}, 5, "the floor only")
    assert "channel" not in stats(a_page)
    more_of(a_page, str(chair.pk), 25)
