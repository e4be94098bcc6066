from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from summitry.commitments import records, services, tracker
from summitry.commitments.forms import AmendForm, CommitmentForm, ProgressForm, WithdrawForm
from summitry.commitments.models import Commitment
from summitry.commitments.progress import assess_all
from summitry.commitments.queries import visible_to, with_related
from summitry.engagements.queries import visible_to as engagements_visible_to
from summitry.web import formats


def tracker_page(request: HttpRequest) -> HttpResponse:
    visible = visible_to(request.user)
    everything = list(with_related(visible))
    form = tracker.FilterForm(request.GET or None, everything)
    if request.GET and not form.is_valid():
        # Bad filters are the caller's error: 400, with each field named on the page.
        return render(request, "commitments/tracker.html", {"form": form}, status=400)
    filters = {
        key: str(form.cleaned_data[key])
        for key in ("maker", "beneficiary", "kind", "status")
        if form.is_bound and form.cleaned_data.get(key)
    }
    year = form.cleaned_data.get("year") if form.is_bound else None
    today = tracker.today()
    pairs = records.selection(visible, year=year, today=today, filters=filters)
    unit = (form.cleaned_data.get("unit") if form.is_bound else "") or tracker.default_unit(pairs)
    return render(
        request,
        "commitments/tracker.html",
        {
            "form": form,
            "rows": tracker.rows(pairs),
            "chart": tracker.chart(pairs, unit, today),
            "filtered": bool(filters or year),
            "today": today,
        },
    )


def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = with_related(visible_to(request.user)).filter(pk=pk).first()
    if commitment is None:
        raise Http404
    progress = assess_all([commitment], tracker.today())[commitment.pk]
    (row,) = tracker.rows([(commitment, progress)])
    return render(
        request,
        "commitments/detail.html",
        {
            "c": commitment,
            "progress": progress,
            "row": row,
            "beneficiaries": records.beneficiaries(commitment),
            "unit": records.unit_label(commitment.unit),
        },
    )


def _require_editor(request: HttpRequest) -> None:
    if not getattr(request.user, "is_editor", False):
        raise PermissionDenied(_("Only editors and administrators can record commitments."))


def _editable(request: HttpRequest, pk: int) -> Commitment:
    _require_editor(request)
    commitment = visible_to(request.user).filter(pk=pk).first()
    if commitment is None:
        raise Http404
    return commitment


def _put_back(form: Form, errors: dict[str, list[str]]) -> None:
    """The services' errors on the fields they name; anything else above the form."""
    for name, problems in errors.items():
        target = name if name in form.fields else None
        for problem in problems:
            form.add_error(target, problem)


def _saved_message(request: HttpRequest, commitment: Commitment) -> None:
    if commitment.usd is not None and commitment.rate is not None:
        messages.success(
            request,
            _(
                "The commitment was recorded: %(amount)s %(unit)s, about %(usd)s US dollars at "
                "%(rate)s US dollars per unit (%(source)s)."
            )
            % {
                "amount": formats.format_number(commitment.amount or 0),
                "unit": commitment.unit,
                "usd": formats.format_number(round(commitment.usd)),
                "rate": formats.format_decimal(commitment.rate, 6),
                "source": commitment.rate_source,
            },
        )
    else:
        messages.success(request, _("The commitment was recorded."))


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _form_step(
    request: HttpRequest,
    form: Form,
    template: str,
    save: Callable[[dict[str, Any]], Commitment],
    done: Callable[[Commitment], None],
    context: dict[str, Any] | None = None,
    rename: Mapping[str, str] | None = None,
) -> HttpResponse:
    """One editor form: `save` goes through the services, whose refusals come back on the
    fields they name (`rename` maps a service's name to the form's) with a 400."""
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                commitment = save(form.cleaned_data)
            except services.CommitmentInvalid as invalid:
                names = rename or {}
                _put_back(form, {names.get(k, k): v for k, v in invalid.errors.items()})
            else:
                done(commitment)
                return redirect(commitment)
        status = 400
    return render(request, template, {"form": form, **(context or {})}, status=status)


def _says(request: HttpRequest, message: str) -> Callable[[Commitment], None]:
    return lambda _commitment: messages.success(request, message)


@login_required
@require_http_methods(["GET", "POST"])
def commitment_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    engagements = engagements_visible_to(request.user).order_by("-start")
    initial: dict[str, object] = {}
    wanted = request.GET.get("engagement", "")
    engagement = engagements.filter(pk=wanted).first() if wanted.isdigit() else None
    if engagement is not None:
        initial["engagement"] = engagement
        if engagement.start is not None:
            initial["made_on"] = engagement.start.date()
    form = CommitmentForm(_posted(request), initial=initial, engagements=engagements)
    return _form_step(
        request,
        form,
        "commitments/form.html",
        lambda _data: services.create_commitment(form.to_input(), user=request.user),  # type: ignore[arg-type]
        lambda commitment: _saved_message(request, commitment),
    )


def _add_progress(commitment: Commitment, data: dict[str, Any]) -> Commitment:
    delivery = data["delivery"].strip()
    services.add_progress_report(
        commitment,
        on=data["on"],
        amount=data["amount"],
        completes=data["completes"],
        source=data["source"],
        url=data["url"].strip(),
        note=data["note"],
        includes=[delivery] if delivery else [],
    )
    return commitment


@login_required
@require_http_methods(["GET", "POST"])
def progress_create(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _editable(request, pk)
    return _form_step(
        request,
        ProgressForm(_posted(request)),
        "commitments/progress_form.html",
        lambda data: _add_progress(commitment, data),
        _says(request, _("The progress report was added.")),
        {"c": commitment},
        rename={"includes": "delivery"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _editable(request, pk)

    return _form_step(
        request,
        WithdrawForm(_posted(request)),
        "commitments/withdraw_form.html",
        lambda data: services.withdraw(commitment, data["withdrawn_on"], data["note"]),
        _says(request, _("The commitment is recorded as withdrawn.")),
        {"c": commitment},
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _editable(request, pk)

    initial = {
        "due": commitment.due,
        "period": commitment.period,
        "conditions": commitment.conditions,
    }
    return _form_step(
        request,
        AmendForm(_posted(request), initial=initial),
        "commitments/edit_form.html",
        lambda data: services.amend(
            commitment,
            due=data["due"],
            period=data["period"],
            conditions=data["conditions"],
            change_due=True,
        ),
        _says(request, _("Your changes were saved.")),
        {"c": commitment},
    )
