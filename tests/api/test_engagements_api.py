"""The register's API: readers kept and carried, bad input refused by field, nothing hidden told."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.engagements.importer import ImportFailed, import_text
from summitry.engagements.models import Engagement, Source
from summitry.engagements.services import (
    EngagementInput,
    EngagementInvalid,
    SourceInput,
    create_engagement,
)
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def record(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Call",
        "kind": "telephone_call",
        "status": "held",
        "start": "2020-03-23T12:00:00Z",
        **overrides,
    }


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/engagements", body, content_type="application/json")


def put(client: Client, pk: int, body: dict[str, Any]) -> Any:
    return client.put(f"/api/engagements/{pk}", body, content_type="application/json")


def fields_named(response: Any) -> set[str]:
    return {problem["field"] for problem in response.json()["problems"]}


@pytest.fixture
def confidential(administrator: User, editor: User) -> Engagement:
    """A confidential record the editor reads only as a named reader (someone else made it)."""
    engagement = factories.engagement(
        title="Quiet talks", confidentiality="confidential", by=administrator, ref="quiet-talks"
    )
    engagement.readers.add(editor)
    return engagement


def test_put_without_readers_keeps_them_and_the_editor_reader_still_sees_it(
    client: Client, editor: User, confidential: Engagement
) -> None:
    client.force_login(editor)
    shown = client.get(f"/api/engagements/{confidential.pk}").json()
    changed = put(client, confidential.pk, record(title="Quiet talks, continued"))
    assert changed.status_code == 200, changed.content
    assert changed.json()["readers"] == ["editor"]
    assert list(confidential.readers.all()) == [editor]
    again = client.get(f"/api/engagements/{confidential.pk}")
    assert again.status_code == 200
    assert again.json()["title"] == "Quiet talks, continued"
    assert again.json()["ref"] == shown["ref"] == "quiet-talks"


def test_readers_are_set_and_shown_through_the_api(client: Client, editor: User) -> None:
    colleague = factories.user(User.Role.READER, username="colleague")
    client.force_login(editor)
    created = post(client, record(confidentiality="confidential", readers=["colleague"]))
    assert created.status_code == 201, created.content
    assert created.json()["readers"] == ["colleague"]
    pk = created.json()["id"]
    assert list(Engagement.objects.get(pk=pk).readers.all()) == [colleague]
    emptied = put(client, pk, record(confidentiality="confidential", readers=[]))
    assert emptied.json()["readers"] == []
    client.logout()
    factories.engagement(title="Open call")
    assert [e["readers"] for e in client.get("/api/engagements").json()] == [None]


def test_unknown_reader_is_refused_naming_readers(client: Client, editor: User) -> None:
    client.force_login(editor)
    refused = post(client, record(readers=["nobody", "no\x00body"]))
    assert refused.status_code == 400
    assert fields_named(refused) == {"readers"}


def test_javascript_url_is_refused_naming_sources_url(client: Client, editor: User) -> None:
    client.force_login(editor)
    for url in ("javascript:alert(document.cookie)", "data:text/html,<script>x</script>", "x"):
        refused = post(client, record(sources=[{"citation": "Readout", "url": url}]))
        assert refused.status_code == 400, url
        [problem] = refused.json()["problems"]
        assert problem["field"] == "sources" and "the link" in problem["message"]
    assert not Source.objects.exists()
    kept = post(client, record(sources=[{"citation": "R", "url": "https://example.org/r"}]))
    assert kept.status_code == 201


def test_javascript_url_is_refused_by_the_services_and_the_importer(db: None) -> None:
    bad = SourceInput(citation="Readout", url="javascript:alert(1)")
    with pytest.raises(EngagementInvalid) as refused:
        create_engagement(EngagementInput(title="Call", kind="telephone_call", sources=[bad]), None)
    assert set(refused.value.errors) == {"sources"}
    document = [{"title": "Call", "kind": "telephone_call", "status": "proposed"}]
    document[0]["sources"] = [{"citation": "Readout", "url": "javascript:alert(1)"}]  # type: ignore[assignment]
    with pytest.raises(ImportFailed) as failed:
        import_text(json.dumps(document), "json")
    assert {p.field for p in failed.value.problems} == {"sources"}


def test_ref_of_a_hidden_record_is_not_told_to_a_reader(
    client: Client, reader: User, confidential: Engagement
) -> None:
    client.force_login(reader)
    taken = post(client, record(ref="quiet-talks"))
    fresh = post(client, record(ref="never-used"))
    assert taken.status_code == fresh.status_code == 403
    assert taken.json() == fresh.json()


def test_ref_in_use_is_answered_alike_whoever_holds_it(
    client: Client, editor: User, confidential: Engagement
) -> None:
    visible = factories.engagement(title="Open call", ref="open-call")
    confidential.readers.clear()
    client.force_login(editor)
    hidden_answer = post(client, record(ref="quiet-talks"))
    visible_answer = post(client, record(ref="open-call"))
    assert hidden_answer.status_code == visible_answer.status_code == 400
    assert hidden_answer.json() == visible_answer.json()
    assert fields_named(hidden_answer) == {"ref"}
    text = hidden_answer.content.decode()
    assert "Quiet talks" not in text and str(confidential.pk) not in text
    # Taking another record's ref by PUT is refused alike, not a database error.
    moved = put(client, visible.pk, record(title="Open call", ref="quiet-talks"))
    assert moved.status_code == 400 and moved.json() == hidden_answer.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=-1", "limit"),
        ("limit=100000000000000000000000", "limit"),
        ("offset=-5", "offset"),
        ("offset=99999999999999999999", "offset"),
        ("year=-1", "year"),
        ("year=1000000", "year"),
        ("q=a%00b", "q"),
        ("counterpart=%00", "counterpart"),
    ],
)
def test_list_parameters_out_of_range_are_refused_by_name(
    client: Client, query: str, field: str
) -> None:
    factories.engagement()
    refused = client.get(f"/api/engagements?{query}")
    assert refused.status_code == 422
    assert fields_named(refused) == {field}


@pytest.mark.parametrize("year", ["0", "-3", "10000", "99999999999999999999"])
def test_review_year_out_of_range_is_refused_by_name(client: Client, year: str) -> None:
    refused = client.get(f"/api/review/{year}")
    assert refused.status_code == 422
    assert fields_named(refused) == {"year"}


def test_huge_engagement_id_is_refused_by_name(client: Client, editor: User) -> None:
    refused = client.get(f"/api/engagements/{2**70}")
    assert refused.status_code == 422 and fields_named(refused) == {"engagement_id"}
    client.force_login(editor)
    refused = put(client, 2**70, record())
    assert refused.status_code == 422 and fields_named(refused) == {"engagement_id"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start": "0001-01-01T00:00:00+01:00"}, "start"),
        ({"start": "9999-12-31T23:30:00-01:00"}, "start"),
        ({"end": "0001-01-01"}, "end"),
        ({"start": "2020-01-01", "end": "2019-12-31T23:00:00-14:00"}, "end"),
        ({"title": "x" * 301}, "title"),
        ({"title": "Nul\x00here"}, "title"),
        ({"readout": "Nul\x00here"}, "readout"),
        ({"topics": ["t" * 81]}, "topics"),
        ({"topics": ["Nul\x00"]}, "topics"),
        ({"ref": "r" * 121}, "ref"),
        ({"ref": "not a slug"}, "ref"),
        ({"sources": [{"citation": "c" * 301}]}, "sources"),
        ({"sources": [{"citation": "Nul\x00"}]}, "sources"),
        ({"sources": [{"citation": "c", "note": "n" * 301}]}, "sources"),
        ({"sources": [{"citation": "c", "url": "https://example.org/" + "u" * 500}]}, "sources"),
    ],
)
def test_input_the_database_cannot_hold_is_refused_by_name(
    client: Client, editor: User, overrides: dict[str, Any], field: str
) -> None:
    client.force_login(editor)
    refused = post(client, record(**overrides))
    assert refused.status_code == 400, refused.content
    assert fields_named(refused) == {field}
    assert not Engagement.objects.exists()


def test_unencodable_text_is_refused_by_name(client: Client, editor: User) -> None:
    client.force_login(editor)
    body = json.dumps(record()).replace('"Call"', '"\\ud800"')
    refused = client.post("/api/engagements", body, content_type="application/json")
    assert refused.status_code == 400 and fields_named(refused) == {"title"}


def test_input_that_does_not_fit_the_document_names_the_field(client: Client, editor: User) -> None:
    client.force_login(editor)
    refused = post(client, record(kind="carrier_pigeon", sources=[{"url": "https://x.org"}]))
    assert refused.status_code == 422
    assert fields_named(refused) == {"kind", "sources.0.citation"}


def test_a_record_made_without_ref_gets_one_from_the_services_and_keeps_it(
    client: Client, editor: User
) -> None:
    client.force_login(editor)
    created = post(client, record()).json()
    stored = Engagement.objects.get(pk=created["id"])
    assert stored.ref == created["ref"] == f"summitry-{stored.pk}"
    assert stored.history.get().ref == stored.ref
    assert post(client, record(ref=stored.ref)).status_code == 400
    assert put(client, stored.pk, record(title="Renamed")).status_code == 200
    stored.refresh_from_db()
    assert stored.ref == created["ref"] and stored.title == "Renamed"


def test_a_generated_ref_steps_around_one_chosen_by_hand(db: None) -> None:
    chosen = factories.engagement(ref="placeholder")
    chosen.ref = f"summitry-{chosen.pk + 1}"
    chosen.save()
    after = factories.engagement()
    assert after.pk == chosen.pk + 1
    assert after.ref == f"summitry-{after.pk}-2"


def test_an_import_update_keeps_the_named_readers(editor: User, confidential: Engagement) -> None:
    document = [
        {
            "ref": "quiet-talks",
            "title": "Quiet talks, second round",
            "kind": "telephone_call",
            "status": "held",
            "start": "2020-03-26T12:00:00+00:00",
            "confidentiality": "confidential",
        }
    ]
    assert import_text(json.dumps(document), "json").updated == 1
    confidential.refresh_from_db()
    assert confidential.title == "Quiet talks, second round"
    assert list(confidential.readers.all()) == [editor]
