"""The commitments' JSON API: its own router, assembled with the others in the project's api.py.
Reading needs no sign-in and shows what the caller may see (the public: public record)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, QueryEx, Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError
from ninja.security import django_auth

from summitry.commitments import records, services
from summitry.commitments.models import Commitment, Kind
from summitry.commitments.progress import Status
from summitry.commitments.queries import visible_to
from summitry.directory.models import Country, Organisation, Person
from summitry.engagements.api import LARGEST_ID, NO_NUL, Refusal, refusal
from summitry.engagements.queries import visible_to as engagements_visible_to
from summitry.engagements.services import EARLIEST_YEAR, LATEST_YEAR

router = Router(tags=["commitments"])

KindName = Literal["funding", "vaccines", "supplies", "trade", "institutional", "policy", "other"]
StatusName = Literal[
    "announced", "in_progress", "fulfilled", "partly_fulfilled", "overdue", "withdrawn"
]
assert set(KindName.__args__) == set(Kind.values)  # type: ignore[attr-defined]
assert set(StatusName.__args__) == set(Status.values)  # type: ignore[attr-defined]


class EvidenceOut(Schema):
    key: str = Field(description="Unique across providers: report:<id>, delivery:<id>…")
    date: str
    amount: float | int | None = Field(description="In the commitment's unit")
    source: str
    counted: bool = Field(description="False when another item already includes this one")


class CommitmentOut(Schema):
    id: int
    ref: str | None
    made_on: str = Field(description="YYYY-MM-DD")
    made_by: str = Field(description="ISO 3166 alpha-2 code, or the organisation's acronym")
    person: str | None
    office: str | None = Field(description="The office the person held that day")
    engagement: str | None = Field(description="The engagement's ref")
    text: str = Field(description="The words of the pledge, quoted")
    kind: KindName
    amount: float | int | None
    unit: str | None = Field(description="ISO 4217 code, or doses, tonnes, items, teams…")
    usd: float | int | None = Field(description="At the rate of the day the pledge was made")
    rate: float | int | None = Field(description="US dollars per unit")
    rate_date: str | None = Field(description="The day of the rate (the nearest earlier quoted)")
    rate_source: str | None
    beneficiaries: list[str] = Field(
        description="Codes, acronyms, members:<acronym> for an organisation's members, or words"
    )
    due: str | None
    period: str | None
    conditions: str | None
    status: StatusName
    status_reason: str
    delivered: float | int | None = Field(description="Counted evidence, in the unit")
    progress: float | int | None = Field(description="0 to 1; never above the evidence")
    progress_capped: bool = Field(description="The evidence exceeds the amount")
    evidence: list[EvidenceOut]
    sources: list[str]


@router.get(
    "/commitments",
    response={200: list[CommitmentOut], 422: Refusal},
    summary="List commitments with their status and progress",
)
def list_commitments(
    request: HttpRequest,
    year: QueryEx[int | None, P(ge=EARLIEST_YEAR, le=LATEST_YEAR)] = None,
    maker: QueryEx[str | None, P(max_length=40, pattern=NO_NUL)] = None,
    beneficiary: QueryEx[str | None, P(max_length=40, pattern=NO_NUL)] = None,
    kind: KindName | None = None,
    status: StatusName | None = None,
) -> list[dict[str, Any]]:
    """Oldest first. Status is derived from the evidence and the dates as of today."""
    filters = {
        k: v
        for k, v in {
            "maker": maker,
            "beneficiary": beneficiary,
            "kind": kind,
            "status": status,
        }.items()
        if v
    }
    pairs = records.selection(visible_to(request.user), year=year, filters=filters)
    return [records.as_record(c, p) for c, p in pairs]


@router.get(
    "/commitments/{commitment_id}",
    response={200: CommitmentOut, 404: Refusal, 422: Refusal},
    summary="Read a commitment",
)
def get_commitment(
    request: HttpRequest, commitment_id: PathEx[int, P(ge=1, le=LARGEST_ID)]
) -> dict[str, Any]:
    commitment = get_object_or_404(visible_to(request.user), pk=commitment_id)
    ((found, progress),) = records.selection(visible_to(request.user).filter(pk=commitment.pk))
    return records.as_record(found, progress)


T = TypeVar("T")
REFUSALS: dict[int, Any] = {400: Refusal, 401: Refusal, 403: Refusal, 404: Refusal, 422: Refusal}
TEXT = Field(default="", max_length=20_000, pattern=NO_NUL)


class SourceIn(Schema):
    citation: str = Field(max_length=300, pattern=NO_NUL)
    url: str = Field(default="", max_length=500, pattern=NO_NUL)
    note: str = Field(default="", max_length=300, pattern=NO_NUL)


class CommitmentIn(Schema):
    made_on: dt.date
    made_by: str = Field(
        max_length=40, pattern=NO_NUL, description="ISO 3166 alpha-2 code or organisation acronym"
    )
    person: int | None = Field(default=None, ge=1, le=LARGEST_ID, description="Directory id")
    engagement: int | None = Field(default=None, ge=1, le=LARGEST_ID)
    text: str = Field(max_length=20_000, pattern=NO_NUL, description="The words, quoted")
    kind: KindName
    amount: Decimal | None = Field(default=None, ge=0, lt=Decimal("1e18"), decimal_places=4)
    unit: str = Field(default="", max_length=20, pattern=NO_NUL)
    beneficiary_countries: list[str] = Field(default=[], max_length=300)
    beneficiary_organisations: list[str] = Field(default=[], max_length=100)
    beneficiary_members_of: list[str] = Field(default=[], max_length=100)
    beneficiary_group: str = Field(default="", max_length=200, pattern=NO_NUL)
    due: dt.date | None = None
    period: str = Field(default="", max_length=200, pattern=NO_NUL)
    conditions: str = TEXT
    sources: list[SourceIn] = Field(min_length=1, max_length=50)


class CommitmentPatch(Schema):
    """Only what may change after the pledge: the due date, period, conditions, withdrawal."""

    due: dt.date | None = None
    period: str | None = Field(default=None, max_length=200, pattern=NO_NUL)
    conditions: str | None = Field(default=None, max_length=20_000, pattern=NO_NUL)
    withdrawn_on: dt.date | None = None
    withdrawal_note: str = Field(default="", max_length=500, pattern=NO_NUL)


class ProgressIn(Schema):
    on: dt.date
    amount: Decimal | None = Field(default=None, ge=0, lt=Decimal("1e18"), decimal_places=4)
    completes: bool = False
    source: str = Field(max_length=300, pattern=NO_NUL)
    url: str = Field(default="", max_length=500, pattern=NO_NUL)
    note: str = TEXT
    includes: list[str] = Field(
        default=[], max_length=50, description="Keys of evidence this figure includes: delivery:12"
    )


def _require_editor(request: HttpRequest) -> None:
    if not getattr(request.user, "is_editor", False):
        raise HttpError(403, _("Only editors and administrators can record commitments."))


def _refused(invalid: services.CommitmentInvalid) -> HttpResponse:
    return refusal(
        [{"field": k, "message": m} for k, messages in invalid.errors.items() for m in messages],
        status=400,
    )


def _found(model: type[T], field: str, value: str, **lookup: str) -> T:
    found = model.objects.filter(**lookup).first()  # type: ignore[attr-defined]
    if found is None:
        raise services.CommitmentInvalid(
            {field: [_("“%(value)s” is not in the directory.") % {"value": value}]}
        )
    return found  # type: ignore[no-any-return]


def _maker(value: str) -> Country | Organisation:
    country = Country.objects.filter(code=value.upper()).first() if len(value) == 2 else None
    return country or _found(Organisation, "made_by", value, acronym=value)


def _all(model: type[T], field: str, values: list[str], key: str) -> list[T]:
    return [_found(model, field, v, **{key: v.upper() if key == "code" else v}) for v in values]


def _record(request: HttpRequest, commitment: Commitment) -> dict[str, Any]:
    ((found, progress),) = records.selection(visible_to(request.user).filter(pk=commitment.pk))
    return records.as_record(found, progress)


def _commitment_input(request: HttpRequest, payload: CommitmentIn) -> services.CommitmentInput:
    engagement = None
    if payload.engagement is not None:
        engagement = engagements_visible_to(request.user).filter(pk=payload.engagement).first()
        if engagement is None:
            raise services.CommitmentInvalid({"engagement": [_("Unknown engagement.")]})
    person = None
    if payload.person is not None:
        person = _found(Person, "person", str(payload.person), pk=str(payload.person))
    return services.CommitmentInput(
        made_on=payload.made_on,
        text=payload.text,
        kind=payload.kind,
        maker=_maker(payload.made_by),
        person=person,
        engagement=engagement,
        amount=payload.amount,
        unit=payload.unit.strip(),
        beneficiary_countries=_all(
            Country, "beneficiary_countries", payload.beneficiary_countries, "code"
        ),
        beneficiary_organisations=_all(
            Organisation, "beneficiary_organisations", payload.beneficiary_organisations, "acronym"
        ),
        beneficiary_members_of=_all(
            Organisation, "beneficiary_members_of", payload.beneficiary_members_of, "acronym"
        ),
        beneficiary_group=payload.beneficiary_group,
        due=payload.due,
        period=payload.period,
        conditions=payload.conditions,
        sources=[services.SourceInput(s.citation, s.url, s.note) for s in payload.sources],
    )


def _answer(call: Callable[[], T]) -> T | HttpResponse:
    try:
        return call()
    except services.CommitmentInvalid as invalid:
        return _refused(invalid)


@router.post(
    "/commitments",
    response={201: CommitmentOut, **REFUSALS},
    auth=django_auth,
    summary="Record a commitment",
)
def create(request: HttpRequest, payload: CommitmentIn) -> Any:
    """Editors only. Currency amounts are converted at the rate of the day the pledge was made."""
    _require_editor(request)

    def call() -> Answer[dict[str, Any]]:
        data = _commitment_input(request, payload)
        commitment = services.create_commitment(data, user=request.user)  # type: ignore[arg-type]
        return Answer(201, _record(request, commitment))

    return _answer(call)


@router.patch(
    "/commitments/{commitment_id}",
    response={200: CommitmentOut, **REFUSALS},
    auth=django_auth,
    summary="Change a commitment's dates or conditions, or record its withdrawal",
)
def change(
    request: HttpRequest,
    payload: CommitmentPatch,
    commitment_id: PathEx[int, P(ge=1, le=LARGEST_ID)],
) -> Any:
    """Editors only. The pledge's words, maker and amount are the record and do not change."""
    _require_editor(request)
    commitment = get_object_or_404(visible_to(request.user), pk=commitment_id)
    given = payload.model_fields_set

    def call() -> dict[str, Any]:
        services.amend(
            commitment,
            due=payload.due,
            period=payload.period,
            conditions=payload.conditions,
            change_due="due" in given,
        )
        if payload.withdrawn_on is not None:
            services.withdraw(commitment, payload.withdrawn_on, payload.withdrawal_note)
        return _record(request, commitment)

    return _answer(call)


@router.post(
    "/commitments/{commitment_id}/progress",
    response={201: CommitmentOut, **REFUSALS},
    auth=django_auth,
    summary="Add a progress report to a commitment",
)
def add_progress(
    request: HttpRequest, payload: ProgressIn, commitment_id: PathEx[int, P(ge=1, le=LARGEST_ID)]
) -> Any:
    """Editors only. Answers the commitment with its progress recomputed from the evidence."""
    _require_editor(request)
    commitment = get_object_or_404(visible_to(request.user), pk=commitment_id)

    def call() -> Answer[dict[str, Any]]:
        services.add_progress_report(
            commitment,
            on=payload.on,
            amount=payload.amount,
            completes=payload.completes,
            source=payload.source,
            url=payload.url,
            note=payload.note,
            includes=payload.includes,
        )
        return Answer(201, _record(request, commitment))

    return _answer(call)
