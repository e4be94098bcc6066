"""Treaty officers adopt a text by silence procedure in a real browser: the chair circulates a
draft, one delegation comments, a second breaks the silence, and the text is then adopted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from summitry.accounts.models import User
from summitry.outcomes.models import DocumentStatus, OutcomeDocument, SilenceOutcome
from tests import factories
from tests.outcomes import factories as outcome_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "outcome-officer-pw-1"


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Login").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def new_page(browser: Browser, zone: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id=zone)
    return context.new_page()


def test_draft_circulated_silence_broken_by_second_delegation_then_adopted(
    browser: Browser, live_server: LiveServer, artifacts: Path
) -> None:
    chair = factories.user(User.Role.EDITOR, username="chair", password=PASSWORD)
    dakar = factories.user(User.Role.READER, username="dakar", password=PASSWORD)
    beijing = factories.user(User.Role.READER, username="beijing", password=PASSWORD)
    summit = factories.engagement(title="Ministerial video conference", by=chair)
    document = outcome_factories.document(
        chair,
        summit,
        title="Joint statement on vaccine cooperation",
        paragraphs=["The parties will cooperate on vaccines.", "They will meet again."],
    )
    outcome_factories.delegation(document, chair, "SN", [dakar])
    outcome_factories.delegation(document, chair, "CN", [beijing])
    base = live_server.url
    drafting = f"{base}/outcomes/{document.pk}/drafting/"

    chair_page = new_page(browser, "Europe/Paris")
    sign_in(chair_page, base, "chair")
    chair_page.goto(drafting)
    chair_page.get_by_role("button", name="Circulate for comments").click()
    expect(chair_page.locator("#status")).to_have_text("Circulated for comments")

    # The first delegation comments on paragraph 2.
    senegal = new_page(browser, "Africa/Dakar")
    sign_in(senegal, base, "dakar")
    senegal.goto(drafting)
    senegal.get_by_text("Comment on paragraph 2").click()
    senegal.locator("#comment-2").fill("Name the date of the next meeting.")
    senegal.locator("#p2").get_by_role("button", name="Add the comment").click()
    expect(senegal.locator("#p2")).to_contain_text("Name the date of the next meeting.")

    # The chair puts the text under silence for two days (typed in UTC).
    deadline = (
        (timezone.now() + dt.timedelta(days=2)).astimezone(dt.UTC).replace(second=0, microsecond=0)
    )
    chair_page.goto(drafting)
    chair_page.locator("#id_silence-deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    chair_page.locator("#id_silence-time_zone").select_option("UTC")
    chair_page.get_by_role("button", name="Start the silence procedure").click()
    expect(chair_page.locator("#status")).to_have_text("Under silence procedure")
    # The countdown script runs (strict CSP: a same-origin file) and counts down.
    expect(chair_page.locator(".countdown")).to_contain_text("left until the deadline")
    expect(chair_page.locator("section.silence")).to_contain_text("Asia/Shanghai")
    chair_page.screenshot(path=str(artifacts / "outcomes-silence.png"), full_page=True)

    # The second delegation breaks the silence.
    china = new_page(browser, "Asia/Shanghai")
    sign_in(china, base, "beijing")
    china.goto(drafting)
    china.locator("#id_object-text").fill("Paragraph 1 must name the COVAX facility.")
    china.get_by_role("button", name="Break the silence").click()
    expect(china.locator("#status")).to_have_text("Draft")
    expect(china.get_by_text("Paragraph 1 must name the COVAX facility.")).to_be_visible()

    # Back to draft: the chair revises, circulates again and the text is adopted in session.
    chair_page.goto(drafting)
    expect(chair_page.locator("#status")).to_have_text("Draft")
    chair_page.locator("#id_edit-text").fill(
        "The parties will cooperate on vaccines, including through the COVAX facility.\n\n"
        "They will meet again."
    )
    chair_page.get_by_role("button", name="Save as a new revision").click()
    chair_page.get_by_role("button", name="Circulate for comments").click()
    chair_page.locator("#id_adopt-engagement").select_option(str(summit.pk))
    chair_page.get_by_role("button", name="Adopt", exact=True).click()
    expect(chair_page.locator("#status")).to_have_text("Adopted")

    document = OutcomeDocument.objects.get(pk=document.pk)
    assert document.status == DocumentStatus.ADOPTED
    first, second = document.revisions.order_by("number")
    assert first.adopted_at is None
    assert first.silences.get().outcome == SilenceOutcome.BROKEN
    assert second.adopted_at is not None and second.adopted_at_engagement == summit
    chair_page.goto(f"{base}/outcomes/{document.pk}/compare/?a=1&b=2")
    expect(chair_page.locator("ins").first).to_contain_text("including")
    for opened in (chair_page, senegal, china):
        opened.context.close()
