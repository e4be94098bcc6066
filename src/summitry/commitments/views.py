from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from summitry.commitments import records, tracker
from summitry.commitments.progress import assess_all
from summitry.commitments.queries import visible_to, with_related


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
