"""The API root: /api/, with its OpenAPI document at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Router

import summitry
from summitry.engagements.api import RefusedInput, refused_input_handler
from summitry.engagements.api import router as engagements_router
from summitry.engagements.queries import visible_to
from summitry.review import render as review_render
from summitry.review.queries import yearly_review

api = NinjaAPI(
    title="Summitry API",
    version=summitry.__version__,
    description="Read and write the register of diplomatic engagements. Reading needs no "
    "sign-in and shows public records; writing needs a signed-in editor (session and CSRF token).",
    urls_namespace="api",
)
api.add_router("/", engagements_router)
api.add_exception_handler(RefusedInput, refused_input_handler)

review_router = Router(tags=["review"])


@review_router.get("/review/{year}")
def review(request: HttpRequest, year: int) -> dict[str, Any]:
    """The yearly review over what the caller may see; `by_kind` counts each kind."""
    return review_render.review_data(yearly_review(year, visible_to(request.user)))


api.add_router("/", review_router)
