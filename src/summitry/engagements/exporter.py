"""Export engagements in open formats: JSON (re-importable), CSV and iCalendar (RFC 5545)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

import icalendar
from django.conf import settings
from django.db.models import QuerySet

from summitry.directory.models import Office, Person
from summitry.engagements.importer import CSV_COLUMNS
from summitry.engagements.models import Engagement, EngagementText, Participation
from summitry.engagements.queries import with_related
from summitry.engagements.services import VERSION_PARTS, version_field
from summitry.engagements.spreadsheet import guard_cell

# Records read from the database at a time: memory stays flat however large the register.
CHUNK = 2000


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


def _named_people(engagements: Iterable[Engagement]) -> dict[int, set[int]]:
    """Everyone the records name (chairs and participants), with the offices set on them."""
    named: dict[int, set[int]] = {}
    if isinstance(engagements, QuerySet):
        # Read in the database: the records themselves are streamed afterwards.
        ids = engagements.order_by().values("pk")
        for chair in engagements.order_by().exclude(chair=None).values_list("chair_id", flat=True):
            named.setdefault(chair, set())
        for person, office in (
            Participation.objects.filter(engagement__in=ids)
            .values_list("person_id", "office_id")
            .iterator(chunk_size=CHUNK)
        ):
            offices = named.setdefault(person, set())
            if office is not None:
                offices.add(office)
        return named
    for engagement in engagements:
        if engagement.chair_id is not None:
            named.setdefault(engagement.chair_id, set())
        for p in engagement.participations.all():
            offices = named.setdefault(p.person_id, set())
            if p.office_id is not None:
                offices.add(p.office_id)
    return named


def _people(named: dict[int, set[int]]) -> dict[int, dict[str, Any]]:
    """The directory entries of everyone the records name, in the form the importer reads: an
    export must re-import where the directory holds only the reference data."""
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
            # Sorted: PostgreSQL's jsonb keeps keys in its own order, SQLite in the order written.
            "names": dict(sorted((person.names or {}).items())),
            "offices": held,
        }
    return entries


def _version_languages(engagements: Iterable[Engagement]) -> list[str]:
    if isinstance(engagements, QuerySet):
        # Asked of the database, so that the records themselves are read only once, streamed.
        found = EngagementText.objects.filter(engagement__in=engagements.order_by().values("pk"))
        return sorted(set(found.values_list("language", flat=True)))
    return sorted({t.language for e in engagements for t in e.texts.all()})


def _stream(engagements: Iterable[Engagement]) -> Iterator[Engagement]:
    """The records a chunk at a time (with their related rows), never all at once."""
    if isinstance(engagements, QuerySet):
        return engagements.iterator(chunk_size=CHUNK)
    return iter(engagements)


def _named(engagement: Engagement) -> list[int]:
    ids = [engagement.chair_id] if engagement.chair_id is not None else []
    return ids + [p.person_id for p in engagement.participations.all()]


class Tally:
    def __init__(self) -> None:
        self.count = 0


def _json_items(items: Iterable[dict[str, Any]], tally: Tally | None = None) -> Iterator[str]:
    """A list inside the top-level object, laid out as json.dump(..., indent=2) lays it out."""
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        yield ("[\n    " if first else ",\n    ") + text
        first = False
        if tally is not None:
            tally.count += 1
    yield "[]" if first else "\n  ]"


def json_chunks(engagements: Iterable[Engagement], tally: Tally | None = None) -> Iterator[str]:
    people = _people(_named_people(engagements))
    yield '{\n  "people": '
    yield from _json_items(people.values())
    yield ',\n  "engagements": '
    yield from _json_items((as_record(e) for e in _stream(engagements)), tally)
    yield "\n}\n"


def _json_cell(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


class _Line:
    """A file-like object that hands back what the csv module writes to it."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(engagements: Iterable[Engagement], tally: Tally | None = None) -> Iterator[str]:
    people = _people(_named_people(engagements))
    written: set[int] = set()
    # A title@<language> and a readout@<language> column for each language a version is in.
    languages = _version_languages(engagements)
    columns = [*CSV_COLUMNS, *(version_field(p, lang) for lang in languages for p in VERSION_PARTS)]
    writer = csv.DictWriter(_Line(), fieldnames=columns)
    yield writer.writeheader()
    for engagement in _stream(engagements):
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
        yield writer.writerow(
            {k: guard_cell("" if record.get(k) is None else str(record[k])) for k in columns}
        )
        if tally is not None:
            tally.count += 1


def _host() -> str:
    # UIDs stay stable when the site moves to another port.
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0] or "summitry"


def event(engagement: Engagement, host: str) -> icalendar.Event | None:
    if engagement.start is None:
        return None
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
    return event


def ics_chunks(
    engagements: Iterable[Engagement],
    tally: Tally | None = None,
    name: str = "Summitry engagements",
) -> Iterator[str]:
    """An iCalendar (RFC 5545) calendar, one event at a time."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Summitry//Register of engagements//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    shell = cal.to_ical().decode("utf-8")
    closing = "END:VCALENDAR\r\n"
    yield shell.removesuffix(closing)
    host = _host()
    for engagement in _stream(engagements):
        found = event(engagement, host)
        if found is not None:
            yield found.to_ical().decode("utf-8")
            if tally is not None:
                tally.count += 1
    yield closing


CHUNKS: dict[str, Callable[..., Iterator[str]]] = {
    "json": json_chunks,
    "csv": csv_chunks,
    "ics": ics_chunks,
}


def selection_for_export(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """What an export reads of each record, in the order it writes them."""
    selection = with_related(engagements).prefetch_related(
        "readers", "participations__organisation"
    )
    return selection.order_by("start", "id")


def write(out: TextIO, fmt: str, engagements: Iterable[Engagement]) -> int:
    """Writes as it reads; returns the number of records written (events, for iCalendar)."""
    tally = Tally()
    for chunk in CHUNKS[fmt](engagements, tally):
        out.write(chunk)
    return tally.count


def write_json(out: TextIO, engagements: Iterable[Engagement]) -> int:
    return write(out, "json", engagements)


def write_csv(out: TextIO, engagements: Iterable[Engagement]) -> int:
    return write(out, "csv", engagements)


def write_ics(out: TextIO, engagements: Iterable[Engagement]) -> int:
    return write(out, "ics", engagements)


def export(
    out: TextIO, fmt: str, year: int | None = None, engagements: QuerySet[Engagement] | None = None
) -> int:
    selection = engagements if engagements is not None else Engagement.objects.all()
    if year is not None:
        selection = selection.filter(start__year=year)
    return write(out, fmt, selection_for_export(selection))
