"""The register's JSON API: its own router, assembled with the others in the project's api.py.

The API maps its typed input straight to the services' input; the services validate, own the ref
and write in one transaction. Every refusal is a `Refusal` that names each field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, P, PathEx, QueryEx, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from summitry.engagements.exporter import as_record
from summitry.engagements.lookups import Resolver, parse_when
from summitry.engagements.models import Confidentiality, Engagement, Kind, Role
from summitry.engagements.models import Status as EngagementStatus
from summitry.engagements.queries import can_edit, filtered, visible_to, with_related
from summitry.engagements.services import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    EngagementInput,
    EngagementInvalid,
    ParticipantInput,
    SourceInput,
    TextInput,
    create_engagement,
    update_engagement,
    validate,
)

router = Router(tags=["engagements"])

# A name or code of the directory; longer than any name there, short enough to look up cheaply.
NAME_LENGTH = 200
# PostgreSQL refuses NUL in a query; no filter needs one.
NO_NUL = r"^[^\x00]*$"
LARGEST_ID = 2**63 - 1


class Problem(Schema):
    field: str = Field(description="The field, dotted into lists and objects; empty for the whole")
    message: str


class Refusal(Schema):
    detail: str
    problems: list[Problem] = []


def refusal(problems: list[dict[str, str]], status: int) -> HttpResponse:
    detail = "; ".join(f"{p['field'] or 'request'}: {p['message']}" for p in problems)
    return JsonResponse({"detail": detail, "problems": problems}, status=status)


def invalid_input(request: HttpRequest, exc: EngagementInvalid) -> HttpResponse:
    """The one answer to input the services refuse: 400, each field with its problems."""
    problems = [
        {"field": name, "message": message}
        for name, messages in exc.errors.items()
        for message in messages
    ]
    return refusal(problems, status=400)


class ParticipantOut(Schema):
    person: str
    role: str
    office: str | None
    country: str | None
    organisation: str | None


class SourceOut(Schema):
    citation: str
    url: str
    note: str


class VersionOut(Schema):
    language: str = Field(description="Language code, as Django writes it: fr, zh-hans, pt-br")
    title: str
    readout: str


class EngagementOut(Schema):
    id: int
    ref: str
    title: str
    kind: str
    status: str
    start: str | None = Field(description="ISO 8601 in UTC, or a date when the record has no hour")
    end: str | None
    host_country: str | None
    host_organisation: str | None
    chair: str | None
    participants: list[ParticipantOut]
    countries: list[str]
    organisations: list[str]
    topics: list[str]
    readout: str
    original_language: str = Field(description="The language of title and readout, the original")
    versions: list[VersionOut] = Field(
        description="The title and readout in other languages than the original's"
    )
    sources: list[SourceOut]
    confidentiality: str
    readers: list[str] | None = Field(
        description="Usernames of the named readers; shown to signed-in staff, null to the public"
    )
    url: str


class ParticipantIn(Schema):
    person: str = Field(max_length=NAME_LENGTH, description="A name in the directory")
    role: Role = Role.HEAD_OF_DELEGATION
    country: str | None = Field(None, max_length=NAME_LENGTH, description="Code or name")
    organisation: str | None = Field(
        None, max_length=NAME_LENGTH, description="Acronym or name, when speaking for one"
    )


class SourceIn(Schema):
    citation: str
    url: str = Field("", description="An http:// or https:// address, or empty")
    note: str = ""


class VersionIn(Schema):
    language: str = Field(max_length=20, description="Language code: fr, zh-hans, pt-br")
    title: str
    readout: str = ""


class EngagementIn(Schema):
    ref: str | None = Field(
        None,
        description="Stable reference (letters, digits, hyphens, underscores); "
        "omitted keeps the current one on PUT and gives summitry-<id> on POST",
    )
    title: str
    kind: Kind
    status: EngagementStatus = EngagementStatus.PROPOSED
    start: str | None = Field(None, description="ISO 8601 with a UTC offset, or a date")
    end: str | None = None
    host_country: str | None = Field(None, max_length=NAME_LENGTH, description="Code or name")
    host_organisation: str | None = Field(None, max_length=NAME_LENGTH)
    chair: str | None = Field(None, max_length=NAME_LENGTH)
    participants: list[ParticipantIn] = []
    countries: list[str] = Field([], description="Codes or names")
    organisations: list[str] = Field([], description="Acronyms or names")
    topics: list[str] = []
    readout: str = ""
    original_language: str | None = Field(
        None,
        max_length=20,
        description="The language of title and readout; omitted keeps the current one on PUT "
        "and is en on POST",
    )
    versions: list[VersionIn] | None = Field(
        None,
        description="The title and readout in other languages. Omitted or null keeps the "
        "current versions on PUT (none on POST); [] removes them all.",
    )
    sources: list[SourceIn] = []
    confidentiality: Confidentiality = Confidentiality.PUBLIC
    readers: list[str] | None = Field(
        None,
        description="Usernames of those who may read a confidential record. Omitted or null "
        "keeps the current readers on PUT (none on POST); [] removes them all.",
    )


def _out(engagement: Engagement, request: HttpRequest) -> dict[str, Any]:
    # The export's record, so that what the API reads back is what an import takes.
    record = as_record(engagement)
    if not request.user.is_authenticated:
        record["readers"] = None  # who may read is for staff to know
    return {"id": engagement.pk, **record, "url": engagement.get_absolute_url()}


def _to_input(payload: EngagementIn, current: Engagement | None) -> EngagementInput:
    """The services' input, each name resolved; every unknown name and invalid value refused."""
    resolver = Resolver()
    errors: dict[str, list[str]] = {}

    def resolve(name: str, kind: str, value: str | None) -> Any:
        if not value:
            return None
        try:
            return getattr(resolver, kind)(value)
        except LookupError as error:
            errors.setdefault(name, []).append(str(error))
            return None

    moments: dict[str, tuple[dt.datetime | None, bool]] = {}
    for name in ("start", "end"):
        try:
            moments[name] = parse_when(getattr(payload, name))
        except ValueError as error:
            errors.setdefault(name, []).append(str(error))
            moments[name] = (None, True)
    participants = []
    for entry in payload.participants:
        person = resolve("participants", "person", entry.person)
        if person is not None:
            participants.append(
                ParticipantInput(
                    person=person,
                    role=entry.role,
                    country=resolve("participants", "country", entry.country),
                    organisation=resolve("participants", "organisation", entry.organisation),
                )
            )
    readers = None
    if payload.readers is not None:
        readers = [r for name in payload.readers if (r := resolve("readers", "reader", name))]
    data = EngagementInput(
        ref=payload.ref,
        title=payload.title,
        kind=payload.kind,
        status=payload.status,
        start=moments["start"][0],
        end=moments["end"][0],
        time_known=moments["start"][1],
        host_country=resolve("host_country", "country", payload.host_country),
        host_organisation=resolve("host_organisation", "organisation", payload.host_organisation),
        chair=resolve("chair", "person", payload.chair),
        countries=[c for v in payload.countries if (c := resolve("countries", "country", v))],
        organisations=[
            o for v in payload.organisations if (o := resolve("organisations", "organisation", v))
        ],
        topics=payload.topics,
        readout=payload.readout,
        confidentiality=payload.confidentiality,
        participants=participants,
        sources=[SourceInput(s.citation, s.url, s.note) for s in payload.sources],
        readers=readers,
        original_language=payload.original_language
        or (current.original_language if current is not None else None),
        versions=None
        if payload.versions is None
        else [TextInput(v.language, v.title, v.readout) for v in payload.versions],
    )
    if errors:
        # Name what else is wrong too, except what follows from the names not found.
        others = validate(data, current.status if current is not None else None)
        raise EngagementInvalid(errors | {k: v for k, v in others.items() if k not in errors})
    return data


def _require_editor(request: HttpRequest) -> None:
    if not getattr(request.user, "is_editor", False):
        raise HttpError(403, "Only editors and administrators can change the register.")


def _related(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    return with_related(engagements).prefetch_related("readers", "participations__organisation")


def _fresh(engagement: Engagement, request: HttpRequest) -> dict[str, Any]:
    return _out(get_object_or_404(_related(Engagement.objects.all()), pk=engagement.pk), request)


@router.get(
    "/engagements", response={200: list[EngagementOut], 422: Refusal}, summary="List engagements"
)
def list_engagements(
    request: HttpRequest,
    year: QueryEx[int | None, P(ge=EARLIEST_YEAR, le=LATEST_YEAR)] = None,
    kind: QueryEx[str | None, P(max_length=NAME_LENGTH, pattern=NO_NUL)] = None,
    status: QueryEx[str | None, P(max_length=NAME_LENGTH, pattern=NO_NUL)] = None,
    counterpart: QueryEx[str | None, P(max_length=NAME_LENGTH, pattern=NO_NUL)] = None,
    region: QueryEx[str | None, P(max_length=NAME_LENGTH, pattern=NO_NUL)] = None,
    topic: QueryEx[str | None, P(max_length=NAME_LENGTH, pattern=NO_NUL)] = None,
    q: QueryEx[str | None, P(max_length=NAME_LENGTH, pattern=NO_NUL)] = None,
    limit: QueryEx[int, P(ge=1, le=1000)] = 100,
    offset: QueryEx[int, P(ge=0, le=1_000_000)] = 0,
) -> list[dict[str, Any]]:
    """Engagements the caller may see (the public sees public ones), newest first."""
    engagements = filtered(
        visible_to(request.user),
        year=year,
        kind=kind,
        status=status,
        counterpart=counterpart,
        region=region,
        topic=topic,
        q=q,
    )
    return [_out(e, request) for e in _related(engagements)[offset : offset + limit]]


@router.get(
    "/engagements/{engagement_id}",
    response={200: EngagementOut, 404: Refusal, 422: Refusal},
    summary="Read an engagement",
)
def get_engagement(
    request: HttpRequest, engagement_id: PathEx[int, P(ge=1, le=LARGEST_ID)]
) -> dict[str, Any]:
    engagement = get_object_or_404(_related(visible_to(request.user)), pk=engagement_id)
    return _out(engagement, request)


@router.post(
    "/engagements",
    response={201: EngagementOut, 400: Refusal, 401: Refusal, 403: Refusal, 422: Refusal},
    auth=django_auth,
    summary="Add an engagement",
)
def create(request: HttpRequest, payload: EngagementIn) -> Status[dict[str, Any]]:
    """Editors only. A ref already in use is refused with the same words whoever holds it."""
    _require_editor(request)
    engagement = create_engagement(_to_input(payload, None), by=request.user)  # type: ignore[arg-type]
    return Status(201, _fresh(engagement, request))


@router.put(
    "/engagements/{engagement_id}",
    response={
        200: EngagementOut,
        400: Refusal,
        401: Refusal,
        403: Refusal,
        404: Refusal,
        422: Refusal,
    },
    auth=django_auth,
    summary="Replace an engagement",
)
def replace(
    request: HttpRequest, payload: EngagementIn, engagement_id: PathEx[int, P(ge=1, le=LARGEST_ID)]
) -> dict[str, Any]:
    """Editors only. Replaces every field given and every list; `ref` and `readers` omitted are
    kept, so that a client that does not know them cannot wipe them."""
    engagement = get_object_or_404(visible_to(request.user), pk=engagement_id)
    if not can_edit(request.user, engagement):
        raise HttpError(403, "Only editors and administrators can change the register.")
    update_engagement(engagement, _to_input(payload, engagement), by=request.user)  # type: ignore[arg-type]
    return _fresh(engagement, request)
