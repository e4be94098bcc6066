"""Export engagements in open formats: JSON (re-importable), CSV and iCalendar (RFC 5545)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, TextIO

import icalendar
from django.conf import settings
from django.db.models import QuerySet

from summitry.engagements.importer import CSV_COLUMNS
from summitry.engagements.models import Engagement
from summitry.engagements.queries import with_related


def _when(engagement: Engagement, moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if not engagement.time_known:
        return moment.date().isoformat()
    return moment.astimezone(dt.UTC).isoformat()


def as_record(engagement: Engagement) -> dict[str, Any]:
    """The JSON form, the same that `summitry import` reads."""
    return {
        "ref": engagement.ref or f"summitry-{engagement.pk}",
        "title": engagement.title,
        "kind": engagement.kind,
        "status": engagement.status,
        "start": _when(engagement, engagement.start),
        "end": _when(engagement, engagement.end),
        "host_country": engagement.host_country.code if engagement.host_country else None,
        "host_organisation": (
            engagement.host_organisation.acronym if engagement.host_organisation else None
        ),
        "chair": engagement.chair.name if engagement.chair else None,
        "participants": [
            {
                "person": p.person.name,
                "role": p.role,
                "office": p.office.title if p.office else None,
                "country": p.country.code if p.country else None,
            }
            for p in engagement.participations.all()
        ],
        "countries": [c.code for c in engagement.countries.all()],
        "organisations": [o.acronym for o in engagement.organisations.all()],
        "topics": [t.name for t in engagement.topics.all()],
        "readout": engagement.readout,
        "sources": [
            {"citation": s.citation, "url": s.url, "note": s.note} for s in engagement.sources.all()
        ],
        "confidentiality": engagement.confidentiality,
    }


def write_json(out: TextIO, engagements: Iterable[Engagement]) -> int:
    records = [as_record(e) for e in engagements]
    # Participants' offices are derived on import, so the export's office is informative only.
    for record in records:
        for participant in record["participants"]:
            participant.pop("office")
    json.dump(records, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(records)


def write_csv(out: TextIO, engagements: Iterable[Engagement]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for engagement in engagements:
        record = as_record(engagement)
        record["participants"] = "; ".join(
            f"{p['person']} ({p['role']})" for p in record["participants"]
        )
        record["sources"] = "; ".join(s["url"] or s["citation"] for s in record["sources"])
        for name in ("countries", "organisations", "topics"):
            record[name] = "; ".join(record[name])
        writer.writerow({k: ("" if record[k] is None else record[k]) for k in CSV_COLUMNS})
        count += 1
    return count


def calendar(
    engagements: Iterable[Engagement], name: str = "Summitry engagements"
) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Summitry//Register of engagements//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    # UIDs stay stable when the site moves to another port.
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0] or "summitry"
    for engagement in engagements:
        if engagement.start is None:
            continue
        event = icalendar.Event()
        event.add("uid", f"engagement-{engagement.pk}@{host}")
        event.add("summary", engagement.title)
        event.add("dtstamp", engagement.updated_at)
        event.add("last-modified", engagement.updated_at)
        event.add("created", engagement.created_at)
        if engagement.time_known:
            event.add("dtstart", engagement.start.astimezone(dt.UTC))
            end = engagement.end or engagement.start + dt.timedelta(hours=1)
            event.add("dtend", end.astimezone(dt.UTC))
        else:
            # A date without an hour is an all-day event, as calendar clients expect.
            event.add("dtstart", engagement.start.date())
            last = (engagement.end or engagement.start).date()
            event.add("dtend", last + dt.timedelta(days=1))
        event.add(
            "status",
            {"cancelled": "CANCELLED", "proposed": "TENTATIVE"}.get(engagement.status, "CONFIRMED"),
        )
        event.add("categories", [engagement.get_kind_display()])
        event.add("class", "PUBLIC" if engagement.confidentiality == "public" else "CONFIDENTIAL")
        event.add("url", settings.SITE_URL + engagement.get_absolute_url())
        description = engagement.readout
        if description:
            event.add("description", description)
        cal.add_component(event)
    return cal


def write_ics(out: TextIO, engagements: Iterable[Engagement]) -> int:
    items = list(engagements)
    out.write(calendar(items).to_ical().decode("utf-8"))
    return sum(1 for e in items if e.start is not None)


WRITERS = {"json": write_json, "csv": write_csv, "ics": write_ics}


def export(
    out: TextIO, fmt: str, year: int | None = None, engagements: QuerySet[Engagement] | None = None
) -> int:
    selection = engagements if engagements is not None else Engagement.objects.all()
    if year is not None:
        selection = selection.filter(start__year=year)
    selection = with_related(selection).order_by("start", "id")
    return WRITERS[fmt](out, selection)
