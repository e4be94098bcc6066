"""The OAI-PMH protocol layer: every verb and every error, against a repository in a list."""

from __future__ import annotations

import datetime as dt
import time
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.core import signing

from summitry import oai
from tests.oai.memory import MemoryRepository, item

pytestmark = pytest.mark.unit

NS = {"o": oai.OAI_NS, "oai_dc": oai.OAI_DC_NS, "dc": oai.DC_NS, "id": oai.IDENTIFIER_NS}
NOW = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def ask(repository: MemoryRepository, *, page_size: int = 100, **query: Any) -> ET.Element:
    arguments = {k.rstrip("_"): v if isinstance(v, list) else [v] for k, v in query.items()}
    answer = oai.respond(repository, arguments, now=NOW, page_size=page_size)
    return ET.fromstring(answer)  # noqa: S314 (our own answer)


def error_of(root: ET.Element) -> str | None:
    found = root.find("o:error", NS)
    return None if found is None else found.get("code")


def repository(n: int = 5) -> MemoryRepository:
    return MemoryRepository(items=[item(i) for i in range(1, n + 1)])


def test_identify_describes_the_repository() -> None:
    root = ask(repository(), verb="Identify")
    identify = root.find("o:Identify", NS)
    assert identify is not None
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:baseURL", namespaces=NS) == "http://example.org/oai"
    assert identify.findtext("o:earliestDatestamp", namespaces=NS) == "2020-01-01T00:00:00Z"
    assert identify.findtext("o:granularity", namespaces=NS) == oai.SECONDS
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "no"
    assert identify.findtext(".//id:repositoryIdentifier", namespaces=NS) == "example.org"
    assert root.findtext("o:responseDate", namespaces=NS) == "2026-01-01T12:00:00Z"
    assert root.find("o:request", NS).get("verb") == "Identify"  # type: ignore[union-attr]


def test_list_metadata_formats_gives_oai_dc() -> None:
    root = ask(repository(), verb="ListMetadataFormats")
    prefixes = [e.text for e in root.iterfind(".//o:metadataPrefix", NS)]
    assert prefixes == ["oai_dc"]
    one = ask(repository(), verb="ListMetadataFormats", identifier="oai:example.org:2")
    assert error_of(one) is None


def test_list_metadata_formats_unknown_identifier_is_id_does_not_exist() -> None:
    root = ask(repository(), verb="ListMetadataFormats", identifier="oai:example.org:99")
    assert error_of(root) == "idDoesNotExist"


def test_list_sets_lists_every_set() -> None:
    root = ask(repository(), verb="ListSets")
    assert [e.text for e in root.iterfind(".//o:setSpec", NS)] == ["work", "work:protocol"]


def test_list_sets_without_sets_is_no_set_hierarchy() -> None:
    assert error_of(ask(MemoryRepository(set_list=[]), verb="ListSets")) == "noSetHierarchy"


def test_list_sets_with_a_token_is_bad_resumption_token() -> None:
    root = ask(repository(), verb="ListSets", resumptionToken="anything")
    assert error_of(root) == "badResumptionToken"


def test_get_record_gives_dublin_core() -> None:
    root = ask(
        repository(), verb="GetRecord", identifier="oai:example.org:3", metadataPrefix="oai_dc"
    )
    record = root.find("o:GetRecord/o:record", NS)
    assert record is not None
    assert record.findtext("o:header/o:identifier", namespaces=NS) == "oai:example.org:3"
    assert record.findtext("o:header/o:datestamp", namespaces=NS) == "2020-01-04T00:00:00Z"
    assert [e.text for e in record.iterfind("o:header/o:setSpec", NS)] == ["work", "work:protocol"]
    assert record.findtext("o:metadata/oai_dc:dc/dc:title", namespaces=NS) == "Edition 3"


def test_text_is_escaped_not_markup() -> None:
    hostile = item(1)
    hostile = oai.Record(hostile.header, oai.DublinCore(title=("<b>a & b</b>",)))
    root = ask(
        MemoryRepository(items=[hostile]),
        verb="GetRecord",
        identifier="oai:example.org:1",
        metadataPrefix="oai_dc",
    )
    assert root.findtext(".//dc:title", namespaces=NS) == "<b>a & b</b>"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "set": "work"}, "badArgument"),
        ({"verb": "GetRecord", "identifier": "oai:example.org:1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-02-30"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2020-01-01",
                "until": "2020-01-02T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2021-01-01",
                "until": "2020-01-01",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "a b"}, "badArgument"),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
        ({"verb": "ListIdentifiers", "resumptionToken": "forged"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "identifier": "oai:example.org:1", "metadataPrefix": "marc21"},
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "GetRecord", "identifier": "oai:example.org:99", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2030-01-01"},
            "noRecordsMatch",
        ),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "topic"}, "noRecordsMatch"),
    ],
)
def test_bad_request_is_the_protocol_error(query: dict[str, Any], code: str) -> None:
    root = ask(repository(), **query)
    assert error_of(root) == code
    # Nothing but the error answers a bad request.
    assert [child.tag.split("}")[1] for child in root] == ["responseDate", "request", "error"]


def test_bad_verb_or_argument_echoes_no_arguments() -> None:
    root = ask(repository(), verb="ListRecords", metadataPrefix="oai_dc", extra="1")
    assert error_of(root) == "badArgument"
    assert root.find("o:request", NS).attrib == {}  # type: ignore[union-attr]


def test_set_on_a_repository_without_sets_is_no_set_hierarchy() -> None:
    bare = MemoryRepository(items=[item(1)], set_list=[])
    root = ask(bare, verb="ListIdentifiers", metadataPrefix="oai_dc", set="work")
    assert error_of(root) == "noSetHierarchy"


def test_day_granularity_refuses_seconds() -> None:
    daily = MemoryRepository(items=[item(1)], granularity=oai.DAY)
    root = ask(daily, verb="ListRecords", metadataPrefix="oai_dc", from_="2020-01-01T00:00:00Z")
    assert error_of(root) == "badArgument"
    assert (
        error_of(ask(daily, verb="ListRecords", metadataPrefix="oai_dc", from_="2020-01-01"))
        is None
    )


def test_until_a_day_includes_that_day() -> None:
    root = ask(repository(), verb="ListIdentifiers", metadataPrefix="oai_dc", until="2020-01-03")
    # Items 1 and 2 fall on 2 and 3 January.
    assert [e.text for e in root.iterfind(".//o:identifier", NS)] == [
        "oai:example.org:1",
        "oai:example.org:2",
    ]


def test_from_and_until_select_by_datestamp() -> None:
    root = ask(
        repository(),
        verb="ListRecords",
        metadataPrefix="oai_dc",
        from_="2020-01-03T00:00:00Z",
        until="2020-01-04T00:00:00Z",
    )
    assert [e.text for e in root.iterfind(".//dc:title", NS)] == ["Edition 2", "Edition 3"]


@pytest.mark.parametrize("verb", ["ListRecords", "ListIdentifiers"])
def test_list_resumes_across_tokens_to_the_whole_list(verb: str) -> None:
    store = repository(7)
    seen: list[str | None] = []
    root = ask(store, page_size=3, verb=verb, metadataPrefix="oai_dc", set="work")
    cursors = []
    while True:
        seen += [e.text for e in root.iterfind(".//o:header/o:identifier", NS)]
        token = root.find(f"o:{verb}/o:resumptionToken", NS)
        assert token is not None
        assert token.get("completeListSize") == "7"
        cursors.append(token.get("cursor"))
        if not token.text:
            break
        assert token.get("expirationDate") == "2026-01-02T12:00:00Z"
        root = ask(store, page_size=3, verb=verb, resumptionToken=token.text)
        assert root.find("o:request", NS).get("resumptionToken") == token.text  # type: ignore[union-attr]
    assert seen == [f"oai:example.org:{n}" for n in range(1, 8)]
    assert cursors == ["0", "3", "6"]


def test_complete_list_has_no_token() -> None:
    root = ask(repository(2), verb="ListRecords", metadataPrefix="oai_dc")
    assert root.find(".//o:resumptionToken", NS) is None


def test_token_keeps_the_selection() -> None:
    store = repository(6)
    first = ask(
        store, page_size=2, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2020-01-05"
    )
    token = first.find(".//o:resumptionToken", NS)
    assert token is not None and token.text
    second = ask(store, page_size=2, verb="ListIdentifiers", resumptionToken=token.text)
    last = second.find(".//o:resumptionToken", NS)
    assert [e.text for e in second.iterfind(".//o:identifier", NS)] == [
        "oai:example.org:3",
        "oai:example.org:4",
    ]
    assert last is not None and not last.text


class _SignedTwoDaysAgo(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 2 * 86400)


def test_expired_token_is_bad_resumption_token() -> None:
    store = repository(4)
    payload = {"q": {"metadataPrefix": "oai_dc"}, "a": "2", "c": 2}
    fresh = signing.dumps(payload, salt="summitry.oai.resumption", compress=True)
    assert error_of(ask(store, verb="ListRecords", resumptionToken=fresh)) is None
    old = _SignedTwoDaysAgo(salt="summitry.oai.resumption").sign_object(payload, compress=True)
    assert error_of(ask(store, verb="ListRecords", resumptionToken=old)) == "badResumptionToken"
    tampered = fresh[:-2] + ("AA" if not fresh.endswith("AA") else "BB")
    assert (
        error_of(ask(store, verb="ListRecords", resumptionToken=tampered)) == "badResumptionToken"
    )
