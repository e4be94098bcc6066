"""Builders for commitments; every write goes through the services, as in production."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from summitry.commitments.models import Commitment, ProgressReport
from summitry.commitments.services import (
    CommitmentInput,
    SourceInput,
    add_progress_report,
    create_commitment,
)
from tests import factories


def commitment(
    made_on: dt.date = dt.date(2021, 11, 29),
    amount: Decimal | int | str | None = 1000,
    unit: str = "doses",
    kind: str = "vaccines",
    maker: str = "CN",
    **fields: Any,
) -> Commitment:
    data = CommitmentInput(
        made_on=made_on,
        text=fields.pop("text", "China would provide doses."),
        kind=kind,
        maker=factories.country(maker) if len(maker) == 2 else factories.organisation(maker),
        amount=None if amount is None else Decimal(amount),
        unit=unit if amount is not None else "",
        sources=fields.pop("sources", [SourceInput("seed 001")]),
        **fields,
    )
    return create_commitment(data)


def report(
    of: Commitment, on: dt.date, amount: Decimal | int | str | None, **fields: Any
) -> ProgressReport:
    return add_progress_report(
        of,
        on=on,
        amount=None if amount is None else Decimal(amount),
        source=fields.pop("source", "A report"),
        **fields,
    )
