"""The commitments' JSON API: its own router, assembled with the others in the project's api.py.
Reading needs no sign-in and shows what the caller may see (the public: public record)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, P, PathEx, QueryEx, Router, Schema

from summitry.commitments import records
from summitry.commitments.models import Kind
from summitry.commitments.progress import Status
from summitry.commitments.queries import visible_to
from summitry.engagements.api import LARGEST_ID, NO_NUL, Refusal
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
