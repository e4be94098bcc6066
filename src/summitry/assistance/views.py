from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from summitry.assistance import country as country_parts
from summitry.assistance import maps, queries, spreadsheets
from summitry.assistance.forms import DeliveryForm, LedgerFilters
from summitry.assistance.models import Item, ReportedTotal
from summitry.assistance.services import (
    DeliveryInput,
    ItemInput,
    SourceInput,
    TeamInput,
    record_delivery,
)
from summitry.directory.models import Country
from summitry.directory.names import country_name
from summitry.engagements import queries as engagement_queries
from summitry.engagements.models import Engagement

# Form fields a service problem is shown against (the service's key is the form field's).
FIELD_OF = {"items": "item", "team": "team_size", "sources": "citation"}


def ledger(request: HttpRequest) -> HttpResponse:
    form = LedgerFilters(request.GET or None)
    deliveries = queries.visible_to(request.user)
    status = 200
    if form.is_bound and form.is_valid():
        deliveries = queries.filtered(
            deliveries, **{k: v for k, v in form.cleaned_data.items() if v}
        )
    elif form.is_bound:
        status = 400
    return render(
        request,
        "assistance/ledger.html",
        {
            "form": form,
            "deliveries": queries.with_related(deliveries)[:500],
            "count": deliveries.count(),
            "totals": queries.item_totals(deliveries),
            "usd": queries.usd_total(deliveries),
            "reported": ReportedTotal.objects.prefetch_related("items__item"),
            "can_create": getattr(request.user, "is_editor", False),
        },
        status=status,
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(queries.with_related(queries.visible_to(request.user)), pk=pk)
    links = list(delivery.commitment_links.select_related("commitment"))
    return render(request, "assistance/detail.html", {"delivery": delivery, "links": links})


def _input(data: dict[str, Any]) -> DeliveryInput:
    item = data.get("item")
    return DeliveryInput(
        ref=data["ref"],
        donor=data["donor"].name,
        recipient=data["recipient"],
        modality=data["modality"],
        channel=data["channel"],
        channel_organisation=data.get("channel_organisation") or "",
        date=data["date"],
        date_precision=data["date_precision"],
        stage=data["stage"],
        items=[ItemInput(item.code, data.get("quantity"), data.get("product") or "")]
        if item
        else [],
        amount=data.get("amount"),
        currency=data.get("currency") or "",
        description=data.get("description") or "",
        sources=[SourceInput(data["citation"], data.get("url") or "")],
        engagement=data.get("engagement"),
        team=TeamInput(
            size=data.get("team_size"),
            specialities=data.get("specialities") or "",
            start=data.get("team_start"),
            end=data.get("team_end"),
            host=data.get("host") or "",
        )
        if data["modality"] == "medical_team"
        else None,
    )


def create(request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "is_editor", False):
        raise PermissionDenied
    form = DeliveryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                delivery = record_delivery(_input(form.cleaned_data), by=request.user)
            except ValidationError as problems:
                for name, messages in problems.message_dict.items():
                    field = FIELD_OF.get(name, name)
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect(delivery)
        status = 400
    return render(request, "assistance/form.html", {"form": form}, status=status)


def _names(language: str | None = None) -> dict[str, str]:
    return {c.numeric: country_name(c) for c in Country.objects.all()}


def world_map(request: HttpRequest) -> HttpResponse:
    by = request.GET.get("by", "deliveries")
    items = {item.code: item for item in Item.objects.all()}
    deliveries = queries.visible_to(request.user)
    if by == "deliveries":
        values = queries.deliveries_by_country(deliveries)
        measure = _("Deliveries of aid")
    elif by == "usd":
        values = queries.by_recipient_country(deliveries)
        measure = _("US dollars of aid")
    elif by in items:
        values = queries.by_recipient_country(deliveries, item=by)
        measure = _(items[by].name)  # the catalogue's names are in the catalogues
    else:
        return render(
            request,
            "assistance/map.html",
            {
                "error": _("“by” is deliveries, usd or an item of the catalogue."),
                "items": items.values(),
            },
            status=400,
        )
    svg = maps.recipients_map_svg(
        values,
        _names(),
        title=_("Recipients of aid: %(measure)s") % {"measure": measure},
        measure=measure,
    )
    return render(
        request,
        "assistance/map.html",
        {"map": svg, "by": by, "items": items.values(), "measure": measure, "values": values},
    )


def item_totals(request: HttpRequest) -> HttpResponse:
    deliveries = queries.visible_to(request.user)
    table = queries.items_by_year(deliveries)
    years = sorted({year for row in table.values() for year in row})
    items = Item.objects.filter(code__in=table)
    rows = [(item, [table[item.code].get(year) for year in years]) for item in items]
    reported = ReportedTotal.objects.prefetch_related("items__item")
    return render(
        request,
        "assistance/items.html",
        {"years": years, "rows": rows, "reported": reported},
    )


def country_page(request: HttpRequest, code: str) -> HttpResponse:
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise Http404(_("No country has the code %(code)s.") % {"code": code})
    # The country itself, not every name that contains its code's letters ("US" in "Russia").
    engagements = (
        engagement_queries.visible_to(request.user)
        .filter(
            pk__in=Engagement.countries.through.objects.filter(country=country).values("engagement")
        )
        .order_by("-start", "-id")
        .prefetch_related("countries", "organisations")[:200]
    )
    deliveries = queries.with_related(
        queries.deliveries_to_country(queries.visible_to(request.user), country.code)
    )
    return render(
        request,
        "assistance/country.html",
        {
            "country": country,
            "engagements": engagements,
            "deliveries": deliveries,
            "totals": queries.item_totals(deliveries),
            "documents": country_parts.documents(request.user, country),
            "commitments": country_parts.commitments(request.user, country),
        },
    )


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The ledger as listed, with HXL hashtags under the headers (CSV or XLSX)."""
    form = LedgerFilters(request.GET or None)
    deliveries = queries.visible_to(request.user)
    if form.is_bound:
        if not form.is_valid():
            return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
        deliveries = queries.filtered(
            deliveries, **{k: v for k, v in form.cleaned_data.items() if v}
        )
    ordered = queries.with_related(deliveries).order_by("latest", "date_precision", "pk")
    if fmt == "xlsx":
        response = HttpResponse(
            spreadsheets.export_xlsx(ordered),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(spreadsheets.export_csv(ordered), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="summitry-assistance.{fmt}"'
    return response
