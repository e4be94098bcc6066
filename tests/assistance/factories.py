"""Builders for the assistance ledger; every write goes through its services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from summitry.assistance.catalogue import ITEMS
from summitry.assistance.models import Delivery, Donor, Item
from summitry.assistance.services import (
    DeliveryInput,
    ItemInput,
    SourceInput,
    TeamInput,
    ensure_donor,
    record_delivery,
)

_serial = itertools.count(1)


def catalogue() -> None:
    """The item catalogue as its migration made it: a transactional test before this one
    (a live server, Janus) empties every table, reference data included."""
    for code, name, unit in ITEMS:
        Item.objects.get_or_create(code=code, defaults={"name": name, "unit": unit})


def donor(name: str = "Ministry of Commerce", kind: str = "government_body") -> Donor:
    return ensure_donor(name, kind, "CN")


def delivery(
    recipient: str = "RS",
    *,
    modality: str = "donation_in_kind",
    items: tuple[tuple[str, int | None], ...] = (("masks", 1000),),
    date: dt.date = dt.date(2020, 3, 21),
    date_precision: str = "day",
    stage: str = "handed_over",
    amount: Decimal | None = None,
    currency: str = "",
    by: Any = None,
    **extra: Any,
) -> Delivery:
    donor_name = extra.pop("donor", None) or donor().name
    if modality == "medical_team" and "team" not in extra:
        extra["team"] = TeamInput()
    return record_delivery(
        DeliveryInput(
            ref=extra.pop("ref", f"delivery-{next(_serial)}"),
            donor=donor_name,
            recipient=recipient,
            modality=modality,
            date=date,
            date_precision=date_precision,
            stage=stage,
            items=[ItemInput(code, quantity) for code, quantity in items],
            amount=amount,
            currency=currency,
            sources=[SourceInput("shared/seeds/002_415ee3b002599a03.txt")],
            **extra,
        ),
        by=by,
    )


def commitment(
    unit: str = "doses",
    amount: Decimal | None = Decimal(1_000_000_000),
    members_of: str | None = "AU",
    **fields: Any,
) -> Any:
    """A commitment as the commitments app stores it (its own services are not on this
    branch yet): the FOCAC pledge of vaccine doses to the African Union's members."""
    from summitry.commitments.models import Commitment
    from summitry.directory.models import Country, Organisation

    made = Commitment.objects.create(
        maker_country=Country.objects.get(code="CN"),
        made_on=fields.pop("made_on", dt.date(2021, 11, 29)),
        text=fields.pop("text", "China will provide another one billion doses of vaccines"),
        kind=fields.pop("kind", "vaccines"),
        amount=amount,
        unit=unit,
        **fields,
    )
    if members_of:
        made.beneficiary_members_of.add(Organisation.objects.get(acronym=members_of))
    return made
