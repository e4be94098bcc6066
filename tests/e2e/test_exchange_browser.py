"""In a real browser, under the strict CSP: a reader puts a question to an expert conference and
sees it kept there; an edition's page carries its JSON-LD (a data block, no violation) and its
citation downloads as RIS."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from summitry.accounts.models import User
from summitry.exchanges.models import Question
from tests import factories
from tests.e2e.test_csp_browser import RECORD_VIOLATIONS
from tests.e2e.test_register_browser import sign_in
from tests.exchanges import factories as exchange
from tests.knowledge import factories as knowledge

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_question_put_and_edition_cited_without_a_csp_violation(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    factories.user(User.Role.READER, username="minister", password="health-ministry-pw-1")
    expert = factories.person("Dr Zhong", country_code="CN")
    conference = exchange.conference(experts=(expert,), title="Expert video conference")
    work = knowledge.work("Diagnosis and Treatment Protocol", slug="protocol", publisher="NHC")
    edition = knowledge.edition(work, markdown="Text", label="Trial Version 7")

    context = browser.new_context(accept_downloads=True)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "minister", "health-ministry-pw-1")
        page.goto(f"{live_server.url}/engagements/{conference.pk}/")
        page.get_by_label("Question", exact=True).fill("Which samples do you test first?")
        page.get_by_label("Your name and institution").fill("Ministry of Health, Italy")
        page.get_by_label("Country").select_option("IT")
        page.get_by_role("button", name="Put the question").click()
        expect(page.locator("article.question blockquote")).to_have_text(
            "Which samples do you test first?"
        )
        assert page.evaluate("window.__violations") == []
        assert Question.objects.get().country.code == "IT"  # type: ignore[union-attr]

        page.goto(f"{live_server.url}{edition.get_absolute_url()}")
        data = page.evaluate(
            "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
        )
        assert data["name"] == "Diagnosis and Treatment Protocol"
        assert data["url"] == f"{live_server.url}{edition.get_absolute_url()}"
        expect(page.locator("#citation")).to_contain_text("Trial Version 7")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Cite (RIS)").click()
        download = download_info.value
        assert download.suggested_filename == "protocol-1.ris"
        assert Path(download.path()).read_text().startswith("TY  - GOVDOC")
        assert page.evaluate("window.__violations") == []
    finally:
        context.close()
