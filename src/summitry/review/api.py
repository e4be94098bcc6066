"""The review's JSON API: its own router, assembled with the others in the project's api.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import P, PathEx, Router

from summitry.engagements.api import Refusal
from summitry.engagements.services import EARLIEST_YEAR, LATEST_YEAR
from summitry.review import commitments, render
from summitry.review.cache import review_for

router = Router(tags=["review"])


@router.get("/review/{year}", response={200: dict[str, Any], 422: Refusal}, summary="Yearly review")
def review(
    request: HttpRequest, year: PathEx[int, P(ge=EARLIEST_YEAR, le=LATEST_YEAR)]
) -> dict[str, Any]:
    """The yearly review over what the caller may see; `by_kind` counts each kind, and
    `commitments` lists the commitments made that year that the caller may see."""
    return render.review_data(
        review_for(year, request.user), commitments=commitments.section(year, request.user)
    )
