"""A person's newest page holds their place: after a crash, and with two pages open.

A page that never closed (a crashed browser, a closed laptop) leaves its Janus session
behind, holding the person's publisher id until Janus times the session out (a minute by
default); Janus refuses the id to the person's new page meanwhile. The new page has Summitry
free it (``place_page_at`` records that it did) and is in the room at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitry.rooms.models import Invitation
from tests.e2e.rooms_helpers import describe, growth, join, media_from, named_room, wait_for
from tests.e2e.test_room_call import heard

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]

REPLACED = (
    "You opened this meeting in another window or on another device, which took your place. "
    "Join again to take it back here."
)


def crash(page: Page) -> None:
    """The page goes as in a crash: no ``beforeunload``, so janus.js never destroys its
    Janus session (Playwright closes pages without running it)."""
    page.close(run_before_unload=False)


def open_again(page: Page, server: str, token: str) -> None:
    """The person opens their link again: admitted already, the page goes straight in."""
    page.goto(f"{server}/rooms/join/{token}/")
    expect(page.get_by_role("button", name="Leave")).to_be_visible()


def chair_and_a(
    kind: str, server: str, open_page: Callable[[], Page]
) -> tuple[dict[str, tuple[Invitation, str]], Page, Page]:
    """The chair and A (admitted) in a new room of ``kind``, each on a page."""
    _, invitations = named_room(kind)
    chair_page, a_page = open_page(), open_page()
    join(chair_page, server, invitations["chair"][1])
    join(a_page, server, invitations["a"][1])
    chair_page.get_by_role("button", name="Admit Bertrand Roux").click()
    return invitations, chair_page, a_page


def test_after_a_crash_the_reopened_link_is_in_the_room_before_janus_forgets_the_old_page(
    server: str, open_page: Callable[[], Page], artifacts: Path
) -> None:
    invitations, chair_page, a_page = chair_and_a("video_meeting", server, open_page)
    a = invitations["a"][0]
    wait_for(partial(media_from, chair_page, a), 30, partial(describe, chair_page, "A's media"))

    crash(a_page)
    again = open_page()
    open_again(again, server, invitations["a"][1])
    wait_for(
        lambda: growth(chair_page, str(a.pk), 0.5, "framesDecoded") > 5,
        30,
        partial(describe, chair_page, "A's video from the reopened page"),
    )
    expect(again.locator("#connection-status")).to_have_text("Connected.")
    assert Invitation.objects.get(pk=a.pk).place_page_at is not None
    again.screenshot(path=str(artifacts / "room-place-taken-back.png"))


def test_of_two_open_pages_the_newest_holds_the_place_and_the_other_can_take_it_back(
    server: str, open_page: Callable[[], Page], artifacts: Path
) -> None:
    invitations, chair_page, first = chair_and_a("video_meeting", server, open_page)
    a = invitations["a"][0]
    wait_for(partial(media_from, chair_page, a), 30, partial(describe, chair_page, "A's media"))

    second = open_page()
    open_again(second, server, invitations["a"][1])
    expect(first.locator("#ended-message")).to_have_text(REPLACED)
    expect(first.get_by_role("button", name="Join again")).to_be_visible()
    wait_for(
        lambda: growth(chair_page, str(a.pk), 0.5, "framesDecoded") > 5,
        30,
        partial(describe, chair_page, "A's video from the second page"),
    )
    expect(chair_page.locator("#participants li", has_text="Bertrand Roux")).not_to_contain_text(
        "offline"
    )
    first.screenshot(path=str(artifacts / "room-place-taken.png"))

    # Join again: the first page takes the place back, the second is told in turn.
    first.get_by_role("button", name="Join again").click()
    expect(first.get_by_role("button", name="Leave")).to_be_visible()
    expect(second.locator("#ended-message")).to_have_text(REPLACED)
    wait_for(
        lambda: growth(chair_page, str(a.pk), 0.5, "framesDecoded") > 5,
        30,
        partial(describe, chair_page, "A's video from the first page again"),
    )


def test_a_telephone_call_reopened_after_a_crash_is_heard_at_once(
    server: str, open_page: Callable[[], Page]
) -> None:
    invitations, chair_page, a_page = chair_and_a("telephone_call", server, open_page)
    a = invitations["a"][0]
    wait_for(lambda: heard(chair_page) > 0, 30, partial(describe, chair_page, "A's sound"))
    loud = heard(chair_page, 75)

    crash(a_page)
    # The mix the chair hears is everyone but the chair: silent while A's page is gone.
    wait_for(lambda: heard(chair_page, 75) < loud / 100, 30, "the crashed page's sound ending")
    again = open_page()
    open_again(again, server, invitations["a"][1])
    wait_for(lambda: heard(chair_page) > 0, 30, partial(describe, chair_page, "A's sound again"))
    wait_for(lambda: heard(again) > 0, 30, partial(describe, again, "the chair's sound"))
    # Janus refused A's id to the new page (AudioBridge 490) until Summitry freed it.
    assert Invitation.objects.get(pk=a.pk).place_page_at is not None
