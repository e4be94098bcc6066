"""/oai harvested by Sickle, a standard OAI-PMH client: every public edition and translation,
across resumption tokens, in sets by work, topic and language; never a restricted work's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from sickle import Sickle, oaiexceptions

from summitry.knowledge import services
from summitry.knowledge.models import Edition, Translation
from tests.knowledge import factories as knowledge

pytestmark = [pytest.mark.integration]


@dataclass
class Catalogue:
    public: set[str]
    restricted: set[str]
    protocol_slug: str
    french: set[str]
    topic_slug: str
    in_topic: set[str]


def ident(record: Edition | Translation) -> str:
    kind = "edition" if isinstance(record, Edition) else "translation"
    return f"oai:summitry.local:{kind}/{record.pk}"


def make_catalogue() -> Catalogue:
    topic = services.create_topic("Clinical care", "clinical-care")
    protocol = knowledge.work(
        "Diagnosis and Treatment Protocol", slug="protocol", publisher="National Health Commission"
    )
    protocol.topics.add(topic)
    plan = knowledge.work("Prevention and Control Plan", slug="plan")
    hidden = knowledge.work("Restricted guidance", slug="restricted", shared_with=("IT",))
    public: list[Edition | Translation] = []
    french: list[Translation] = []
    for number in range(1, 4):
        edition = knowledge.edition(
            protocol,
            markdown=f"Edition {number} text",
            label=f"Trial Version {number}",
            published_on=dt.date(2020, 1, 15 + number),
        )
        public.append(edition)
        for language in ("fr", "ar"):
            translated = knowledge.translation(edition, language=language, markdown="Texte")
            public.append(translated)
            if language == "fr":
                french.append(translated)
    in_topic = {ident(r) for r in public}
    for _ in range(2):
        edition = knowledge.edition(plan, markdown="Plan")
        public.append(edition)
        public.append(knowledge.translation(edition, language="es", markdown="Plan"))
    secret_edition = knowledge.edition(hidden, markdown="Secret")
    secret: list[Edition | Translation] = [
        secret_edition,
        knowledge.translation(secret_edition, language="fr"),
    ]
    return Catalogue(
        public={ident(r) for r in public},
        restricted={ident(r) for r in secret},
        protocol_slug="protocol",
        french={ident(r) for r in french},
        topic_slug="clinical-care",
        in_topic=in_topic,
    )


@pytest.fixture
def harvested(transactional_db: None, live_server: Any, settings: Any) -> tuple[Sickle, Catalogue]:
    # A small page, so that every harvest below crosses several resumption tokens.
    settings.OAI_PAGE_SIZE = 4
    catalogue = make_catalogue()
    return Sickle(f"{live_server.url}/oai"), catalogue


def test_harvest_gets_every_public_record_across_tokens(
    harvested: tuple[Sickle, Catalogue],
) -> None:
    sickle, catalogue = harvested
    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    identifiers = [r.header.identifier for r in records]
    assert len(identifiers) == len(set(identifiers)) == len(catalogue.public) == 13
    assert set(identifiers) == catalogue.public
    assert not set(identifiers) & catalogue.restricted
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    assert {h.identifier for h in headers} == catalogue.public


def test_harvest_by_post_is_the_same(harvested: tuple[Sickle, Catalogue], live_server: Any) -> None:
    _, catalogue = harvested
    by_post = Sickle(f"{live_server.url}/oai", http_method="POST")
    assert {h.identifier for h in by_post.ListIdentifiers(metadataPrefix="oai_dc")} == (
        catalogue.public
    )


def test_sets_by_work_topic_and_language(harvested: tuple[Sickle, Catalogue]) -> None:
    sickle, catalogue = harvested
    specs = {s.setSpec for s in sickle.ListSets()}
    assert {"work", "work:protocol", "work:plan", "topic:clinical-care", "language:fr"} <= specs
    assert "work:restricted" not in specs
    by_work = {
        h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="work:protocol")
    }
    assert by_work == catalogue.in_topic
    by_topic = {
        h.identifier
        for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="topic:clinical-care")
    }
    assert by_topic == catalogue.in_topic
    by_language = {
        h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="language:fr")
    }
    assert by_language == catalogue.french
    everything = {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="work")}
    assert everything == catalogue.public


def test_get_record_carries_dublin_core(
    harvested: tuple[Sickle, Catalogue], live_server: Any
) -> None:
    sickle, _ = harvested
    edition = Edition.objects.get(work__slug="protocol", number=2)
    record = sickle.GetRecord(identifier=ident(edition), metadataPrefix="oai_dc")
    meta = record.metadata
    assert meta["title"] == ["Diagnosis and Treatment Protocol: Trial Version 2"]
    assert meta["language"] == ["zh-Hans"]
    assert meta["publisher"] == ["National Health Commission"]
    assert meta["subject"] == ["Clinical care"]
    assert meta["date"] == ["2020-01-17"]
    assert meta["identifier"] == [f"{live_server.url}{edition.get_absolute_url()}"]
    assert set(record.header.setSpecs) == {
        "work:protocol",
        "topic:clinical-care",
        "language:zh-hans",
    }
    translation = edition.translations.get(language="ar")
    translated = sickle.GetRecord(identifier=ident(translation), metadataPrefix="oai_dc").metadata
    assert translated["language"] == ["ar"]
    assert translated["relation"] == [f"{live_server.url}{edition.get_absolute_url()}"]


def test_identify_and_formats(harvested: tuple[Sickle, Catalogue], live_server: Any) -> None:
    sickle, _ = harvested
    identify = sickle.Identify()
    assert identify.baseURL == f"{live_server.url}/oai"
    assert identify.protocolVersion == "2.0"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert [f.metadataPrefix for f in sickle.ListMetadataFormats()] == ["oai_dc"]


def test_every_protocol_error_reaches_the_harvester(harvested: tuple[Sickle, Catalogue]) -> None:
    sickle, catalogue = harvested
    restricted = sorted(catalogue.restricted)[0]
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        sickle.GetRecord(identifier=restricted, metadataPrefix="oai_dc")
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        list(sickle.ListMetadataFormats(identifier="oai:summitry.local:edition/999999"))
    with pytest.raises(oaiexceptions.CannotDisseminateFormat):
        list(sickle.ListRecords(metadataPrefix="marc21"))
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        list(sickle.ListRecords(metadataPrefix="oai_dc", set="work:restricted"))
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        list(sickle.ListRecords(metadataPrefix="oai_dc", **{"from": "2999-01-01"}))
    with pytest.raises(oaiexceptions.BadArgument):
        list(sickle.ListRecords(metadataPrefix="oai_dc", **{"from": "last week"}))
    with pytest.raises(oaiexceptions.BadResumptionToken):
        list(sickle.ListRecords(resumptionToken="not-ours"))
    # Sickle raises only while iterating lists; a bad verb it reads from the answer.
    answer = sickle.harvest(verb="Harvest")
    error = answer.xml.find(f".//{sickle.oai_namespace}error")
    assert error is not None and error.get("code") == "badVerb"


@pytest.mark.django_db
def test_endpoint_answers_xml_and_never_500(client: Client) -> None:
    for query in ("", "?verb=GetRecord&identifier=%00&metadataPrefix=oai_dc", "?verb=ListSets&x=1"):
        response = client.get(f"/oai{query}")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        assert b"<error code=" in response.content
    assert client.put("/oai").status_code == 405


@pytest.mark.django_db
def test_restricted_edition_never_in_a_harvest(client: Client) -> None:
    hidden = knowledge.work("Restricted", slug="only-italy", shared_with=("IT",))
    edition = knowledge.edition(hidden, markdown="Secret")
    body = client.get("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}).content
    assert b"noRecordsMatch" in body
    # Once shared with everyone it is harvested.
    services.set_sharing(hidden, [])
    body = client.get("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}).content
    assert ident(edition).encode() in body
