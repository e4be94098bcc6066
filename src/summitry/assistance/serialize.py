"""A delivery as a plain record: the command line's JSON and CSV, and the HXL export."""

from __future__ import annotations

from typing import Any

from summitry.assistance.models import Delivery


def commitment_of(delivery: Delivery) -> Any:
    """The commitment the delivery is linked to (the first, where it is split), or None."""
    links = getattr(delivery, "commitment_links", None)
    if links is None:
        return None
    first = next(iter(links.all()), None)
    return first.commitment_id if first is not None else None


def delivery_record(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "ref": delivery.ref,
        "donor": delivery.donor.name,
        "recipient": delivery.recipient_code or None,
        "channel": delivery.channel,
        "channel_organisation": (
            delivery.channel_organisation.acronym if delivery.channel_organisation else None
        ),
        "modality": delivery.modality,
        "aid": delivery.is_aid,
        "date": delivery.date.isoformat(),
        "date_precision": delivery.date_precision,
        "stage": delivery.stage,
        "items": [
            {
                "item": entry.item.code,
                "quantity": entry.quantity,
                "unit": entry.item.unit,
                "product": entry.product or None,
            }
            for entry in delivery.items.all()
        ],
        "amount": f"{delivery.amount:f}" if delivery.amount is not None else None,
        "currency": delivery.currency or None,
        "usd": f"{delivery.usd:f}" if delivery.usd is not None else None,
        "usd_rate": f"{delivery.usd_rate:f}" if delivery.usd_rate is not None else None,
        "usd_rate_date": delivery.usd_rate_date.isoformat() if delivery.usd_rate_date else None,
        "engagement": delivery.engagement_id,
        "commitment": commitment_of(delivery),
        "sources": [
            {"citation": s.citation, "url": s.url or None, "quote": s.quote or None}
            for s in delivery.sources.all()
        ],
    }
