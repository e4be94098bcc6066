"""The drafting pages and the API: each step through the forms, refusals naming the field."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from summitry.accounts.models import User
from summitry.outcomes.models import DocumentStatus, OutcomeDocument
from summitry.outcomes.services import circulate, edit_text, start_silence
from tests import factories
from tests.outcomes import factories as outcome_factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def delegate() -> User:
    return factories.user(User.Role.READER, username="delegate")


@pytest.fixture
def document(editor: User, delegate: User) -> OutcomeDocument:
    made = outcome_factories.document(editor, title="Draft action plan")
    outcome_factories.delegation(made, editor, "SN", [delegate])
    outcome_factories.delegation(made, editor, "CN")
    return made


def test_create_page_records_a_draft_with_numbered_paragraphs(client: Client, editor: User) -> None:
    engagement = factories.engagement(by=editor)
    client.force_login(editor)
    response = client.post(
        "/outcomes/new/",
        {
            "kind": "action_plan",
            "title": "Dakar Action Plan",
            "engagement": engagement.pk,
            "original_language": "en",
            "authentic_languages": ["en", "fr"],
            "text": "First paragraph\nwrapped.\n\nSecond paragraph.",
        },
    )
    assert response.status_code == 302
    document = OutcomeDocument.objects.get(title="Dakar Action Plan")
    revision = document.revisions.get()
    assert [(p.number, p.text) for p in revision.paragraphs.all()] == [
        (1, "First paragraph wrapped."),
        (2, "Second paragraph."),
    ]
    assert document.authentic_languages == ["en", "fr"]


def test_create_page_without_text_names_the_field(client: Client, editor: User) -> None:
    engagement = factories.engagement(by=editor)
    client.force_login(editor)
    response = client.post(
        "/outcomes/new/",
        {
            "kind": "declaration",
            "title": "T",
            "engagement": engagement.pk,
            "text": "   ",
            "original_language": "en",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_text"' in response.content.decode()


def test_create_page_refuses_an_engagement_the_editor_may_not_see(
    client: Client, editor: User
) -> None:
    hidden = factories.engagement(by=editor, confidentiality="confidential")
    client.force_login(factories.user(User.Role.EDITOR, username="other"))
    response = client.post(
        "/outcomes/new/",
        {
            "kind": "declaration",
            "title": "T",
            "engagement": hidden.pk,
            "text": "x",
            "original_language": "en",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_engagement"' in response.content.decode()
    assert not OutcomeDocument.objects.filter(title="T").exists()


def test_drafting_page_silence_broken_by_a_delegate(
    client: Client, editor: User, delegate: User, document: OutcomeDocument
) -> None:
    client.force_login(editor)
    assert client.post(f"/outcomes/{document.pk}/drafting/circulate/").status_code == 302
    deadline = (timezone.now() + dt.timedelta(days=2)).astimezone(dt.UTC)
    response = client.post(
        f"/outcomes/{document.pk}/drafting/silence/",
        {"silence-deadline": deadline.strftime("%Y-%m-%dT%H:%M"), "silence-time_zone": "UTC"},
    )
    assert response.status_code == 302
    client.force_login(delegate)
    page = client.get(f"/outcomes/{document.pk}/drafting/").content.decode()
    assert "Break the silence" in page
    senegal = document.delegations.get(country__code="SN")
    response = client.post(
        f"/outcomes/{document.pk}/drafting/object/",
        {"object-delegation": senegal.pk, "object-text": "Paragraph 2 is not agreed."},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    assert "Paragraph 2 is not agreed." in client.get(f"/outcomes/{document.pk}/").content.decode()


def test_drafting_page_deadline_in_the_past_names_the_field(
    client: Client, editor: User, document: OutcomeDocument
) -> None:
    circulate(document, editor)
    client.force_login(editor)
    response = client.post(
        f"/outcomes/{document.pk}/drafting/silence/",
        {"silence-deadline": "2020-01-01T12:00", "silence-time_zone": "Asia/Shanghai"},
    )
    assert response.status_code == 400
    assert 'href="#id_silence-deadline"' in response.content.decode()


def test_delegate_cannot_act_for_another_delegation(
    client: Client, editor: User, delegate: User, document: OutcomeDocument
) -> None:
    circulate(document, editor)
    client.force_login(delegate)
    china = document.delegations.get(country__code="CN")
    response = client.post(
        f"/outcomes/{document.pk}/drafting/comment/",
        {"comment-delegation": china.pk, "comment-text": "Not mine."},
    )
    assert response.status_code == 400  # not among the delegations offered to this user
    assert not china.comments.exists()
    # Nor can a delegate take an editor's step.
    assert client.post(f"/outcomes/{document.pk}/drafting/withdraw/").status_code == 403


def test_comment_on_a_paragraph_is_shown_under_it(
    client: Client, editor: User, delegate: User, document: OutcomeDocument
) -> None:
    client.force_login(delegate)
    senegal = document.delegations.get(country__code="SN")
    response = client.post(
        f"/outcomes/{document.pk}/drafting/comment/",
        {"comment-delegation": senegal.pk, "comment-paragraph": 2, "comment-text": "Add a date."},
    )
    assert response.status_code == 302
    page = client.get(f"/outcomes/{document.pk}/drafting/").content.decode()
    assert page.index('id="p1"') < page.index('id="p2"') < page.index("Add a date.")
    response = client.post(
        f"/outcomes/{document.pk}/drafting/comment/",
        {
            "comment-delegation": senegal.pk,
            "comment-paragraph": 9,
            "comment-text": "No such paragraph.",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_comment-paragraph"' in response.content.decode()


def test_deadline_shown_in_each_delegation_zone(
    client: Client, editor: User, document: OutcomeDocument
) -> None:
    circulate(document, editor)
    deadline = dt.datetime(2031, 6, 30, 23, 30, tzinfo=dt.UTC)
    start_silence(document, deadline, editor)
    client.force_login(editor)
    page = client.get(f"/outcomes/{document.pk}/drafting/").content.decode()
    assert "Africa/Dakar" in page and "Asia/Shanghai" in page
    # 23:30 UTC on 30 June is 23:30 in Dakar and 07:30 on 1 July in Beijing.
    assert "Monday, 30 June 2031, 23:30" in page
    assert "Tuesday, 1 July 2031, 07:30" in page
    assert 'data-deadline="2031-06-30T23:30:00+00:00"' in page


def test_compare_marks_inserted_and_deleted_words_escaped(
    client: Client, editor: User, document: OutcomeDocument
) -> None:
    edit_text(
        document, document.title, ["First <b>paragraph</b>.", "Second revised paragraph."], editor
    )
    client.force_login(editor)
    response = client.get(f"/outcomes/{document.pk}/compare/?a=1&b=2")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<ins>revised </ins>" in page
    assert "&lt;b&gt;paragraph&lt;/b&gt;" in page and "<b>paragraph" not in page
    bad = client.get(f"/outcomes/{document.pk}/compare/?a=1&b=x")
    assert bad.status_code == 400


def test_api_refusals_name_the_field(
    client: Client, editor: User, delegate: User, document: OutcomeDocument
) -> None:
    engagement = factories.engagement(by=editor)
    client.force_login(editor)

    def post(path: str, body: dict[str, object]) -> tuple[int, set[str]]:
        response = client.post(path, json.dumps(body), content_type="application/json")
        problems = response.json().get("problems", [])
        return response.status_code, {p["field"] for p in problems}

    assert post(
        "/api/outcomes",
        {"kind": "declaration", "title": "T", "paragraphs": [" "], "engagements": [engagement.pk]},
    ) == (400, {"paragraphs"})
    assert post(
        "/api/outcomes",
        {"kind": "memo", "title": "T", "paragraphs": ["x"], "engagements": [engagement.pk]},
    )[1] == {"kind"}
    assert post(
        "/api/outcomes",
        {"kind": "declaration", "title": "T", "paragraphs": ["x"], "engagements": [10**9]},
    ) == (400, {"engagements"})
    base = f"/api/outcomes/{document.pk}"
    assert post(f"{base}/silence", {"deadline": "2031-01-01T12:00:00Z"}) == (400, {"status"})
    assert post(f"{base}/circulate", {})[0] == 200
    assert post(f"{base}/silence", {"deadline": "2031-01-01T12:00:00"}) == (400, {"deadline"})
    assert post(f"{base}/silence", {"deadline": "soon"})[1] == {"deadline"}
    assert post(f"{base}/silence", {"deadline": "2031-01-01T12:00:00+08:00"})[0] == 200
    client.force_login(delegate)
    senegal = document.delegations.get(country__code="SN")
    assert post(f"{base}/objections", {"delegation": senegal.pk, "text": ""}) == (400, {"text"})
    assert post(f"{base}/objections", {"delegation": 0, "text": "No."})[1] == {"delegation"}
    status, _ = post(f"{base}/objections", {"delegation": senegal.pk, "text": "No."})
    assert status == 200
    assert client.get(base).json()["objections"][0]["delegation"] == "SN"


def test_resolve_with_a_bad_comment_id_is_a_400(
    client: Client, editor: User, document: OutcomeDocument
) -> None:
    client.force_login(editor)
    response = client.post(f"/outcomes/{document.pk}/drafting/resolve/", {"comment": "abc"})
    assert response.status_code == 400


def test_api_translation_lines_up_with_the_original_paragraphs(
    client: Client, editor: User, document: OutcomeDocument
) -> None:
    document.authentic_languages = ["en", "fr"]
    document.save()
    client.force_login(editor)
    path = f"/api/outcomes/{document.pk}/revisions/1/translations"

    def post(paragraphs: list[str], language: str = "fr") -> tuple[int, object]:
        body = {"language": language, "title": "Projet", "paragraphs": paragraphs}
        response = client.post(path, json.dumps(body), content_type="application/json")
        return response.status_code, response.json()

    status, refused = post(["Un seul paragraphe."])
    assert status == 400 and [p["field"] for p in refused["problems"]] == ["paragraphs"]  # type: ignore[index]
    assert post(["Un.", "Deux."], language="xx")[0] == 400
    status, revision = post(["Premier paragraphe.", "Deuxième paragraphe."])
    assert status == 201
    assert revision["translations"] == [  # type: ignore[index]
        {
            "language": "fr",
            "title": "Projet",
            "authentic": True,
            "paragraphs": ["Premier paragraphe.", "Deuxième paragraphe."],
        }
    ]
    page = client.get(f"/outcomes/{document.pk}/?language=fr").content.decode()
    assert "Deuxième paragraphe." in page and 'id="p2"' in page


def test_list_names_an_engagement_once_where_a_text_was_drafted_and_adopted(
    client: Client, editor: User
) -> None:
    from summitry.outcomes.services import adopt, publish

    engagement = factories.engagement(by=editor, title="Dakar ministerial conference")
    made = outcome_factories.document(editor, engagement=engagement, title="Dakar Declaration")
    circulate(made, editor)
    adopt(made, editor, at=engagement)
    publish(made, editor)
    client.force_login(editor)
    page = client.get("/outcomes/").content.decode()
    assert page.count("Dakar ministerial conference") == 1


def test_drafting_page_attaches_a_translation_paragraph_for_paragraph(
    client: Client, editor: User, document: OutcomeDocument
) -> None:
    document.authentic_languages = ["en", "fr"]
    document.save()
    client.force_login(editor)
    path = f"/outcomes/{document.pk}/drafting/translation/"
    refused = client.post(
        path,
        {"translation-language": "fr", "translation-title": "Projet", "translation-text": "Un."},
    )
    assert refused.status_code == 400
    assert "the translation must have as many" in refused.content.decode()
    done = client.post(
        path,
        {
            "translation-language": "fr",
            "translation-title": "Projet",
            "translation-text": "Premier paragraphe.\n\nDeuxième paragraphe.",
        },
    )
    assert done.status_code == 302
    page = client.get(f"/outcomes/{document.pk}/?language=fr").content.decode()
    assert "Deuxième paragraphe." in page and "(authentic)" in page


def test_drafting_translation_is_for_editors_only(
    client: Client, delegate: User, document: OutcomeDocument
) -> None:
    client.force_login(delegate)
    assert (
        "Attach a translation"
        not in client.get(f"/outcomes/{document.pk}/drafting/").content.decode()
    )
    response = client.post(
        f"/outcomes/{document.pk}/drafting/translation/",
        {"translation-language": "fr", "translation-title": "T", "translation-text": "A.\n\nB."},
    )
    assert response.status_code == 403
