from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from summitry.engagements.models import Status
from summitry.engagements.queries import visible_to
from summitry.engagements.services import EARLIEST_YEAR, LATEST_YEAR
from summitry.review import render as review_render
from summitry.review.queries import yearly_review


def latest(request: HttpRequest) -> HttpResponse:
    last = visible_to(request.user).filter(status=Status.HELD).order_by("-start").first()
    year = last.start.year if last and last.start else timezone.now().year
    return redirect("review:year", year=year)


def _years(request: HttpRequest) -> list[int]:
    dates = visible_to(request.user).filter(status=Status.HELD).dates("start", "year")
    return [d.year for d in dates]


def _in_range(year: int) -> int:
    # The register holds no year outside this range (the services refuse it).
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise Http404(f"The review covers the years {EARLIEST_YEAR} to {LATEST_YEAR}.")
    return year


def year_page(request: HttpRequest, year: int) -> HttpResponse:
    _in_range(year)
    review = yearly_review(year, visible_to(request.user))
    context = review_render.review_context(review)
    context["years"] = _years(request)
    return render(request, "review/review.html", context)


def year_pdf(request: HttpRequest, year: int) -> HttpResponse:
    _in_range(year)
    review = yearly_review(year, visible_to(request.user))
    response = HttpResponse(review_render.review_pdf(review), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="summitry-review-{year}.pdf"'
    return response
