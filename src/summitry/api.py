"""The API root: /api/, with its OpenAPI document at /api/openapi.json.

It only assembles the apps' routers and says how refusals look; each app's endpoints live in its
own `api.py`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

import summitry
from summitry.commitments import api as commitments_api
from summitry.engagements import api as engagements_api
from summitry.engagements.services import EngagementInvalid
from summitry.outcomes import api as outcomes_api
from summitry.review import api as review_api

api = NinjaAPI(
    title="Summitry API",
    version=summitry.__version__,
    description="Read and write the register of diplomatic engagements. Reading needs no "
    "sign-in and shows public records; writing needs a signed-in editor (session and CSRF token). "
    "Input the register refuses is answered 400, input that does not fit the document 422; "
    "both name each field.",
    urls_namespace="api",
)
api.add_router("/", engagements_api.router)
api.add_router("/", review_api.router)
api.add_router("/", outcomes_api.router)
api.add_router("/", commitments_api.router)


def _request_field(location: tuple[str | int, ...]) -> str:
    # ("body", "payload", "sources", 0, "url") -> "sources.0.url"; ("query", "limit") -> "limit"
    parts = [str(part) for part in location[1:] if part != "payload"]
    return ".".join(parts)


def _invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        {"field": _request_field(tuple(error.get("loc", ()))), "message": str(error["msg"])}
        for error in exc.errors
    ]
    return engagements_api.refusal(problems, status=422)


api.add_exception_handler(EngagementInvalid, engagements_api.invalid_input)  # type: ignore[arg-type]
api.add_exception_handler(ValidationError, _invalid_request)  # type: ignore[arg-type]
