"""The demo outcome documents: those the seed documents name, each citing its seed file.

Metadata only (kind, title, date, where adopted, parties the seeds name): the seeds quote none of
these texts, so no text is recorded. Two conferences the seeds name and the register lacks (COP26,
the 8th FOCAC Ministerial Conference) are added to the register first, through its importer.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from typing import Any

from django.db import transaction

from summitry.directory.models import Country, Organisation
from summitry.engagements.importer import import_text
from summitry.engagements.models import Engagement
from summitry.outcomes.models import OutcomeDocument, Party
from summitry.outcomes.services import DocumentInput, record_adopted

# The hour the register gives a date-only record (engagements.services.DATE_ONLY_HOUR).
DATE_ONLY_HOUR = 12


def _read(name: str) -> str:
    return importlib.resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def demo_documents() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(_read("documents.json"))
    return data


def _party(code: str) -> dict[str, Any]:
    country = Country.objects.filter(code=code).first()
    if country is not None:
        return {"country": country}
    return {"organisation": Organisation.objects.get(acronym=code)}


@transaction.atomic
def load_demo_documents() -> str:
    """Idempotent: a document already recorded under its title is left as it is."""
    import_text(_read("engagements.json"), "json")
    created = 0
    for record in demo_documents():
        if OutcomeDocument.objects.filter(title=record["title"]).exists():
            continue
        day = dt.date.fromisoformat(record["adopted_on"])
        document = record_adopted(
            DocumentInput(
                kind=record["kind"],
                title=record["title"],
                paragraphs=[],
                drafted_at=list(Engagement.objects.filter(ref__in=record["drafted_at"])),
                original_language=record["original_language"],
                authentic_languages=record["authentic_languages"],
            ),
            adopted_on=dt.datetime.combine(day, dt.time(DATE_ONLY_HOUR), tzinfo=dt.UTC),
            at=Engagement.objects.get(ref=record["adopted_at"]),
            sources=[
                (s["citation"], s.get("url", ""), s.get("note", "")) for s in record["sources"]
            ],
        )
        Party.objects.bulk_create(
            Party(
                document=document,
                action=p["action"],
                date=dt.date.fromisoformat(p["date"]),
                text=p.get("text", ""),
                **_party(p["party"]),
            )
            for p in record["parties"]
        )
        created += 1
    return f"Demo outcome documents: {created} added."
