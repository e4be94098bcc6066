"""Read-side selectors of the ledger, each starting from the access rule `visible_to`.

Counting rules kept in one place: commercial sales are never aid (`aid`); a pledged delivery is
not yet delivered (`delivered`); a delivery counts in the year of the latest day its date stands
for (`in_year`), so "by 12 April 2020" counts in 2020 and "March 2020" sorts after 15 March."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from summitry.assistance.models import (
    AID_MODALITIES,
    Delivery,
    DeliveryItem,
    Item,
    Modality,
    ReportedTotal,
    Stage,
)
from summitry.engagements.queries import visible_engagement

DELIVERED_STAGES = (Stage.SHIPPED, Stage.ARRIVED, Stage.HANDED_OVER)


def visible_to(user: Any) -> QuerySet[Delivery]:
    """The access rule: a delivery is seen by whoever may see the engagement where it was
    announced or handed over; one with no engagement is public, as the ledger is."""
    return Delivery.objects.filter(Q(engagement__isnull=True) | Q(visible_engagement(user)))


def reported_visible_to(user: Any) -> QuerySet[ReportedTotal]:
    # Reported totals are quoted from published sources: public.
    return ReportedTotal.objects.all()


def aid(deliveries: QuerySet[Delivery]) -> QuerySet[Delivery]:
    return deliveries.filter(modality__in=AID_MODALITIES)


def delivered(deliveries: QuerySet[Delivery]) -> QuerySet[Delivery]:
    return deliveries.filter(stage__in=DELIVERED_STAGES)


def in_year(deliveries: QuerySet[Delivery], year: int) -> QuerySet[Delivery]:
    return deliveries.filter(latest__year=year)


def with_related(deliveries: QuerySet[Delivery]) -> QuerySet[Delivery]:
    return deliveries.select_related(
        "donor", "recipient_country", "recipient_organisation", "channel_organisation",
        "engagement", "medical_team__host",
    ).prefetch_related("items__item", "sources", "commitment_links")  # fmt: skip


def filtered(
    deliveries: QuerySet[Delivery],
    *,
    year: int | None = None,
    recipient: str | None = None,
    donor: str | None = None,
    modality: str | None = None,
    channel: str | None = None,
    item: str | None = None,
    stage: str | None = None,
) -> QuerySet[Delivery]:
    if year:
        deliveries = in_year(deliveries, year)
    if recipient:
        deliveries = deliveries.filter(
            Q(recipient_country__code__iexact=recipient)
            | Q(recipient_organisation__acronym__iexact=recipient)
        )
    if donor:
        deliveries = deliveries.filter(donor__name=donor)
    if modality:
        deliveries = deliveries.filter(modality=modality)
    if channel:
        deliveries = deliveries.filter(channel=channel)
    if item:
        deliveries = deliveries.filter(
            pk__in=DeliveryItem.objects.filter(item__code=item).values("delivery")
        )
    if stage:
        deliveries = deliveries.filter(stage=stage)
    return deliveries


@dataclass(frozen=True)
class ItemTotal:
    item: Item
    quantity: int
    deliveries: int


def item_totals(deliveries: QuerySet[Delivery]) -> list[ItemTotal]:
    """Quantities delivered as aid, per item: the recorded sum (reported totals stay apart)."""
    rows = (
        DeliveryItem.objects.filter(delivery__in=delivered(aid(deliveries)), quantity__isnull=False)
        .values("item")
        .annotate(quantity=Sum("quantity"), deliveries=Count("delivery"))
        .order_by("item")
    )
    items = Item.objects.in_bulk([row["item"] for row in rows])
    return sorted(
        (ItemTotal(items[r["item"]], int(r["quantity"]), int(r["deliveries"])) for r in rows),
        key=lambda t: t.item.name,
    )


def items_by_year(deliveries: QuerySet[Delivery]) -> dict[str, dict[int, int]]:
    """Aid delivered per item code and year (the year of each delivery's latest day)."""
    rows = (
        DeliveryItem.objects.filter(delivery__in=delivered(aid(deliveries)), quantity__isnull=False)
        .annotate(year=ExtractYear("delivery__latest"))
        .values("item__code", "year")
        .annotate(quantity=Sum("quantity"))
        .order_by("item__code", "year")
    )
    table: dict[str, dict[int, int]] = defaultdict(dict)
    for row in rows:
        table[row["item__code"]][int(row["year"])] = int(row["quantity"])
    return dict(table)


def usd_total(deliveries: QuerySet[Delivery]) -> Decimal:
    value = delivered(aid(deliveries)).aggregate(total=Sum("usd"))["total"]
    return Decimal(value or 0)


def by_recipient_country(
    deliveries: QuerySet[Delivery], *, item: str | None = None
) -> dict[str, int]:
    """Per recipient country (ISO numeric, as the map wants): US dollars of aid delivered, or
    the quantity of one item."""
    aid_delivered = delivered(aid(deliveries)).filter(recipient_country__isnull=False)
    if item:
        rows = (
            DeliveryItem.objects.filter(
                delivery__in=aid_delivered, item__code=item, quantity__isnull=False
            )
            .values("delivery__recipient_country__numeric")
            .annotate(value=Sum("quantity"))
        )
        return {r["delivery__recipient_country__numeric"]: int(r["value"]) for r in rows}
    money = aid_delivered.values("recipient_country__numeric").annotate(value=Sum("usd")).order_by()
    return {r["recipient_country__numeric"]: int(r["value"] or 0) for r in money}


def deliveries_to_country(deliveries: QuerySet[Delivery], code: str) -> QuerySet[Delivery]:
    return deliveries.filter(Q(recipient_country__code=code) | Q(medical_team__host__code=code))


def is_aid(modality: str) -> bool:
    return modality != Modality.COMMERCIAL


def deliveries_by_country(deliveries: QuerySet[Delivery]) -> dict[str, int]:
    """Aid deliveries (delivered) per recipient country, by ISO numeric code."""
    rows = (
        delivered(aid(deliveries))
        .filter(recipient_country__isnull=False)
        .values("recipient_country__numeric")
        .annotate(value=Count("id"))
        .order_by()
    )
    return {r["recipient_country__numeric"]: int(r["value"]) for r in rows}
