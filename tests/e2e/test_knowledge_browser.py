"""A reader abroad finds a protocol's passage in the knowledge centre and downloads the
translation in their language, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from summitry.knowledge.models import DownloadCount
from tests.knowledge import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARABIC = "تُعزل الحالات المشتبه بها وتُعالج في مستشفيات مخصصة."


def test_reader_searches_then_downloads_a_translation(
    browser: Browser, live_server: LiveServer, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    work = factories.work(title="Diagnosis and Treatment Protocol", slug="protocol")
    factories.edition(work, markdown="疑似病例在定点医院隔离治疗。")
    edition = factories.edition(work, markdown="疑似病例应在定点医院隔离治疗。")
    upload = factories.docx_file(ARABIC, name="ar.docx")
    original = upload.read()
    upload.seek(0)
    factories.translation(edition, language="ar", upload=upload, translator="A. Translator")

    context = browser.new_context(locale="ar-EG", extra_http_headers={"Accept-Language": "ar-EG"})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/knowledge/")
        page.locator("input[name=q]").fill("مستشفيات")
        page.locator("form[role=search] button[type=submit]").click()
        hit = page.locator("ol.hits > li")
        expect(hit).to_have_count(1)
        expect(hit.locator("mark")).to_have_text("مستشفيات")
        hit.locator("a").first.click()
        expect(page).to_have_url(f"{live_server.url}/knowledge/protocol/2/ar/")
        expect(page.locator(".document-text")).to_contain_text("مستشفيات مخصصة")

        with page.expect_download() as download_info:
            page.locator("a.button[download]").click()
        download = download_info.value
        assert download.suggested_filename == "protocol-2-ar.docx"
        assert Path(download.path()).read_bytes() == original
    finally:
        context.close()
    assert list(DownloadCount.objects.values_list("language", "country", "count")) == [
        ("ar", "EG", 1)
    ]
