from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from summitry.engagements.models import Status
from summitry.engagements.queries import visible_to
from summitry.engagements.services import EARLIEST_YEAR, LATEST_YEAR
from summitry.review import commitments as review_commitments
from summitry.review import render as review_render
from summitry.review.cache import pdf_for, review_for
from summitry.review.queries import review_zone


def latest(request: HttpRequest) -> HttpResponse:
    last = visible_to(request.user).filter(status=Status.HELD).order_by("-start").first()
    year = last.start.year if last and last.start else timezone.now().year
    return redirect("review:year", year=year)


def _years(request: HttpRequest) -> list[int]:
    """The years with held engagements, found by one index seek per year rather than by dating
    every record (which a large register cannot afford on each page view)."""
    zone = review_zone()
    held = visible_to(request.user).filter(status=Status.HELD).order_by("start")
    years: list[int] = []
    cursor: dt.datetime | None = None
    while True:
        after = held.filter(start__gte=cursor) if cursor else held
        start = after.values_list("start", flat=True).first()
        if start is None or start.astimezone(zone).year >= LATEST_YEAR:
            if start is not None:
                years.append(start.astimezone(zone).year)
            return years
        year = start.astimezone(zone).year
        years.append(year)
        cursor = dt.datetime(year + 1, 1, 1, tzinfo=zone)


def _in_range(year: int) -> int:
    # The register holds no year outside this range (the services refuse it).
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise Http404(
            gettext("The review covers the years %(first)d to %(last)d.")
            % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )
    return year


def year_page(request: HttpRequest, year: int) -> HttpResponse:
    _in_range(year)
    review = review_for(year, request.user)
    context = review_render.review_context(
        review, commitments=review_commitments.section(year, request.user)
    )
    context["years"] = _years(request)
    return render(request, "review/review.html", context)


def year_pdf(request: HttpRequest, year: int) -> HttpResponse:
    _in_range(year)
    response = HttpResponse(pdf_for(year, request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="summitry-review-{year}.pdf"'
    return response
