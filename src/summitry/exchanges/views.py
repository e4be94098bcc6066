"""The exchanges' pages: put a question, record an answer, search what was asked and answered."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from summitry.exchanges import queries
from summitry.exchanges.services import (
    ExchangeInvalid,
    ExchangeRefused,
    answer_question,
    ask_question,
    present_material,
)

# A search answers one page; a finer question narrows it.
SEARCH_LIMIT = 100


def _back(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{url}#questions")


def _invalid(request: HttpRequest, error: ExchangeInvalid, back: str) -> HttpResponse:
    return render(
        request, "exchanges/invalid.html", {"errors": error.errors, "back": back}, status=400
    )


@require_POST
@login_required
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = get_object_or_404(queries.conferences_visible_to(request.user), pk=pk)
    try:
        ask_question(
            request.user,  # type: ignore[arg-type]
            engagement,
            text=request.POST.get("text", ""),
            asker_name=request.POST.get("asker_name", ""),
            country=request.POST.get("country", ""),
            language=request.POST.get("language") or None,
        )
    except ExchangeRefused as refusal:
        raise PermissionDenied(str(refusal)) from None
    except ExchangeInvalid as error:
        return _invalid(request, error, engagement.get_absolute_url())
    messages.success(request, _("Your question is kept with the conference."))
    return _back(engagement.get_absolute_url())


@require_POST
@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(
        queries.questions_visible_to(request.user).select_related("engagement"), pk=pk
    )
    back = question.engagement.get_absolute_url()
    try:
        answer_question(
            request.user,  # type: ignore[arg-type]
            question,
            expert=request.POST.get("expert"),
            text=request.POST.get("text", ""),
            language=request.POST.get("language") or None,
        )
    except ExchangeRefused as refusal:
        raise PermissionDenied(str(refusal)) from None
    except ExchangeInvalid as error:
        return _invalid(request, error, back)
    messages.success(request, _("The answer is recorded."))
    return _back(back)


@require_POST
@login_required
def present(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = get_object_or_404(queries.conferences_visible_to(request.user), pk=pk)
    try:
        present_material(
            request.user,  # type: ignore[arg-type]
            engagement,
            edition=request.POST.get("edition"),
            language=request.POST.get("language", ""),
        )
    except ExchangeRefused as refusal:
        raise PermissionDenied(str(refusal)) from None
    except ExchangeInvalid as error:
        return _invalid(request, error, engagement.get_absolute_url())
    messages.success(request, _("The material is recorded."))
    return HttpResponseRedirect(f"{engagement.get_absolute_url()}#conference-materials")


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    found = list(queries.searched(request.user, query)[: SEARCH_LIMIT + 1]) if query else []
    return render(
        request,
        "exchanges/search.html",
        {"q": query, "questions": found[:SEARCH_LIMIT], "more": len(found) > SEARCH_LIMIT},
    )
