"""The demo commitments: those the seed documents name, each citing its seed file. Progress only
where a seed gives it; nothing invented. Loading twice changes nothing (each has a ref)."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from decimal import Decimal
from typing import Any

from django.db import transaction

from summitry.commitments.models import Commitment
from summitry.commitments.services import (
    CommitmentInput,
    SourceInput,
    add_progress_report,
    create_commitment,
)
from summitry.directory.models import Country, Organisation, Person
from summitry.engagements.models import Engagement


def demo_commitments() -> list[dict[str, Any]]:
    text = importlib.resources.files(__name__).joinpath("commitments.json").read_text("utf-8")
    data: list[dict[str, Any]] = json.loads(text)
    return data


def _maker(code: str) -> Country | Organisation:
    if len(code) == 2 and code.isupper():
        return Country.objects.get(code=code)
    return Organisation.objects.get(acronym=code)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def load_demo() -> str:
    added = 0
    for item in demo_commitments():
        if Commitment.objects.filter(ref=item["ref"]).exists():
            continue
        made_on = dt.date.fromisoformat(item["made_on"])
        commitment = create_commitment(
            CommitmentInput(
                ref=item["ref"],
                made_on=made_on,
                text=item["text"],
                kind=item["kind"],
                maker=_maker(item["maker"]),
                person=Person.objects.get(name=item["person"]) if item.get("person") else None,
                engagement=Engagement.objects.get(ref=item["engagement"])
                if item.get("engagement")
                else None,
                amount=Decimal(item["amount"]) if item.get("amount") else None,
                unit=item.get("unit", ""),
                beneficiary_countries=list(
                    Country.objects.filter(code__in=item.get("beneficiary_countries", []))
                ),
                beneficiary_organisations=list(
                    Organisation.objects.filter(
                        acronym__in=item.get("beneficiary_organisations", [])
                    )
                ),
                beneficiary_members_of=list(
                    Organisation.objects.filter(acronym__in=item.get("beneficiary_members_of", []))
                ),
                beneficiary_group=item.get("beneficiary_group", ""),
                period=item.get("period", ""),
                due=_day(item.get("due")),
                conditions=item.get("conditions", ""),
                sources=[SourceInput(**s) for s in item["sources"]],
            )
        )
        for report in item.get("progress", []):
            add_progress_report(
                commitment,
                on=dt.date.fromisoformat(report["on"]),
                amount=Decimal(report["amount"]) if report.get("amount") else None,
                completes=report.get("completes", False),
                source=report["source"],
                note=report.get("note", ""),
            )
        added += 1
    return f"Demo data: {added} commitments added."
