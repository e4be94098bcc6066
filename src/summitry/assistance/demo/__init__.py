"""The demo ledger: only what the seed documents say (each record cites its seed file)."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from decimal import Decimal
from typing import Any

from django.db import transaction

from summitry.assistance.models import Delivery
from summitry.assistance.services import (
    DeliveryInput,
    ItemInput,
    ReportedInput,
    SourceInput,
    TeamInput,
    ensure_donor,
    record_delivery,
    record_reported_total,
)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def demo_data() -> dict[str, Any]:
    text = importlib.resources.files(__name__).joinpath("assistance.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def delivery_input(row: dict[str, Any]) -> DeliveryInput:
    team = row.get("team")
    return DeliveryInput(
        ref=row["ref"],
        donor=row["donor"],
        recipient=row["recipient"],
        modality=row["modality"],
        date=dt.date.fromisoformat(row["date"]),
        date_precision=row.get("date_precision", "day"),
        period_start=_day(row.get("period_start")),
        channel=row.get("channel", "bilateral"),
        channel_organisation=row.get("channel_organisation", ""),
        stage=row.get("stage", "handed_over"),
        items=[
            ItemInput(i["item"], i.get("quantity"), i.get("product", ""))
            for i in row.get("items", [])
        ],
        amount=Decimal(row["amount"]) if row.get("amount") else None,
        currency=row.get("currency", ""),
        description=row.get("description", ""),
        sources=[SourceInput(**s) for s in row.get("sources", [])],
        team=TeamInput(
            size=team.get("size"),
            specialities=team.get("specialities", ""),
            start=_day(team.get("start")),
            end=_day(team.get("end")),
            host=team.get("host", ""),
        )
        if team is not None
        else None,
    )


@transaction.atomic
def load_demo() -> str:
    """Add the demo ledger; running it twice changes nothing."""
    data = demo_data()
    for donor in data["donors"]:
        ensure_donor(donor["name"], donor["kind"], donor["country"], donor.get("iati_ref", ""))
    added = 0
    for row in data["deliveries"]:
        if not Delivery.objects.filter(ref=row["ref"]).exists():
            record_delivery(delivery_input(row))
            added += 1
    donor_name = data["donors"][0]["name"]
    for row in data["reported_totals"]:
        record_reported_total(
            ReportedInput(
                ref=row["ref"],
                donor=row.get("donor", donor_name),
                reported_by=row["reported_by"],
                as_of=dt.date.fromisoformat(row["as_of"]),
                as_of_precision=row.get("as_of_precision", "day"),
                period_start=_day(row.get("period_start")),
                commercial=row.get("commercial", False),
                recipient_countries=row.get("recipient_countries"),
                recipient_organisations=row.get("recipient_organisations"),
                recipient_organisation=row.get("recipient_organisation", ""),
                usd=Decimal(row["usd"]) if row.get("usd") else None,
                items=[(code, quantity, hedge) for code, quantity, hedge in row["items"]],
                quote=row["quote"],
                citation=row["citation"],
            )
        )
    return (
        f"Demo assistance ledger: {added} deliveries added, "
        f"{len(data['reported_totals'])} reported totals kept."
    )
