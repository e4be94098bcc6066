"""A participant already admitted who opens their link (or reloads) goes straight in.

The page carries its state; room-start.js starts the camera and the Janus session before
the page is drawn, and room.js takes them over (docs/rooms.md, "Joining fast").
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from summitry.rooms.actions import lobby
from summitry.rooms.models import Invitation
from tests.e2e.rooms_helpers import describe, join, media_from, named_room, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]


def self_view_playing(page: Page) -> bool:
    return bool(
        page.evaluate(
            """() => { const v = document.querySelector('#tiles .tile.self video');
            return Boolean(v && v.srcObject && v.srcObject.getVideoTracks().length); }"""
        )
    )


def admit_before_opening(chair: Invitation, who: Invitation) -> None:
    # Beside Playwright's event loop: the actions notify the room's pages through async_to_sync.
    def admit() -> None:
        lobby.arrive(Invitation.objects.get(pk=who.pk))
        lobby.admit(Invitation.objects.get(pk=chair.pk), Invitation.objects.get(pk=who.pk))

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(admit).result()


def test_an_admitted_participant_goes_straight_in_and_who_left_has_no_tile(
    server: str, open_page: Callable[[], Page], artifacts: Path, settings: Settings
) -> None:
    settings.SUMMITRY_ROOMS_REJOIN_GRACE = 1.0
    _, invitations = named_room("virtual_summit")
    chair, a, b = (invitations[k][0] for k in ("chair", "a", "b"))
    chair_page, b_page = open_page(), open_page()
    join(chair_page, server, invitations["chair"][1])
    expect(chair_page.get_by_role("heading", name="Speakers' list")).to_be_visible()
    join(b_page, server, invitations["b"][1])
    chair_page.get_by_role("button", name="Admit Chen Wei").click()
    wait_for(partial(media_from, chair_page, b, packets=-1), 30, "B's video at the chair")
    expect(chair_page.locator("#tiles .tile")).to_have_count(2)

    # B leaves: B stays admitted, shown offline in the list, and has no tile any more.
    b_page.context.close()
    expect(chair_page.locator("#participants li", has_text="Chen Wei")).to_contain_text("offline")
    expect(chair_page.locator("#tiles .tile")).to_have_count(1)

    # A was admitted before opening the link: no device check, no lobby, no click.
    admit_before_opening(chair, a)
    a_page = open_page()
    a_page.goto(f"{server}/rooms/join/{invitations['a'][1]}/")
    expect(a_page.get_by_role("heading", name="Speakers' list")).to_be_visible()
    expect(a_page.get_by_role("button", name="Join the meeting")).to_be_hidden()
    wait_for(partial(media_from, a_page, chair), 30, partial(describe, a_page, "the chair at A"))
    wait_for(partial(media_from, chair_page, a, packets=-1), 30, "A's video at the chair")
    marks = a_page.evaluate("window.summitryRoom.marks")
    # The Janus session was started by room-start.js, before room.js ran.
    assert marks["start"] <= marks["script"] <= marks["first_frame"], marks
    assert marks["janus_session"] <= marks["joined"] <= marks["first_frame"], marks
    # Once media flows: the socket to Summitry (A is online for the chair), and the self view.
    expect(chair_page.locator("#participants li", has_text="Bertrand Roux")).not_to_contain_text(
        "offline"
    )
    wait_for(partial(self_view_playing, a_page), 10, "A's self view")
    expect(a_page.locator("#tiles .tile")).to_have_count(2)

    # A reload takes the same path, with the same publisher id (the old session is gone).
    a_page.reload()
    expect(a_page.get_by_role("heading", name="Speakers' list")).to_be_visible()
    wait_for(partial(media_from, a_page, chair), 30, partial(describe, a_page, "after reload"))
    wait_for(partial(media_from, chair_page, a, packets=-1), 30, "A's video after the reload")
    a_page.screenshot(path=str(artifacts / "room-straight-in.png"))


def collected_start_bundle() -> bytes:
    """The start bundle as `collectstatic` writes it, from the same parts."""
    from django.contrib.staticfiles import finders

    from summitry.web.storage import START_PARTS

    parts = []
    for part in START_PARTS:
        found = finders.find(part)
        assert isinstance(found, str), part
        parts.append(Path(found).read_bytes().rstrip())
    return b"\n;\n".join(parts) + b"\n"


def test_with_collected_files_the_start_bundle_runs_async_and_room_js_follows_the_join(
    server: str, open_page: Callable[[], Page], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As `summitry serve` has it: the three start scripts as one async file. The server here
    # uses the finders, so the page is told the bundle exists and the file is served from them.
    monkeypatch.setattr("summitry.rooms.views.start_bundle_available", lambda: True)
    bundle = collected_start_bundle()
    _, invitations = named_room("virtual_summit")
    chair, a = (invitations[k][0] for k in ("chair", "a"))
    chair_page = open_page()
    join(chair_page, server, invitations["chair"][1])
    expect(chair_page.get_by_role("heading", name="Speakers' list")).to_be_visible()
    admit_before_opening(chair, a)

    a_page = open_page()
    errors: list[str] = []
    a_page.on("pageerror", lambda error: errors.append(str(error)))
    a_page.route(
        "**/static/rooms/room-start.bundle.js",
        lambda route: route.fulfill(body=bundle, content_type="text/javascript"),
    )
    a_page.goto(f"{server}/rooms/join/{invitations['a'][1]}/")
    assert a_page.locator("head script[src$='room-start.bundle.js']").get_attribute("async") == ""
    expect(a_page.get_by_role("heading", name="Speakers' list")).to_be_visible()
    wait_for(partial(media_from, a_page, chair), 30, partial(describe, a_page, "the chair at A"))
    wait_for(partial(media_from, chair_page, a, packets=-1), 30, "A's video at the chair")
    # room.js and the catalogue were added once, in order, from the page's template.
    sources = a_page.evaluate(
        "() => [...document.querySelectorAll('head > script[src]')].map((s) => s.src)"
    )
    added = [s for s in sources if s.endswith("/jsi18n/") or s.endswith("/rooms/room.js")]
    assert [s.rsplit("/", 2)[-2] for s in added] == ["jsi18n", "rooms"], sources
    expect(a_page.locator("[data-phase=joining]")).to_be_hidden()
    expect(a_page.locator("#tiles .tile")).to_have_count(2)
    assert not errors, errors
