"""A multilingual record: the title and readout kept in several languages, the original marked;
the reader's version shown, else the original with its language named; every way in and out
carries the versions; bad versions refused by field (and by line on import)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from summitry.accounts.models import User
from summitry.engagements.exporter import export
from summitry.engagements.importer import ImportFailed, import_text
from summitry.engagements.models import Engagement, EngagementText
from summitry.engagements.queries import visible_to
from summitry.engagements.services import (
    EngagementInvalid,
    TextInput,
    input_from,
    update_engagement,
)
from summitry.engagements.texts import text_for
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ORIGINAL = "外交部长同法国外长通电话"
ENGLISH = "Telephone call with the French Foreign Minister"


def bilingual(**fields: Any) -> Engagement:
    """Kept in Chinese, with an English version (as a ministry publishes both)."""
    return factories.engagement(
        title=ORIGINAL,
        readout="双方就疫情交换了意见。",
        original_language="zh-hans",
        versions=[TextInput("en", ENGLISH, "They exchanged views on the outbreak.")],
        **fields,
    )


def test_reader_sees_the_version_in_their_language() -> None:
    engagement = bilingual()
    assert text_for(engagement, "en-gb").title == ENGLISH
    assert text_for(engagement, "zh-hans").title == ORIGINAL
    # No version in French: the original.
    shown = text_for(engagement, "fr")
    assert (shown.title, shown.language, shown.is_original) == (ORIGINAL, "zh-hans", True)
    with translation.override("en-gb"):
        assert text_for(engagement).readout == "They exchanged views on the outbreak."


def test_detail_page_shows_the_original_with_its_language_named(client: Client) -> None:
    engagement = factories.engagement(
        title=ORIGINAL,
        original_language="zh-hans",
        versions=[TextInput("fr", "Appel téléphonique avec le ministre français")],
    )
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert f'<h1 lang="zh-hans" dir="auto">{ORIGINAL}</h1>' in page
    assert "Original in Chinese (Simplified)." in page
    assert 'href="?language=fr" hreflang="fr">French</a>' in page


def test_detail_page_shows_the_readers_version_and_links_the_original(client: Client) -> None:
    engagement = bilingual()
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert f'<h1 lang="en" dir="auto">{ENGLISH}</h1>' in page
    assert "Version in English; the original is in Chinese (Simplified)." in page
    assert 'href="?language=zh-hans" hreflang="zh-hans">Chinese (Simplified) (original)</a>' in page
    original = client.get(f"/engagements/{engagement.pk}/?language=zh-hans").content.decode()
    assert ORIGINAL in original and "双方就疫情交换了意见。" in original


def test_an_english_original_read_in_english_names_no_language(client: Client) -> None:
    engagement = factories.engagement(title="Call with France")
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "Original in" not in page and "Other versions" not in page


@pytest.mark.parametrize(
    ("original", "versions", "field", "words"),
    [
        ("en", [TextInput("xx", "Title")], "versions", "Unknown language 'xx'"),
        (
            "zh-hans",
            [TextInput("zh-hans", "标题")],
            "versions",
            "The original is in Chinese (Simplified)",
        ),
        ("en", [TextInput("fr", "Un"), TextInput("FR", "Deux")], "versions", "Two versions"),
        ("en", [TextInput("fr", "  ", "Un compte rendu.")], "title@fr", "A title is required"),
        ("en", [TextInput("fr", "x" * 301)], "title@fr", "longer than 300"),
        ("klingon", [], "original_language", "Unknown language 'klingon'"),
    ],
)
def test_bad_versions_are_refused_naming_the_field(
    original: str, versions: list[TextInput], field: str, words: str
) -> None:
    with pytest.raises(EngagementInvalid) as refused:
        factories.engagement(original_language=original, versions=versions)
    assert words in " ".join(refused.value.errors[field])
    assert not Engagement.objects.exists()


def test_a_write_without_versions_keeps_them() -> None:
    engagement = bilingual()
    data = input_from(engagement)
    data.versions = None
    data.original_language = None
    data.readout = "Changed."
    update_engagement(engagement, data, by=None)
    engagement.refresh_from_db()
    assert engagement.original_language == "zh-hans"
    assert [t.title for t in engagement.texts.all()] == [ENGLISH]


def test_access_rule_is_unchanged_by_versions(client: Client, reader: User) -> None:
    hidden = bilingual(confidentiality="confidential")
    assert not visible_to(None).filter(pk=hidden.pk).exists()
    assert not visible_to(reader).filter(pk=hidden.pk).exists()
    assert client.get(f"/engagements/{hidden.pk}/?language=en").status_code == 404
    assert client.get(f"/api/engagements/{hidden.pk}").status_code == 404
    assert ENGLISH not in client.get("/api/engagements").content.decode()


# The API


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/engagements", body, content_type="application/json")


BODY = {
    "title": ORIGINAL,
    "kind": "telephone_call",
    "status": "held",
    "start": "2020-03-23T12:00:00Z",
    "original_language": "zh-hans",
    "versions": [{"language": "en", "title": ENGLISH, "readout": "Views exchanged."}],
}


def test_api_carries_every_version(client: Client, editor: User) -> None:
    client.force_login(editor)
    created = post(client, BODY)
    assert created.status_code == 201, created.content
    record = created.json()
    assert record["original_language"] == "zh-hans"
    assert record["versions"] == [
        {"language": "en", "title": ENGLISH, "readout": "Views exchanged."}
    ]
    assert client.get(f"/api/engagements/{record['id']}").json()["versions"] == record["versions"]
    # A PUT that does not name the versions keeps them; [] removes them.
    kept = client.put(
        f"/api/engagements/{record['id']}",
        {k: v for k, v in BODY.items() if k not in ("versions", "original_language")},
        content_type="application/json",
    ).json()
    assert (kept["original_language"], kept["versions"]) == ("zh-hans", record["versions"])
    removed = client.put(
        f"/api/engagements/{record['id']}",
        {**BODY, "versions": []},
        content_type="application/json",
    ).json()
    assert removed["versions"] == []


def test_openapi_document_types_the_versions(client: Client) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert set(schemas["VersionIn"]["properties"]) == {"language", "title", "readout"}
    assert schemas["EngagementOut"]["properties"]["versions"]["items"] == {
        "$ref": "#/components/schemas/VersionOut"
    }


@pytest.mark.parametrize(
    ("versions", "field"),
    [
        ([{"language": "xx", "title": "T"}], "versions"),
        ([{"language": "zh-hans", "title": "又一个"}], "versions"),
        ([{"language": "fr", "title": ""}], "title@fr"),
    ],
)
def test_api_refuses_bad_versions_naming_the_field(
    client: Client, editor: User, versions: list[dict[str, str]], field: str
) -> None:
    client.force_login(editor)
    refused = post(client, {**BODY, "versions": versions})
    assert refused.status_code == 400
    assert field in {p["field"] for p in refused.json()["problems"]}


# Import and export

CSV = (
    "ref,title,kind,status,start,readout,original_language,title@en,readout@en,title@fr\n"
    "call-1,外交部长通电话,telephone_call,held,2020-03-23,中文纪要,zh-hans,"
    '"Telephone call","Line one\nline two",Appel téléphonique\n'
    "call-2,Call with Spain,telephone_call,held,2020-03-24,,en,,,Appel avec l'Espagne\n"
)


def test_csv_import_reads_versions_and_export_writes_them_back() -> None:
    result = import_text(CSV, "csv")
    assert result.created == 2
    first = Engagement.objects.get(ref="call-1")
    assert first.original_language == "zh-hans"
    assert [(t.language, t.title, t.readout) for t in first.texts.all()] == [
        ("en", "Telephone call", "Line one\nline two"),
        ("fr", "Appel téléphonique", ""),
    ]
    second = Engagement.objects.get(ref="call-2")
    assert [t.language for t in second.texts.all()] == ["fr"]
    for fmt in ("csv", "json"):
        out = io.StringIO()
        export(out, fmt)
        again = import_text(out.getvalue(), fmt)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2), fmt
    out = io.StringIO()
    export(out, "csv")
    header = out.getvalue().splitlines()[0].split(",")
    assert header[-5:] == ["original_language", "title@en", "readout@en", "title@fr", "readout@fr"]


def test_json_export_holds_every_version() -> None:
    bilingual(ref="bilingual")
    out = io.StringIO()
    export(out, "json")
    record = json.loads(out.getvalue())["engagements"][0]
    assert record["original_language"] == "zh-hans"
    assert record["versions"] == [
        {"language": "en", "title": ENGLISH, "readout": "They exchanged views on the outbreak."}
    ]


def problems_of(text: str, fmt: str) -> set[tuple[int, str]]:
    with pytest.raises(ImportFailed) as failed:
        import_text(text, fmt)
    assert not Engagement.objects.exists() and not EngagementText.objects.exists()
    return {(p.line, p.field) for p in failed.value.problems}


def test_csv_import_refuses_an_unknown_language_column_on_line_one() -> None:
    text = "title,kind,title@xx\nCall,telephone_call,Titre\n"
    assert problems_of(text, "csv") == {(1, "title@xx")}


def test_csv_import_refuses_a_version_without_title_by_line_and_column() -> None:
    text = (
        "title,kind,start,title@fr,readout@fr\n"
        "Call,telephone_call,2020-03-23,Appel,\n"
        "Other call,telephone_call,2020-03-24,,Un compte rendu sans titre.\n"
    )
    assert problems_of(text, "csv") == {(3, "title@fr")}


def test_csv_import_refuses_a_version_in_the_original_language() -> None:
    text = "title,kind,start,original_language,title@fr\nAppel,telephone_call,2020-03-23,fr,Deux\n"
    assert problems_of(text, "csv") == {(2, "versions")}


def test_json_import_refuses_two_originals_and_unknown_languages_by_line() -> None:
    good = {"title": "Call", "kind": "telephone_call", "start": "2020-03-23"}
    rows = [
        good,
        {**good, "original_language": "fr", "versions": [{"language": "fr", "title": "Deux"}]},
        {**good, "original_language": "xx"},
        {**good, "versions": [{"language": "es"}]},
        {**good, "versions": ["fr"]},
    ]
    text = "[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]\n"
    assert problems_of(text, "json") == {
        (3, "versions"),
        (4, "original_language"),
        (5, "title@es"),
        (6, "versions"),
    }


def test_import_without_versions_keeps_those_of_the_record_it_updates() -> None:
    bilingual(ref="kept")
    text = "ref,title,kind,start\nkept,外交部长同法国外长通电话,telephone_call,2020-03-26\n"
    import_text(text, "csv")
    engagement = Engagement.objects.get(ref="kept")
    assert engagement.original_language == "zh-hans"
    assert [t.language for t in engagement.texts.all()] == ["en"]


# The form


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": ORIGINAL,
        "kind": "telephone_call",
        "status": "held",
        "date": "2020-03-23",
        "time_zone": "UTC",
        "confidentiality": "public",
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        "texts-original_language": "zh-hans",
        "versions-TOTAL_FORMS": "2",
        "versions-INITIAL_FORMS": "0",
        "versions-0-language": "en",
        "versions-0-title": ENGLISH,
        "versions-0-readout": "Views exchanged.",
        "versions-1-language": "",
        "versions-1-title": "",
    }
    data.update(overrides)
    return data


def test_editor_adds_versions_in_the_form(client: Client, editor: User) -> None:
    client.force_login(editor)
    response = client.post("/engagements/new/", form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    engagement = Engagement.objects.get()
    assert engagement.original_language == "zh-hans"
    assert [(t.language, t.title) for t in engagement.texts.all()] == [("en", ENGLISH)]
    edit = client.get(f"/engagements/{engagement.pk}/edit/").content.decode()
    assert f'value="{ENGLISH}"' in edit


def test_form_refuses_a_version_without_title_on_its_row(client: Client, editor: User) -> None:
    client.force_login(editor)
    response = client.post(
        "/engagements/new/", form_data(**{"versions-1-language": "fr", "versions-1-readout": "R"})
    )
    assert response.status_code == 200
    assert not Engagement.objects.exists()
    form = response.context["texts"].versions.forms[1]
    assert form.errors["title"] == ["A title is required."]


def test_pages_name_countries_organisations_and_people_in_the_readers_language(
    client: Client,
) -> None:
    xi = factories.person("Xi Jinping", "CN")
    xi.names = {"zh-hans": "习近平", "fr": "Xi Jinping"}
    xi.save()
    who = factories.organisation("WHO")
    engagement = factories.engagement(
        countries=("CN",), people=(xi,), organisations=[who], host_country=xi.country
    )
    with translation.override("zh-hans"):
        detail = client.get(f"/engagements/{engagement.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        listing = client.get("/engagements/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = detail.content.decode()
    assert "<dd>中国</dd>" in page and "<dd>世界卫生组织</dd>" in page
    assert '<td>习近平 <span class="muted">(中国)</span></td>' in page
    assert "中国" in listing.content.decode()


def test_moving_the_original_to_the_language_of_a_kept_version_is_refused() -> None:
    engagement = bilingual()
    data = input_from(engagement)
    data.versions = None
    data.original_language = "en"
    with pytest.raises(EngagementInvalid) as refused:
        update_engagement(engagement, data, by=None)
    assert "two originals" in " ".join(refused.value.errors["versions"])
