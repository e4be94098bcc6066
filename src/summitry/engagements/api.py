"""The JSON API for reading and writing the register; its OpenAPI document is /api/openapi.json."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from summitry.engagements.exporter import as_record
from summitry.engagements.importer import ImportFailed, Row, import_rows
from summitry.engagements.models import Engagement
from summitry.engagements.queries import can_edit, filtered, visible_to, with_related

router = Router(tags=["engagements"])


class ParticipantOut(Schema):
    person: str
    role: str
    office: str | None
    country: str | None


class SourceOut(Schema):
    citation: str
    url: str
    note: str


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
    sources: list[SourceOut]
    confidentiality: str
    url: str


class ParticipantIn(Schema):
    person: str
    role: str = "head_of_delegation"
    country: str | None = None


class SourceIn(Schema):
    citation: str
    url: str = ""
    note: str = ""


class EngagementIn(Schema):
    ref: str | None = None
    title: str
    kind: str
    status: str = "proposed"
    start: str | None = Field(None, description="ISO 8601 with a UTC offset, or a date")
    end: str | None = None
    host_country: str | None = None
    host_organisation: str | None = None
    chair: str | None = None
    participants: list[ParticipantIn] = []
    countries: list[str] = []
    organisations: list[str] = []
    topics: list[str] = []
    readout: str = ""
    sources: list[SourceIn] = []
    confidentiality: str = "public"


class Problem(Schema):
    field: str
    message: str


class Refusal(Schema):
    detail: str
    problems: list[Problem] = []


def _out(engagement: Engagement) -> dict[str, Any]:
    record = as_record(engagement)
    record.update(id=engagement.pk, url=engagement.get_absolute_url())
    return record


@router.get("/engagements", response=list[EngagementOut])
def list_engagements(
    request: HttpRequest,
    year: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    counterpart: str | None = None,
    region: str | None = None,
    topic: str | None = None,
    q: str | None = None,
    limit: int = 100,
    offset: int = 0,
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
    limit = max(1, min(limit, 1000))
    return [_out(e) for e in with_related(engagements)[offset : offset + limit]]


@router.get("/engagements/{engagement_id}", response={200: EngagementOut, 404: Refusal})
def get_engagement(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    return _out(get_object_or_404(with_related(visible_to(request.user)), pk=engagement_id))


def _write(request: HttpRequest, payload: EngagementIn, current: Engagement | None) -> Engagement:
    if not getattr(request.user, "is_editor", False):
        raise HttpError(403, "Only editors and administrators can change the register.")
    values = payload.dict()
    if current is not None:
        values["ref"] = current.ref or values.get("ref") or f"summitry-{current.pk}"
        if current.ref is None:
            current.ref = values["ref"]
            Engagement.objects.filter(pk=current.pk).update(ref=current.ref)
    try:
        result = import_rows([Row(1, values)], by=request.user)
    except ImportFailed as failure:
        raise RefusedInput(failure) from None
    if result.engagements:
        return result.engagements[0]
    assert current is not None
    return current


class RefusedInput(Exception):
    def __init__(self, failure: ImportFailed) -> None:
        self.failure = failure


@router.post(
    "/engagements", response={201: EngagementOut, 400: Refusal, 403: Refusal}, auth=django_auth
)
def create(request: HttpRequest, payload: EngagementIn) -> Status[dict[str, Any]]:
    if payload.ref and Engagement.objects.filter(ref=payload.ref).exists():
        raise HttpError(
            400, f"An engagement with ref {payload.ref!r} exists; use PUT to change it."
        )
    engagement = _write(request, payload, None)
    return Status(
        201, _out(get_object_or_404(with_related(Engagement.objects.all()), pk=engagement.pk))
    )


@router.put(
    "/engagements/{engagement_id}",
    response={200: EngagementOut, 400: Refusal, 403: Refusal, 404: Refusal},
    auth=django_auth,
)
def replace(request: HttpRequest, engagement_id: int, payload: EngagementIn) -> dict[str, Any]:
    engagement = get_object_or_404(visible_to(request.user), pk=engagement_id)
    if not can_edit(request.user, engagement):
        raise HttpError(403, "Only editors and administrators can change the register.")
    _write(request, payload, engagement)
    return _out(get_object_or_404(with_related(Engagement.objects.all()), pk=engagement.pk))


def refused_input_handler(request: HttpRequest, exc: Any) -> HttpResponse:
    from summitry.api import api

    problems = [{"field": p.field, "message": p.message} for p in exc.failure.problems]
    detail = "; ".join(f"{p.field or 'record'}: {p.message}" for p in exc.failure.problems)
    return api.create_response(request, {"detail": detail, "problems": problems}, status=400)
