"""The yearly review's commitments section, on its page and in its PDF."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.test import Client
from pypdf import PdfReader

from tests import factories
from tests.commitments import factories as commitment_factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_review_counts_commitments_made_that_year(client: Client) -> None:
    factories.engagement(start=dt.datetime(2021, 3, 1, 12, tzinfo=dt.UTC), countries=("CN", "FR"))
    pledge = commitment_factories.commitment(amount=1000, text="Provide a thousand doses.")
    commitment_factories.report(pledge, dt.date(2022, 1, 1), 400)
    commitment_factories.commitment(made_on=dt.date(2020, 6, 1), text="An earlier pledge.")
    secret = factories.engagement(confidentiality="confidential")
    commitment_factories.commitment(engagement=secret, text="A confidential pledge.")
    html = client.get("/review/2021/").content.decode()
    assert "Commitments made in 2021" in html
    assert "1 commitment was made this year" in html
    assert "Provide a thousand doses." in html and "40%" in html
    assert "An earlier pledge." not in html and "A confidential pledge." not in html


def test_review_pdf_has_commitments_and_follows_new_evidence(client: Client) -> None:
    factories.engagement(start=dt.datetime(2021, 3, 1, 12, tzinfo=dt.UTC), countries=("CN", "FR"))
    pledge = commitment_factories.commitment(amount=1000, text="Provide a thousand doses.")
    first = _pdf_text(client.get("/review/2021.pdf").content)
    assert "Commitments made in 2021" in first and "Announced" in first
    # New evidence changes the cached PDF.
    commitment_factories.report(pledge, dt.date(2022, 1, 1), 1000)
    second = _pdf_text(client.get("/review/2021.pdf").content)
    assert "Fulfilled" in second and "100%" in second


def test_review_command_lists_the_years_commitments(capsys: pytest.CaptureFixture[str]) -> None:
    from summitry.cli import main

    pledge = commitment_factories.commitment(amount=1000, text="Provide a thousand doses.")
    commitment_factories.report(pledge, dt.date(2022, 1, 1), 400)
    commitment_factories.commitment(made_on=dt.date(2020, 6, 1), text="An earlier pledge.")
    assert main(["review", "2021"]) == 0
    out = capsys.readouterr().out
    assert "1 commitment was made this year" in out
    assert "Provide a thousand doses." in out and "40%" in out
    assert "An earlier pledge." not in out
    assert main(["review", "2021", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)["commitments"]
    assert data["total"] == 1 and data["by_status"]["in_progress"] == 1
    assert [item["text"] for item in data["items"]] == ["Provide a thousand doses."]
    assert data["items"][0]["progress"] == 0.4


def test_review_api_lists_only_the_commitments_the_caller_may_see(client: Client) -> None:
    commitment_factories.commitment(text="A public pledge.")
    secret = factories.engagement(confidentiality="confidential")
    commitment_factories.commitment(engagement=secret, text="A confidential pledge.")
    data = client.get("/api/review/2021").json()["commitments"]
    assert [item["text"] for item in data["items"]] == ["A public pledge."]
    assert data["total"] == 1
