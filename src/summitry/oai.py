"""The OAI-PMH 2.0 protocol (openarchives.org/OAI/openarchivesprotocol.html), with oai_dc.

This module knows the protocol and nothing of what is harvested: an app serves its records by
implementing `Repository` (records ordered by a cursor of its choosing) and hands each request's
arguments to `respond`. Every verb and every protocol error is answered here, so that the rules
(which arguments go with which verb, dates and their granularity, resumption tokens) live in one
place. Resumption tokens are signed and carry the whole request, so the server keeps no state and
a harvester can resume on any worker.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core import signing

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"

OAI_DC = "oai_dc"
DAY = "YYYY-MM-DD"
SECONDS = "YYYY-MM-DDThh:mm:ssZ"
# Records per list response; a harvester follows the resumption token for the rest.
PAGE_SIZE = 100
# How long a resumption token stays good (said in each token's expirationDate).
TOKEN_LIFETIME = dt.timedelta(days=1)
_TOKEN_SALT = "summitry.oai.resumption"  # noqa: S105 (a namespace for signatures, no secret)

# The Dublin Core elements, in the order the oai_dc schema lists them.
DC_ELEMENTS = (
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
)  # fmt: skip

# Which arguments each verb takes: (required, optional, exclusive).
_VERBS: dict[str, tuple[frozenset[str], frozenset[str], str | None]] = {
    "Identify": (frozenset(), frozenset(), None),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"}), None),
    "ListSets": (frozenset(), frozenset(), "resumptionToken"),
    "ListIdentifiers": (
        frozenset({"metadataPrefix"}),
        frozenset({"from", "until", "set"}),
        "resumptionToken",
    ),
    "ListRecords": (
        frozenset({"metadataPrefix"}),
        frozenset({"from", "until", "set"}),
        "resumptionToken",
    ),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset(), None),
}
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECONDS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_SET_SPEC_RE = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")


@dataclass(frozen=True)
class DublinCore:
    """A record's oai_dc metadata: each element may repeat, in the order given."""

    title: tuple[str, ...] = ()
    creator: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    description: tuple[str, ...] = ()
    publisher: tuple[str, ...] = ()
    contributor: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    format: tuple[str, ...] = ()
    identifier: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    relation: tuple[str, ...] = ()
    coverage: tuple[str, ...] = ()
    rights: tuple[str, ...] = ()


@dataclass(frozen=True)
class Header:
    identifier: str
    datestamp: dt.datetime
    set_specs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Record:
    header: Header
    metadata: DublinCore


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str


@dataclass(frozen=True)
class RepositoryInfo:
    name: str
    base_url: str
    admin_emails: tuple[str, ...]
    earliest_datestamp: dt.datetime
    # The items' identifiers are oai:<namespace>:<local part> (the oai-identifier scheme).
    namespace: str
    sample_identifier: str
    deleted_record: str = "no"
    granularity: str = SECONDS


@dataclass(frozen=True)
class Selection:
    """Which records a list request asks for: datestamps within [start, until], in a set."""

    start: dt.datetime | None = None
    until: dt.datetime | None = None
    set_spec: str | None = None


@dataclass(frozen=True)
class Page:
    records: Sequence[Record]
    # Where the next page starts, in the repository's own terms; None on the last page.
    after: str | None


class Repository(Protocol):
    def info(self) -> RepositoryInfo: ...

    def sets(self) -> Sequence[OaiSet]:
        """Every set (a parent spec like `work` included); empty when the repository has none."""
        ...

    def record(self, identifier: str) -> Record | None: ...

    def page(self, selection: Selection, after: str | None, size: int) -> Page:
        """Up to `size` records of the selection, in a stable order, from the cursor `after`."""
        ...

    def count(self, selection: Selection) -> int: ...


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Request:
    verb: str | None
    arguments: dict[str, str] = field(default_factory=dict)
    # badVerb and badArgument answers echo the base URL alone (the request was not understood).
    understood: bool = True


def format_datestamp(moment: dt.datetime, granularity: str = SECONDS) -> str:
    moment = moment.astimezone(dt.UTC)
    if granularity == DAY:
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(name: str, value: str, granularity: str) -> tuple[dt.datetime, str]:
    if _DAY_RE.match(value):
        shape = DAY
        pattern = "%Y-%m-%d"
    elif _SECONDS_RE.match(value):
        shape = SECONDS
        pattern = "%Y-%m-%dT%H:%M:%SZ"
    else:
        raise OaiError("badArgument", f"{name} is not a UTC date (YYYY-MM-DD or {SECONDS}).")
    if shape == SECONDS and granularity == DAY:
        raise OaiError("badArgument", f"{name} is finer than this repository's granularity (day).")
    try:
        moment = dt.datetime.strptime(value, pattern).replace(tzinfo=dt.UTC)
    except ValueError:
        raise OaiError("badArgument", f"{name} is not a valid date.") from None
    return moment, shape


def _selection(arguments: Mapping[str, str], info: RepositoryInfo) -> Selection:
    start = until = None
    shapes = []
    if "from" in arguments:
        start, shape = _parse_date("from", arguments["from"], info.granularity)
        shapes.append(shape)
    if "until" in arguments:
        until, shape = _parse_date("until", arguments["until"], info.granularity)
        shapes.append(shape)
        if shape == DAY:
            # A day includes every second of it.
            until += dt.timedelta(days=1, seconds=-1)
    if len(set(shapes)) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity.")
    if start is not None and until is not None and start > until:
        raise OaiError("badArgument", "from is later than until.")
    set_spec = arguments.get("set")
    if set_spec is not None and not _SET_SPEC_RE.match(set_spec):
        raise OaiError("badArgument", "set is not a valid setSpec.")
    return Selection(start=start, until=until, set_spec=set_spec)


def _understand(query: Mapping[str, Sequence[str]]) -> _Request:
    verbs = query.get("verb", [])
    if len(verbs) != 1:
        raise _Refusal(
            _Request(None, understood=False),
            OaiError("badVerb", "Give the verb once." if verbs else "The verb is missing."),
        )
    verb = verbs[0]
    if verb not in _VERBS:
        raise _Refusal(
            _Request(None, understood=False), OaiError("badVerb", "The verb is not an OAI verb.")
        )
    required, optional, exclusive = _VERBS[verb]
    arguments: dict[str, str] = {}
    for name, values in query.items():
        if name == "verb":
            continue
        if len(values) != 1:
            raise _Refusal(
                _Request(verb, understood=False),
                OaiError("badArgument", f"{name} is given more than once."),
            )
        if name not in required | optional and name != exclusive:
            raise _Refusal(
                _Request(verb, understood=False),
                OaiError("badArgument", f"{name} is not an argument of {verb}."),
            )
        arguments[name] = values[0]
    if exclusive is not None and exclusive in arguments:
        if len(arguments) > 1:
            raise _Refusal(
                _Request(verb, understood=False),
                OaiError("badArgument", f"{exclusive} is an exclusive argument."),
            )
        return _Request(verb, arguments)
    missing = sorted(required - arguments.keys())
    if missing:
        raise _Refusal(
            _Request(verb, understood=False),
            OaiError("badArgument", f"{', '.join(missing)} is required for {verb}."),
        )
    return _Request(verb, arguments)


class _Refusal(Exception):
    def __init__(self, request: _Request, error: OaiError) -> None:
        super().__init__(error.message)
        self.request = request
        self.error = error


def _element(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attrs)
    if text is not None:
        child.text = text
    return child


# Names are written with their prefixes and each namespace declared where it starts, so that the
# protocol's own elements are in the default namespace, as harvesters expect to see them.
_PREFIXES = {OAI_NS: "", OAI_DC_NS: "oai_dc:", DC_NS: "dc:", XSI_NS: "xsi:", IDENTIFIER_NS: ""}


def _q(tag: str, ns: str = OAI_NS) -> str:
    return f"{_PREFIXES[ns]}{tag}"


def _header(parent: ET.Element, header: Header, granularity: str) -> None:
    node = _element(parent, _q("header"))
    _element(node, _q("identifier"), header.identifier)
    _element(node, _q("datestamp"), format_datestamp(header.datestamp, granularity))
    for spec in header.set_specs:
        _element(node, _q("setSpec"), spec)


def _dublin_core(parent: ET.Element, metadata: DublinCore) -> None:
    holder = _element(parent, _q("metadata"))
    dc = _element(
        holder,
        _q("dc", OAI_DC_NS),
        **{
            "xmlns:oai_dc": OAI_DC_NS,
            "xmlns:dc": DC_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{OAI_DC_NS} {OAI_DC_SCHEMA}",
        },
    )
    for name in DC_ELEMENTS:
        for value in getattr(metadata, name):
            _element(dc, _q(name, DC_NS), value)


def _record(parent: ET.Element, record: Record, granularity: str) -> None:
    node = _element(parent, _q("record"))
    _header(node, record.header, granularity)
    _dublin_core(node, record.metadata)


def _token(arguments: Mapping[str, str], after: str, cursor: int) -> str:
    payload = {
        k: arguments[k] for k in ("metadataPrefix", "from", "until", "set") if k in arguments
    }
    return signing.dumps({"q": payload, "a": after, "c": cursor}, salt=_TOKEN_SALT, compress=True)


def _resume(token: str) -> tuple[dict[str, str], str, int]:
    try:
        data = signing.loads(token, salt=_TOKEN_SALT, max_age=TOKEN_LIFETIME)
        arguments = {str(k): str(v) for k, v in data["q"].items()}
        return arguments, str(data["a"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        raise OaiError(
            "badResumptionToken", "The resumption token is not one of ours, or has expired."
        ) from None


class _Responder:
    def __init__(self, repository: Repository, now: dt.datetime, page_size: int) -> None:
        self.repository = repository
        self.info = repository.info()
        self.now = now
        self.page_size = page_size

    def identify(self, root: ET.Element, arguments: Mapping[str, str]) -> None:
        info = self.info
        node = _element(root, _q("Identify"))
        _element(node, _q("repositoryName"), info.name)
        _element(node, _q("baseURL"), info.base_url)
        _element(node, _q("protocolVersion"), "2.0")
        for email in info.admin_emails:
            _element(node, _q("adminEmail"), email)
        _element(
            node,
            _q("earliestDatestamp"),
            format_datestamp(info.earliest_datestamp, info.granularity),
        )
        _element(node, _q("deletedRecord"), info.deleted_record)
        _element(node, _q("granularity"), info.granularity)
        description = _element(node, _q("description"))
        ident = _element(
            description,
            "oai-identifier",
            **{
                "xmlns": IDENTIFIER_NS,
                "xmlns:xsi": XSI_NS,
                "xsi:schemaLocation": f"{IDENTIFIER_NS} {IDENTIFIER_SCHEMA}",
            },
        )
        _element(ident, _q("scheme", IDENTIFIER_NS), "oai")
        _element(ident, _q("repositoryIdentifier", IDENTIFIER_NS), info.namespace)
        _element(ident, _q("delimiter", IDENTIFIER_NS), ":")
        _element(ident, _q("sampleIdentifier", IDENTIFIER_NS), info.sample_identifier)

    def list_metadata_formats(self, root: ET.Element, arguments: Mapping[str, str]) -> None:
        if "identifier" in arguments and self.repository.record(arguments["identifier"]) is None:
            raise OaiError("idDoesNotExist", "No item has this identifier.")
        node = _element(root, _q("ListMetadataFormats"))
        fmt = _element(node, _q("metadataFormat"))
        _element(fmt, _q("metadataPrefix"), OAI_DC)
        _element(fmt, _q("schema"), OAI_DC_SCHEMA)
        _element(fmt, _q("metadataNamespace"), OAI_DC_NS)

    def list_sets(self, root: ET.Element, arguments: Mapping[str, str]) -> None:
        sets = self.repository.sets()
        if "resumptionToken" in arguments:
            # Every set comes in one answer: no token of ours is ever due here.
            raise OaiError("badResumptionToken", "ListSets gives no resumption tokens.")
        if not sets:
            raise OaiError("noSetHierarchy", "This repository has no sets.")
        node = _element(root, _q("ListSets"))
        for oai_set in sets:
            item = _element(node, _q("set"))
            _element(item, _q("setSpec"), oai_set.spec)
            _element(item, _q("setName"), oai_set.name)

    def get_record(self, root: ET.Element, arguments: Mapping[str, str]) -> None:
        found = self.repository.record(arguments["identifier"])
        if found is None:
            raise OaiError("idDoesNotExist", "No item has this identifier.")
        if arguments["metadataPrefix"] != OAI_DC:
            raise OaiError("cannotDisseminateFormat", "Only oai_dc is disseminated.")
        _record(_element(root, _q("GetRecord")), found, self.info.granularity)

    def list_records(self, root: ET.Element, arguments: Mapping[str, str]) -> None:
        self._list(root, arguments, "ListRecords")

    def list_identifiers(self, root: ET.Element, arguments: Mapping[str, str]) -> None:
        self._list(root, arguments, "ListIdentifiers")

    def _list(self, root: ET.Element, arguments: Mapping[str, str], verb: str) -> None:
        after: str | None = None
        cursor = 0
        if "resumptionToken" in arguments:
            arguments, after, cursor = _resume(arguments["resumptionToken"])
        if arguments.get("metadataPrefix") != OAI_DC:
            raise OaiError("cannotDisseminateFormat", "Only oai_dc is disseminated.")
        selection = _selection(arguments, self.info)
        if selection.set_spec is not None and not self.repository.sets():
            raise OaiError("noSetHierarchy", "This repository has no sets.")
        page = self.repository.page(selection, after, self.page_size)
        if not page.records:
            if after is not None:
                raise OaiError("badResumptionToken", "The list has changed past this token.")
            raise OaiError("noRecordsMatch", "No record matches these arguments.")
        node = _element(root, _q(verb))
        for record in page.records:
            if verb == "ListRecords":
                _record(node, record, self.info.granularity)
            else:
                _header(node, record.header, self.info.granularity)
        if page.after is not None or after is not None:
            size = str(self.repository.count(selection))
            if page.after is None:
                # The last part of an incomplete list ends with an empty token.
                _element(node, _q("resumptionToken"), completeListSize=size, cursor=str(cursor))
            else:
                _element(
                    node,
                    _q("resumptionToken"),
                    _token(arguments, page.after, cursor + len(page.records)),
                    completeListSize=size,
                    cursor=str(cursor),
                    expirationDate=format_datestamp(self.now + TOKEN_LIFETIME),
                )


_HANDLERS = {
    "Identify": _Responder.identify,
    "ListMetadataFormats": _Responder.list_metadata_formats,
    "ListSets": _Responder.list_sets,
    "ListIdentifiers": _Responder.list_identifiers,
    "ListRecords": _Responder.list_records,
    "GetRecord": _Responder.get_record,
}


def respond(
    repository: Repository,
    query: Mapping[str, Sequence[str]],
    now: dt.datetime | None = None,
    page_size: int = PAGE_SIZE,
) -> bytes:
    """The OAI-PMH answer (an XML document) to a request's arguments, each with its values as
    given (a repeated argument is a badArgument)."""
    moment = now or dt.datetime.now(dt.UTC)
    responder = _Responder(repository, moment, page_size)
    root = ET.Element(
        "OAI-PMH",
        {"xmlns": OAI_NS, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": f"{OAI_NS} {OAI_SCHEMA}"},
    )
    _element(root, _q("responseDate"), format_datestamp(moment))
    echoed = _element(root, _q("request"), responder.info.base_url)
    try:
        request = _understand(query)
    except _Refusal as refusal:
        _error(root, refusal.error)
        return _serialise(root)
    if request.verb is not None:
        echoed.set("verb", request.verb)
    for name, value in request.arguments.items():
        echoed.set(name, value)
    try:
        _HANDLERS[str(request.verb)](responder, root, request.arguments)
    except OaiError as error:
        _error(root, error)
    return _serialise(root)


def _error(root: ET.Element, error: OaiError) -> None:
    _element(root, _q("error"), error.message, code=error.code)


def _serialise(root: ET.Element) -> bytes:
    body: Any = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return bytes(body)
