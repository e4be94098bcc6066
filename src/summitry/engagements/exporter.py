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

from summitry.directory.models import Office, Person
from summitry.engagements.importer import CSV_COLUMNS
from summitry.engagements.models import Engagement
from summitry.engagements.queries import with_related
from summitry.engagements.services import VERSION_PARTS, version_field
from summitry.engagements.spreadsheet import guard_cell


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
                "organisation": p.organisation.acronym if p.organisation else None,
            }
            for p in engagement.participations.all()
        ],
        "countries": [c.code for c in engagement.countries.all()],
        "organisations": [o.acronym for o in engagement.organisations.all()],
        "topics": [t.name for t in engagement.topics.all()],
        "readout": engagement.readout,
        "original_language": engagement.original_language,
        "versions": [
            {"language": t.language, "title": t.title, "readout": t.readout}
            for t in engagement.texts.all()
        ],
        "sources": [
            {"citation": s.citation, "url": s.url, "note": s.note} for s in engagement.sources.all()
        ],
        "confidentiality": engagement.confidentiality,
        "readers": sorted(u.username for u in engagement.readers.all()),
    }


def _people(engagements: list[Engagement]) -> dict[int, dict[str, Any]]:
    """The directory entries of everyone the records name, in the form the importer reads: an
    export must re-import where the directory holds only the reference data."""
    named: dict[int, set[int]] = {}
    for engagement in engagements:
        if engagement.chair_id is not None:
            named.setdefault(engagement.chair_id, set())
        for p in engagement.participations.all():
            offices = named.setdefault(p.person_id, set())
            if p.office_id is not None:
                offices.add(p.office_id)
    people = Person.objects.filter(pk__in=named).select_related("country")
    people = people.prefetch_related("terms__office__country", "terms__office__organisation")
    entries: dict[int, dict[str, Any]] = {}
    for person in people.order_by("name"):

        def office(o: Office) -> dict[str, Any]:
            return {
                "title": o.title,
                "country": o.country.code if o.country else None,
                "organisation": o.organisation.acronym if o.organisation else None,
            }

        terms = list(person.terms.all())
        held = [
            {**office(t.office), "start": t.start.isoformat(), "end": t.end and t.end.isoformat()}
            for t in terms
        ]
        # An office set on a participation by hand, without a term in the directory.
        extra = named[person.pk] - {t.office_id for t in terms}
        held += [
            {**office(o), "start": None, "end": None}
            for o in Office.objects.filter(pk__in=extra).select_related("country", "organisation")
        ]
        entries[person.pk] = {
            "name": person.name,
            "country": person.country.code if person.country else None,
            "time_zone": person.time_zone,
            "names": person.names,
            "offices": held,
        }
    return entries


def _named(engagement: Engagement) -> list[int]:
    ids = [engagement.chair_id] if engagement.chair_id is not None else []
    return ids + [p.person_id for p in engagement.participations.all()]


def write_json(out: TextIO, engagements: Iterable[Engagement]) -> int:
    items = list(engagements)
    document = {
        "people": list(_people(items).values()),
        "engagements": [as_record(e) for e in items],
    }
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(items)


def _json_cell(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


def write_csv(out: TextIO, engagements: Iterable[Engagement]) -> int:
    items = list(engagements)
    people = _people(items)
    written: set[int] = set()
    # A title@<language> and a readout@<language> column for each language a version is in.
    languages = sorted({t.language for e in items for t in e.texts.all()})
    columns = [*CSV_COLUMNS, *(version_field(p, lang) for lang in languages for p in VERSION_PARTS)]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for engagement in items:
        record = as_record(engagement)
        for version in record.pop("versions"):
            for part in VERSION_PARTS:
                record[version_field(part, version["language"])] = version[part]
        # Participants and sources are JSON lists: a citation, a note or a title may hold ';'.
        record["participants"] = _json_cell(record["participants"])
        record["sources"] = _json_cell(record["sources"])
        # Each person's directory entry goes with the first row that names them.
        new = [pk for pk in dict.fromkeys(_named(engagement)) if pk not in written]
        written.update(new)
        record["people"] = _json_cell([people[pk] for pk in new])
        for name in ("countries", "organisations", "topics", "readers"):
            plain = not any(";" in item or item.startswith("[") for item in record[name])
            record[name] = "; ".join(record[name]) if plain else _json_cell(record[name])
        writer.writerow(
            {k: guard_cell("" if record.get(k) is None else str(record[k])) for k in columns}
        )
    return len(items)


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
    selection = with_related(selection).prefetch_related("readers", "participations__organisation")
    selection = selection.order_by("start", "id")
    return WRITERS[fmt](out, selection)
