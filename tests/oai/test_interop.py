"""Each edition and translation: a stable URL, a citation with RIS and CSL-JSON downloads,
Dublin Core and schema.org JSON-LD in its page; an Atom feed of new ones. Restricted works
appear in none of these for those who may not see them."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from summitry.knowledge import services
from summitry.knowledge.models import Edition
from tests.knowledge import factories as knowledge

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def edition() -> Edition:
    topic = services.create_topic("Clinical care", "clinical-care")
    work = knowledge.work(
        "Diagnosis and Treatment Protocol",
        slug="protocol",
        publisher="National Health Commission",
        summary="Guidance for clinicians.",
    )
    work.topics.add(topic)
    knowledge.edition(work, markdown="First text", published_on=dt.date(2020, 1, 16))
    return knowledge.edition(
        work,
        markdown="Seventh text",
        label="Trial Version 7",
        published_on=dt.date(2020, 3, 3),
        changes="New clinical classification.",
    )


def json_ld(page: str) -> dict[str, object]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(found) == 1
    data: dict[str, object] = json.loads(found[0])
    return data


def test_edition_page_carries_dublin_core_json_ld_and_citation(
    client: Client, edition: Edition
) -> None:
    response = client.get(edition.get_absolute_url())
    page = response.content.decode()
    url = f"http://testserver{edition.get_absolute_url()}"
    assert '<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">' in page
    assert '<meta name="DC.title" content="Diagnosis and Treatment Protocol">' in page
    assert f'<meta name="DC.identifier" content="{url}">' in page
    assert '<meta name="DC.date" content="2020-03-03">' in page
    assert '<meta name="DC.language" content="zh-Hans">' in page
    assert '<meta name="DC.subject" content="Clinical care">' in page
    data = json_ld(page)
    assert data["@type"] == "CreativeWork"
    assert data["url"] == url
    assert data["version"] == "Trial Version 7"
    assert data["datePublished"] == "2020-03-03"
    assert data["publisher"] == {"@type": "Organization", "name": "National Health Commission"}
    assert (
        "National Health Commission. Diagnosis and Treatment Protocol (Trial Version 7). "
        f"2020-03-03. Chinese (Simplified). {url}"
    ) in page.replace("&#x27;", "'")
    assert f'href="{edition.get_absolute_url()}cite.ris"' in page
    # The data block is not a script the CSP must allow: no inline script may run.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_translation_page_says_what_it_translates(client: Client, edition: Edition) -> None:
    translated = knowledge.translation(
        edition, language="fr", markdown="Texte", title="Protocole", translator="OMS"
    )
    page = client.get(translated.get_absolute_url()).content.decode()
    data = json_ld(page)
    assert data["inLanguage"] == "fr"
    assert data["name"] == "Protocole"
    assert data["translationOfWork"] == {"@id": f"http://testserver{edition.get_absolute_url()}"}
    assert '<meta name="DC.contributor" content="OMS">' in page
    assert f'href="{translated.get_absolute_url()}cite.json"' in page


def test_json_ld_cannot_close_its_script(client: Client) -> None:
    work = knowledge.work("</script><script>alert(1)</script>", slug="hostile")
    edition = knowledge.edition(work, markdown="x")
    page = client.get(edition.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert json_ld(page)["name"] == "</script><script>alert(1)</script>"


def test_cite_downloads_ris_and_csl_json(client: Client, edition: Edition) -> None:
    ris = client.get(f"{edition.get_absolute_url()}cite.ris")
    assert ris.status_code == 200
    assert ris["Content-Type"].startswith("application/x-research-info-systems")
    assert 'filename="protocol-2.ris"' in ris["Content-Disposition"]
    lines = ris.content.decode().split("\r\n")
    assert lines[0] == "TY  - GOVDOC"
    assert "TI  - Diagnosis and Treatment Protocol" in lines
    assert "ET  - Trial Version 7" in lines
    assert "DA  - 2020/03/03" in lines
    assert f"UR  - http://testserver{edition.get_absolute_url()}" in lines
    assert lines[-2] == "ER  - "
    csl = client.get(f"{edition.get_absolute_url()}cite.json").json()
    assert csl[0]["title"] == "Diagnosis and Treatment Protocol"
    assert csl[0]["issued"] == {"date-parts": [[2020, 3, 3]]}
    assert csl[0]["author"] == [{"literal": "National Health Commission"}]


def test_cite_refuses_what_is_not_there(client: Client, edition: Edition) -> None:
    assert client.get(f"{edition.get_absolute_url()}cite.bib").status_code == 404
    assert client.get(f"{edition.get_absolute_url()}xx/cite.ris").status_code == 404
    assert client.get("/knowledge/protocol/99/cite.ris").status_code == 404
    hidden = knowledge.work("Restricted", slug="restricted", shared_with=("IT",))
    secret = knowledge.edition(hidden, markdown="Secret")
    assert client.get(f"{secret.get_absolute_url()}cite.ris").status_code == 404


def test_ris_value_cannot_start_a_field(client: Client) -> None:
    work = knowledge.work("Title\nER  - \nTY  - JOUR", slug="lines", publisher="A\r\nB")
    edition = knowledge.edition(work, markdown="x")
    lines = client.get(f"{edition.get_absolute_url()}cite.ris").content.decode().split("\r\n")
    assert [line for line in lines if line.startswith("TY")] == ["TY  - GOVDOC"]
    assert [line for line in lines if line.startswith("ER")] == ["ER  - "]


def test_atom_feed_lists_new_public_editions_and_translations(
    client: Client, edition: Edition
) -> None:
    translated = knowledge.translation(edition, language="ar", markdown="نص")
    hidden = knowledge.work("Restricted", slug="restricted", shared_with=("IT",))
    knowledge.edition(hidden, markdown="Secret")
    response = client.get("/knowledge/feed.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own answer)
    entries = root.findall("a:entry", ATOM)
    links = [e.find("a:link", ATOM).get("href") for e in entries]  # type: ignore[union-attr]
    base = "http://testserver"
    assert links[0] == base + translated.get_absolute_url()
    assert base + edition.get_absolute_url() in links
    assert len(entries) == 3  # two editions and a translation; nothing restricted
    titles = [e.findtext("a:title", namespaces=ATOM) for e in entries]
    assert "Diagnosis and Treatment Protocol, Trial Version 7" in titles
    page = client.get(edition.get_absolute_url()).content.decode()
    assert 'type="application/atom+xml"' in page
