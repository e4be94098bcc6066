"""The demo outcome documents: those the seeds name, each citing its seed, public, no invented text."""

from __future__ import annotations

import pytest
from django.test import Client

from summitry.engagements.demo import load_demo
from summitry.outcomes.demo import demo_documents, load_demo_documents
from summitry.outcomes.models import OutcomeDocument, Paragraph

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
SEEDS = {"001_fa677d636f66956c.txt", "002_415ee3b002599a03.txt", "004_004dfe6b1ccb066c.txt"}


def test_demo_documents_cite_their_seed_and_hold_no_invented_text(client: Client) -> None:
    load_demo()
    load_demo_documents()
    assert load_demo_documents() == "Demo outcome documents: 0 added."  # twice changes nothing
    documents = OutcomeDocument.objects.all()
    assert documents.count() == len(demo_documents())
    for document in documents:
        assert document.published_at is not None
        citations = [s.citation for s in document.sources.all()]
        assert citations and all(c.removeprefix("shared/seeds/") in SEEDS for c in citations)
        assert document.engagement_links.filter(role="adopted").exists()
        assert client.get(document.get_absolute_url()).status_code == 200
    assert not Paragraph.objects.exists()
    pact = OutcomeDocument.objects.get(title="Glasgow Climate Pact")
    assert [p.country.code for p in pact.parties.all() if p.country] == ["CN"]
    listed = client.get("/outcomes/").content.decode()
    assert "Forum on China-Africa Cooperation Dakar Action Plan (2022-2024)" in listed
