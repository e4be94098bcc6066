"""The outcome documents' JSON API: its own router, assembled in the project's api.py.

Reading starts from the access rule (queries.visible_to); every write goes through the services,
whose refusals are answered 400 naming the field (DocumentInvalid is an EngagementInvalid)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, P, PathEx, QueryEx, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from summitry.engagements.api import LARGEST_ID, Refusal
from summitry.engagements.lookups import Resolver
from summitry.engagements.queries import visible_to as engagements_visible_to
from summitry.outcomes import diff
from summitry.outcomes.models import (
    DocumentKind,
    DocumentStatus,
    OutcomeDocument,
    PartyAction,
    Revision,
)
from summitry.outcomes.queries import (
    comments_for,
    current_revision,
    filtered,
    objections_for,
    public_revision,
    revisions_for,
    takes_part,
    visible_to,
)
from summitry.outcomes.services import (
    DocumentInput,
    DocumentInvalid,
    add_delegation,
    add_party,
    adopt,
    break_silence,
    circulate,
    comment,
    create_document,
    edit_text,
    publish,
    running_silence,
    start_corrigendum,
    start_silence,
    withdraw,
)

if TYPE_CHECKING:
    from summitry.accounts.models import User

router = Router(tags=["outcome documents"])
T = TypeVar("T")
REFUSALS: dict[int, Any] = {400: Refusal, 401: Refusal, 403: Refusal, 404: Refusal, 422: Refusal}


class ParagraphOut(Schema):
    number: int
    anchor: str = Field(description="The fragment of the paragraph in the document's page")
    text: str


class TranslationOut(Schema):
    language: str
    title: str
    authentic: bool
    paragraphs: list[str]


class RevisionOut(Schema):
    number: int
    title: str
    note: str
    is_corrigendum: bool
    author: str | None
    created_at: dt.datetime
    adopted_at: dt.datetime | None
    adopted_at_engagement: int | None
    paragraphs: list[ParagraphOut]
    translations: list[TranslationOut]


class RevisionSummary(Schema):
    number: int
    is_corrigendum: bool
    author: str | None
    created_at: dt.datetime
    adopted_at: dt.datetime | None


class LinkOut(Schema):
    engagement: int
    title: str
    role: str = Field(description="drafted or adopted")


class PartyOut(Schema):
    party: str = Field(description="ISO 3166 alpha-2 code or the organisation's acronym")
    action: str
    date: dt.date
    text: str


class DelegationOut(Schema):
    id: int
    party: str = Field(description="ISO 3166 alpha-2 code or the organisation's acronym")
    time_zone: str


class SilenceOut(Schema):
    revision: int
    deadline: dt.datetime = Field(description="An instant, in UTC")
    outcome: str


class CommentOut(Schema):
    id: int
    revision: int
    paragraph: int | None
    delegation: str
    text: str
    created_at: dt.datetime
    resolved: bool


class ObjectionOut(Schema):
    revision: int
    delegation: str
    text: str
    created_at: dt.datetime


class SourceOut(Schema):
    citation: str
    url: str
    note: str


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    status: str = Field(description="Shown as the reader may know it: published to the public")
    original_language: str
    authentic_languages: list[str]
    published_at: dt.datetime | None
    engagements: list[LinkOut]
    text: RevisionOut | None = Field(
        description="The text in force (to the public) or being worked on (to those taking part)"
    )
    revisions: list[RevisionSummary]
    parties: list[PartyOut]
    sources: list[SourceOut]
    delegations: list[DelegationOut] | None = Field(description="Null unless taking part")
    silence: SilenceOut | None = Field(description="The running silence procedure, if any")
    comments: list[CommentOut] | None = Field(description="Null unless taking part")
    objections: list[ObjectionOut] | None = Field(description="Null unless taking part")
    url: str


class DocumentSummary(Schema):
    id: int
    kind: str
    title: str
    status: str
    adopted_at: dt.datetime | None
    engagements: list[int]
    url: str


class DiffRowOut(Schema):
    old: int | None = Field(description="The paragraph's number in the first revision")
    new: int | None = Field(description="The paragraph's number in the second revision")
    change: str = Field(description="equal, insert, delete or replace")
    html: str = Field(description="The text, escaped, with <ins> and <del>")


def _code(subject: Any) -> str:
    country, organisation = subject.country, subject.organisation
    return str(country.code if country is not None else organisation.acronym)


def _revision_out(revision: Revision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "title": revision.title,
        "note": revision.note,
        "is_corrigendum": revision.is_corrigendum,
        "author": revision.author.get_username() if revision.author else None,
        "created_at": revision.created_at,
        "adopted_at": revision.adopted_at,
        "adopted_at_engagement": revision.adopted_at_engagement_id,
        "paragraphs": [
            {"number": p.number, "anchor": p.anchor, "text": p.text}
            for p in revision.paragraphs.all()
        ],
        "translations": [
            {
                "language": t.language,
                "title": t.title,
                "authentic": t.authentic,
                "paragraphs": t.paragraphs,
            }
            for t in revision.translations.all()
        ],
    }


def _status(document: OutcomeDocument, participant: bool) -> str:
    if not participant and document.published_at is not None:
        return str(DocumentStatus.PUBLISHED)
    return str(document.status)


def _out(document: OutcomeDocument, request: HttpRequest) -> dict[str, Any]:
    participant = takes_part(request.user, document)
    text = current_revision(document) if participant else public_revision(document)
    silence = running_silence(document) if participant else None
    visible_engagements = engagements_visible_to(request.user)
    return {
        "id": document.pk,
        "kind": document.kind,
        "title": text.title if text else document.title,
        "status": _status(document, participant),
        "original_language": document.original_language,
        "authentic_languages": document.authentic_languages,
        "published_at": document.published_at,
        "engagements": [
            {"engagement": link.engagement_id, "title": link.engagement.title, "role": link.role}
            for link in document.engagement_links.select_related("engagement").filter(
                engagement__in=visible_engagements
            )
        ],
        "text": _revision_out(text) if text else None,
        "revisions": [
            {
                "number": r.number,
                "is_corrigendum": r.is_corrigendum,
                "author": r.author.get_username() if r.author else None,
                "created_at": r.created_at,
                "adopted_at": r.adopted_at,
            }
            for r in revisions_for(request.user, document)
        ],
        "parties": [
            {"party": _code(p), "action": p.action, "date": p.date, "text": p.text}
            for p in document.parties.select_related("country", "organisation")
        ],
        "sources": [
            {"citation": s.citation, "url": s.url, "note": s.note} for s in document.sources.all()
        ],
        "delegations": [
            {"id": d.pk, "party": _code(d), "time_zone": d.zone}
            for d in document.delegations.select_related("country", "organisation__seat")
        ]
        if participant
        else None,
        "silence": {
            "revision": silence.revision.number,
            "deadline": silence.deadline,
            "outcome": silence.outcome,
        }
        if silence
        else None,
        "comments": [
            {
                "id": c.pk,
                "revision": c.revision.number,
                "paragraph": c.paragraph.number if c.paragraph else None,
                "delegation": _code(c.delegation),
                "text": c.text,
                "created_at": c.created_at,
                "resolved": c.resolved_at is not None,
            }
            for c in comments_for(request.user, document)
        ]
        if participant
        else None,
        "objections": [
            {
                "revision": o.silence.revision.number,
                "delegation": _code(o.delegation),
                "text": o.text,
                "created_at": o.created_at,
            }
            for o in objections_for(request.user, document)
        ]
        if participant
        else None,
        "url": document.get_absolute_url(),
    }


def _document(request: HttpRequest, document_id: int) -> OutcomeDocument:
    return get_object_or_404(visible_to(request.user), pk=document_id)


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _acting(call: Callable[[], T]) -> T:
    """A service call, its refusal of the person answered 403 (its refusal of input is 400)."""
    try:
        return call()
    except PermissionDenied as refused:
        raise HttpError(403, str(refused) or "Forbidden") from refused


@router.get(
    "/outcomes",
    response={200: list[DocumentSummary], 422: Refusal},
    summary="List outcome documents",
)
def list_documents(
    request: HttpRequest,
    kind: QueryEx[DocumentKind | None, P()] = None,
    status: QueryEx[DocumentStatus | None, P()] = None,
    year: QueryEx[int | None, P(ge=1800, le=2999)] = None,
    engagement: QueryEx[int | None, P(ge=1, le=LARGEST_ID)] = None,
    limit: QueryEx[int, P(ge=1, le=1000)] = 100,
    offset: QueryEx[int, P(ge=0, le=1_000_000)] = 0,
) -> list[dict[str, Any]]:
    """The documents the caller may see: published ones for the public; drafts only for editors
    and the delegations taking part."""
    documents = filtered(
        visible_to(request.user), kind=kind, status=status, year=year, engagement=engagement
    ).prefetch_related("engagements")
    rows = []
    for d in documents.order_by("-created_at", "-id")[offset : offset + limit]:
        adopted = public_revision(d)
        rows.append(
            {
                "id": d.pk,
                "kind": d.kind,
                "title": d.title,
                "status": _status(d, takes_part(request.user, d)),
                "adopted_at": adopted.adopted_at if adopted else None,
                "engagements": [e.pk for e in d.engagements.all()],
                "url": d.get_absolute_url(),
            }
        )
    return rows


@router.get(
    "/outcomes/{document_id}",
    response={200: DocumentOut, **REFUSALS},
    summary="Read an outcome document",
)
def get_document(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)]
) -> dict[str, Any]:
    return _out(_document(request, document_id), request)


@router.get(
    "/outcomes/{document_id}/revisions/{number}",
    response={200: RevisionOut, **REFUSALS},
    summary="Read a revision of an outcome document",
)
def get_revision(
    request: HttpRequest,
    document_id: PathEx[int, P(ge=1, le=LARGEST_ID)],
    number: PathEx[int, P(ge=1, le=1_000_000)],
) -> dict[str, Any]:
    document = _document(request, document_id)
    revision = get_object_or_404(revisions_for(request.user, document), number=number)
    return _revision_out(revision)


@router.get(
    "/outcomes/{document_id}/compare",
    response={200: list[DiffRowOut], **REFUSALS},
    summary="Compare two revisions, paragraph by paragraph",
)
def compare(
    request: HttpRequest,
    document_id: PathEx[int, P(ge=1, le=LARGEST_ID)],
    a: QueryEx[int, P(ge=1, le=1_000_000)],
    b: QueryEx[int, P(ge=1, le=1_000_000)],
) -> list[dict[str, Any]]:
    document = _document(request, document_id)
    revisions = {
        r.number: r for r in revisions_for(request.user, document).filter(number__in=[a, b])
    }
    missing = {
        name: ["There is no such revision to compare."]
        for name, n in (("a", a), ("b", b))
        if n not in revisions
    }
    if missing:
        raise DocumentInvalid(missing)
    rows = diff.compare(
        [p.text for p in revisions[a].paragraphs.all()],
        [p.text for p in revisions[b].paragraphs.all()],
    )
    return [{"old": r.old, "new": r.new, "change": r.change, "html": str(r.html)} for r in rows]


class DocumentIn(Schema):
    kind: DocumentKind
    title: str
    paragraphs: list[str] = Field(description="The text, paragraph by paragraph")
    engagements: list[int] = Field(description="Ids of the engagements where it is drafted")
    original_language: str = Field("en", max_length=20)
    authentic_languages: list[str] = []
    note: str = ""


class TextIn(Schema):
    title: str
    paragraphs: list[str]
    note: str = ""


class SilenceIn(Schema):
    deadline: dt.datetime = Field(description="ISO 8601 with a UTC offset: one instant")


class DelegationActIn(Schema):
    delegation: int = Field(description="The id of the delegation the caller acts for")
    text: str


class CommentIn(DelegationActIn):
    paragraph: int | None = Field(None, ge=1, le=2_000, description="Empty: the whole text")


class AdoptIn(Schema):
    engagement: int | None = Field(
        None, description="Where adopted in session; empty after silence"
    )


class DelegationIn(Schema):
    party: str = Field(max_length=200, description="A country (code or name) or an organisation")
    time_zone: str = Field("", max_length=64)


class PartyIn(Schema):
    party: str = Field(max_length=200, description="A country (code or name) or an organisation")
    action: PartyAction
    date: dt.date
    text: str = ""


def _require_editor(request: HttpRequest) -> None:
    if not getattr(request.user, "is_editor", False):
        raise HttpError(403, "Only editors can record outcome documents.")


def _engagements(ids: list[int], request: HttpRequest, field: str) -> list[Any]:
    found = {e.pk: e for e in engagements_visible_to(request.user).filter(pk__in=ids)}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise DocumentInvalid({field: [f"Unknown engagement: {', '.join(map(str, unknown))}."]})
    return [found[i] for i in ids]


def _party(value: str, field: str) -> dict[str, Any]:
    resolver = Resolver()
    try:
        return {"country": resolver.country(value), "organisation": None}
    except LookupError:
        try:
            return {"country": None, "organisation": resolver.organisation(value)}
        except LookupError as error:
            raise DocumentInvalid({field: [str(error)]}) from error


@router.post(
    "/outcomes", response={201: DocumentOut, **REFUSALS}, auth=django_auth, summary="Record a draft"
)
def create(request: HttpRequest, payload: DocumentIn) -> Status[dict[str, Any]]:
    _require_editor(request)
    data = DocumentInput(
        kind=payload.kind,
        title=payload.title,
        paragraphs=payload.paragraphs,
        drafted_at=_engagements(payload.engagements, request, "engagements"),
        original_language=payload.original_language,
        authentic_languages=payload.authentic_languages,
        note=payload.note,
    )
    document = _acting(lambda: create_document(data, by=_user(request)))
    return Status(201, _out(document, request))


@router.post(
    "/outcomes/{document_id}/revisions",
    response={201: RevisionOut, **REFUSALS},
    auth=django_auth,
    summary="Save a new revision",
)
def new_revision(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)], payload: TextIn
) -> Status[dict[str, Any]]:
    document = _document(request, document_id)
    revision = _acting(
        lambda: edit_text(document, payload.title, payload.paragraphs, _user(request), payload.note)
    )
    return Status(201, _revision_out(revision))


@router.post(
    "/outcomes/{document_id}/corrigenda",
    response={201: RevisionOut, **REFUSALS},
    auth=django_auth,
    summary="Open a corrigendum",
)
def corrigendum(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)], payload: TextIn
) -> Status[dict[str, Any]]:
    document = _document(request, document_id)
    revision = _acting(
        lambda: start_corrigendum(
            document, payload.title, payload.paragraphs, _user(request), payload.note
        )
    )
    return Status(201, _revision_out(revision))


def _step(
    request: HttpRequest, document_id: int, act: Callable[[OutcomeDocument], object]
) -> dict[str, Any]:
    document = _document(request, document_id)
    _acting(lambda: act(document))
    return _out(OutcomeDocument.objects.get(pk=document.pk), request)


@router.post(
    "/outcomes/{document_id}/circulate",
    response={200: DocumentOut, **REFUSALS},
    auth=django_auth,
    summary="Circulate for comments",
)
def circulate_document(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)]
) -> dict[str, Any]:
    return _step(request, document_id, lambda d: circulate(d, _user(request)))


@router.post(
    "/outcomes/{document_id}/silence",
    response={200: DocumentOut, **REFUSALS},
    auth=django_auth,
    summary="Start the silence procedure",
)
def silence(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)], payload: SilenceIn
) -> dict[str, Any]:
    return _step(request, document_id, lambda d: start_silence(d, payload.deadline, _user(request)))


@router.post(
    "/outcomes/{document_id}/objections",
    response={200: DocumentOut, **REFUSALS},
    auth=django_auth,
    summary="Break the silence (a delegation's objection)",
)
def objection(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)], payload: DelegationActIn
) -> dict[str, Any]:
    return _step(
        request,
        document_id,
        lambda d: break_silence(
            d, d.delegations.filter(pk=payload.delegation).first(), payload.text, _user(request)
        ),
    )


@router.post(
    "/outcomes/{document_id}/comments",
    response={200: DocumentOut, **REFUSALS},
    auth=django_auth,
    summary="Comment on the text or a paragraph",
)
def add_comment(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)], payload: CommentIn
) -> dict[str, Any]:
    return _step(
        request,
        document_id,
        lambda d: comment(
            d,
            d.delegations.filter(pk=payload.delegation).first(),
            payload.text,
            _user(request),
            payload.paragraph,
        ),
    )


@router.post(
    "/outcomes/{document_id}/adopt",
    response={200: DocumentOut, **REFUSALS},
    auth=django_auth,
    summary="Record the adoption",
)
def adopt_document(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)], payload: AdoptIn
) -> dict[str, Any]:
    at = (
        _engagements([payload.engagement], request, "engagement")[0] if payload.engagement else None
    )
    return _step(request, document_id, lambda d: adopt(d, _user(request), at=at))


@router.post(
    "/outcomes/{document_id}/publish",
    response={200: DocumentOut, **REFUSALS},
    auth=django_auth,
    summary="Publish the adopted text",
)
def publish_document(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)]
) -> dict[str, Any]:
    return _step(request, document_id, lambda d: publish(d, _user(request)))


@router.post(
    "/outcomes/{document_id}/withdraw",
    response={200: DocumentOut, **REFUSALS},
    auth=django_auth,
    summary="Withdraw a text never adopted",
)
def withdraw_document(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)]
) -> dict[str, Any]:
    return _step(request, document_id, lambda d: withdraw(d, _user(request)))


@router.post(
    "/outcomes/{document_id}/delegations",
    response={200: DocumentOut, **REFUSALS},
    auth=django_auth,
    summary="Add a delegation taking part",
)
def delegation(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)], payload: DelegationIn
) -> dict[str, Any]:
    party = _party(payload.party, "party")
    return _step(
        request,
        document_id,
        lambda d: add_delegation(d, _user(request), time_zone=payload.time_zone, **party),
    )


@router.post(
    "/outcomes/{document_id}/parties",
    response={200: DocumentOut, **REFUSALS},
    auth=django_auth,
    summary="Record a party",
)
def party(
    request: HttpRequest, document_id: PathEx[int, P(ge=1, le=LARGEST_ID)], payload: PartyIn
) -> dict[str, Any]:
    who = _party(payload.party, "party")
    return _step(
        request,
        document_id,
        lambda d: add_party(
            d, payload.action, payload.date, _user(request), text=payload.text, **who
        ),
    )
