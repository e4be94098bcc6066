"""Drafts are never public: only editors who may see the engagement and the delegates taking part
read them, on the pages and in the API; a published text is read as its engagement is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.outcomes.models import OutcomeDocument
from summitry.outcomes.services import adopt, circulate, publish
from tests import factories
from tests.outcomes import factories as outcome_factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def delegate() -> User:
    return factories.user(User.Role.READER, username="delegate")


@pytest.fixture
def draft(editor: User, delegate: User) -> OutcomeDocument:
    document = outcome_factories.document(editor, title="Draft joint statement")
    outcome_factories.delegation(document, editor, "SN", [delegate])
    return document


def _published(editor: User, engagement_confidentiality: str = "public") -> OutcomeDocument:
    engagement = factories.engagement(by=editor, confidentiality=engagement_confidentiality)
    document = outcome_factories.document(editor, engagement, title="Published declaration")
    circulate(document, editor)
    adopt(document, editor, at=engagement)
    publish(document, editor)
    return document


def _sees(client: Client, document: OutcomeDocument) -> dict[str, bool]:
    listed = client.get("/outcomes/").content.decode()
    api_list = client.get("/api/outcomes").json()
    return {
        "list": document.title in listed,
        "page": client.get(f"/outcomes/{document.pk}/").status_code == 200,
        "diff": client.get(f"/outcomes/{document.pk}/compare/?a=1&b=1").status_code == 200,
        "api list": any(d["id"] == document.pk for d in api_list),
        "api": client.get(f"/api/outcomes/{document.pk}").status_code == 200,
    }


def test_draft_hidden_from_anonymous(client: Client, draft: OutcomeDocument) -> None:
    assert not any(_sees(client, draft).values())


def test_draft_hidden_from_other_signed_in_users(client: Client, draft: OutcomeDocument) -> None:
    client.force_login(factories.user(User.Role.READER, username="someone-else"))
    assert not any(_sees(client, draft).values())
    assert client.get(f"/outcomes/{draft.pk}/drafting/").status_code == 404


def test_draft_shown_to_its_delegates_and_editors(
    client: Client, draft: OutcomeDocument, delegate: User, editor: User
) -> None:
    client.force_login(delegate)
    assert all(_sees(client, draft).values())
    assert client.get(f"/outcomes/{draft.pk}/drafting/").status_code == 200
    client.force_login(editor)
    assert all(_sees(client, draft).values())


def test_draft_of_confidential_engagement_hidden_from_other_editors(
    client: Client, editor: User
) -> None:
    engagement = factories.engagement(by=editor, confidentiality="confidential")
    document = outcome_factories.document(editor, engagement, title="Confidential draft")
    client.force_login(factories.user(User.Role.EDITOR, username="other-editor"))
    assert not any(_sees(client, document).values())


def test_published_text_shown_to_the_public(client: Client, editor: User) -> None:
    document = _published(editor)
    assert all(_sees(client, document).values())


def test_published_text_of_confidential_engagement_stays_hidden(
    client: Client, editor: User
) -> None:
    document = _published(editor, "confidential")
    assert not any(_sees(client, document).values())


def test_public_sees_only_adopted_revisions(client: Client, editor: User) -> None:
    from summitry.outcomes.services import edit_text

    engagement = factories.engagement(by=editor)
    document = outcome_factories.document(editor, engagement, paragraphs=["Early wording."])
    edit_text(document, document.title, ["Agreed wording."], editor)
    circulate(document, editor)
    adopt(document, editor, at=engagement, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    publish(document, editor)
    page = client.get(f"/outcomes/{document.pk}/").content.decode()
    assert "Agreed wording." in page and "Early wording." not in page
    assert client.get(f"/outcomes/{document.pk}/?revision=1").status_code == 404
    assert client.get(f"/outcomes/{document.pk}/compare/?a=1&b=2").status_code == 400
    assert [
        r["number"] for r in client.get(f"/api/outcomes/{document.pk}").json()["revisions"]
    ] == [2]
    assert client.get(f"/api/outcomes/{document.pk}/revisions/1").status_code == 404
