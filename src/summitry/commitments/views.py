from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
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


@login_required
@require_http_methods(["GET", "POST"])
def commitment_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    engagements = engagements_visible_to(request.user).order_by("-start")
    status = 200
    if request.method == "POST":
        form = CommitmentForm(request.POST, engagements=engagements)
        if form.is_valid():
            try:
                commitment = services.create_commitment(form.to_input(), user=request.user)  # type: ignore[arg-type]
            except services.CommitmentInvalid as invalid:
                _put_back(form, invalid.errors)
            else:
                _saved_message(request, commitment)
                return redirect(commitment)
        status = 400
    else:
        initial: dict[str, object] = {}
        engagement = (
            engagements.filter(pk=request.GET.get("engagement") or 0).first()
            if (request.GET.get("engagement", "").isdigit())
            else None
        )
        if engagement is not None:
            initial["engagement"] = engagement
            if engagement.start is not None:
                initial["made_on"] = engagement.start.date()
        form = CommitmentForm(initial=initial, engagements=engagements)
    return render(request, "commitments/form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def progress_create(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _editable(request, pk)
    status = 200
    if request.method == "POST":
        form = ProgressForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_progress_report(
                    commitment,
                    on=data["on"],
                    amount=data["amount"],
                    completes=data["completes"],
                    source=data["source"],
                    url=data["url"].strip(),
                    note=data["note"],
                    includes=[data["delivery"].strip()] if data["delivery"].strip() else [],
                )
            except services.CommitmentInvalid as invalid:
                _put_back(
                    form,
                    {"delivery" if k == "includes" else k: v for k, v in invalid.errors.items()},
                )
            else:
                messages.success(request, _("The progress report was added."))
                return redirect(commitment)
        status = 400
    else:
        form = ProgressForm()
    return render(
        request, "commitments/progress_form.html", {"form": form, "c": commitment}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _editable(request, pk)
    status = 200
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.withdraw(
                    commitment, form.cleaned_data["withdrawn_on"], form.cleaned_data["note"]
                )
            except services.CommitmentInvalid as invalid:
                _put_back(form, invalid.errors)
            else:
                messages.success(request, _("The commitment is recorded as withdrawn."))
                return redirect(commitment)
        status = 400
    else:
        form = WithdrawForm()
    return render(
        request, "commitments/withdraw_form.html", {"form": form, "c": commitment}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _editable(request, pk)
    status = 200
    if request.method == "POST":
        form = AmendForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.amend(
                    commitment,
                    due=data["due"],
                    period=data["period"],
                    conditions=data["conditions"],
                    change_due=True,
                )
            except services.CommitmentInvalid as invalid:
                _put_back(form, invalid.errors)
            else:
                messages.success(request, _("Your changes were saved."))
                return redirect(commitment)
        status = 400
    else:
        form = AmendForm(
            initial={
                "due": commitment.due,
                "period": commitment.period,
                "conditions": commitment.conditions,
            }
        )
    return render(
        request, "commitments/edit_form.html", {"form": form, "c": commitment}, status=status
    )
