"""The review's PDF is tagged for screen readers (PDF/UA-1)."""

from __future__ import annotations

import re
import zlib

import pytest
from django.test import Client

from summitry.directory.models import Person
from summitry.engagements.services import ParticipantInput
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def pdf_text(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to find its structure's keys."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(parts)


def test_review_pdf_is_tagged_for_screen_readers() -> None:
    principal: Person = factories.person("Principal", "CN")
    factories.engagement(
        countries=("FR",), participants=[ParticipantInput(principal, role="principal")]
    )
    response = Client().get("/review/2020.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert b"/StructTreeRoot" in text
    assert b"/Marked true" in text
    assert b"pdfuaid:part" in text
    assert b"/Lang" in text
    assert b"/Table" in text
