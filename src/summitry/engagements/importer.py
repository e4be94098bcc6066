"""Import engagements from CSV or JSON: all or nothing, every problem named by line and field.

The JSON form is a list of objects, the same as `summitry export --format json` writes, so that an
export can be imported elsewhere. The CSV form has one engagement a row; lists inside a cell are
separated by semicolons, and a participant is written `Name (role)`. Versions of the title and
readout in other languages are `versions` in JSON and `title@<language>`/`readout@<language>`
columns in CSV; `original_language` names the language of `title` and `readout`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from summitry.directory.languages import language_problem, normalise
from summitry.directory.models import Office, Person, Term
from summitry.directory.queries import offices_held
from summitry.directory.services import clean_names, names_problem
from summitry.engagements.links import is_web_url
from summitry.engagements.lookups import Resolver as _Resolver
from summitry.engagements.lookups import parse_when as _parse_when
from summitry.engagements.models import Engagement, Role
from summitry.engagements.services import (
    VERSION_PARTS,
    EngagementInput,
    ParticipantInput,
    SourceInput,
    TextInput,
    create_engagement,
    input_from,
    update_engagement,
    validate,
)
from summitry.engagements.spreadsheet import unguard_cell

CSV_COLUMNS = (
    "ref", "title", "kind", "status", "start", "end", "host_country", "host_organisation",
    "chair", "participants", "countries", "organisations", "topics", "readout", "sources",
    "confidentiality", "readers", "people",
    "original_language",
)  # fmt: skip
# Beside CSV_COLUMNS, a CSV file may have title@<language> and readout@<language> columns.
VERSION_COLUMN = re.compile(r"^(?P<part>title|readout)@(?P<language>.+)$")
REQUIRED = ("title", "kind")
PARTICIPANT_IN_CSV = re.compile(r"^(?P<name>.+?)\s*(?:\((?P<role>[a-z_]+)\))?$")
REF = re.compile(r"[-a-zA-Z0-9_]{1,120}")
# The columns of Source, Person and Office: longer values are refused by PostgreSQL.
SOURCE_LIMITS = {"citation": 300, "url": 500, "note": 300}
PERSON_NAME_LIMIT = OFFICE_TITLE_LIMIT = 200


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return _("line %(line)s, field '%(field)s': %(message)s") % {
                "line": self.line,
                "field": self.field,
                "message": self.message,
            }
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    engagements: list[Engagement] = field(default_factory=list)


@dataclass
class Row:
    line: int
    values: Mapping[str, Any]


@dataclass
class Batch:
    """What a file holds: engagements, and the people they refer to (each with its line)."""

    rows: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _decode(decoder: json.JSONDecoder, text: str, index: int) -> tuple[Any, int]:
    try:
        value, end = decoder.raw_decode(text, index)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            [Problem(error.lineno, "", _("invalid JSON: %(error)s") % {"error": error.msg})]
        ) from None
    except RecursionError:
        raise ImportFailed(
            [Problem(_line_at(text, index), "", _("the JSON is nested too deeply"))]
        ) from None
    return value, end


def _json_list(decoder: json.JSONDecoder, text: str, index: int) -> tuple[list[Row], int]:
    """The items of the list opening at `index`, each with the line it starts on."""
    items: list[Row] = []
    index += 1
    # Lines counted as the list is walked: counting from the start for each item is quadratic.
    counted, line = index, _line_at(text, index)
    while True:
        index = _skip_space(text, index)
        if index >= len(text):
            raise ImportFailed(
                [Problem(_line_at(text, index), "", _("the JSON list is not closed"))]
            )
        if text[index] == "]":
            return items, index + 1
        if items:
            if text[index] != ",":
                line = _line_at(text, index)
                raise ImportFailed([Problem(line, "", _("invalid JSON: expected ',' or ']'"))])
            index = _skip_space(text, index + 1)
        line += text.count("\n", counted, index)
        counted = index
        value, index = _decode(decoder, text, index)
        if not isinstance(value, dict):
            raise ImportFailed([Problem(line, "", _("each item must be a JSON object"))])
        items.append(Row(line, value))


def _json_batch(text: str) -> Batch:
    """A list of engagements, or an object with `people` and `engagements` lists (the export).

    The json module keeps no positions, so the lists are walked here item by item."""
    decoder = json.JSONDecoder()
    expected = _("expected a JSON list of engagements, or an object with people and engagements")
    index = _skip_space(text, 0)
    batch = Batch()
    if text.startswith("[", index):
        batch.rows, index = _json_list(decoder, text, index)
    elif text.startswith("{", index):
        index += 1
        first = True
        while True:
            index = _skip_space(text, index)
            if text.startswith("}", index):
                index += 1
                break
            if not first:
                if not text.startswith(",", index):
                    line = _line_at(text, index)
                    raise ImportFailed([Problem(line, "", _("invalid JSON: expected ',' or '}'"))])
                index = _skip_space(text, index + 1)
            first = False
            line = _line_at(text, index)
            key, index = _decode(decoder, text, index)
            index = _skip_space(text, index)
            if not isinstance(key, str) or not text.startswith(":", index):
                raise ImportFailed([Problem(line, "", _("invalid JSON: expected a key and ':'"))])
            index = _skip_space(text, index + 1)
            if key not in ("engagements", "people"):
                raise ImportFailed(
                    [Problem(line, key, _("unknown key; known: engagements, people"))]
                )
            if not text.startswith("[", index):
                raise ImportFailed([Problem(line, key, _("expected a list"))])
            items, index = _json_list(decoder, text, index)
            if key == "engagements":
                batch.rows = items
            else:
                batch.people = items
    else:
        raise ImportFailed([Problem(_line_at(text, index), "", expected)])
    if text[index:].strip():
        line = _line_at(text, _skip_space(text, index))
        raise ImportFailed([Problem(line, "", _("unexpected text after the JSON"))])
    for row in batch.rows:
        # People may also travel with a record, as in a CSV row.
        people = row.values.get("people")
        if people is not None:
            if not isinstance(people, list) or not all(isinstance(p, dict) for p in people):
                raise ImportFailed([Problem(row.line, "people", _("expected a list of objects"))])
            batch.people += [Row(row.line, p) for p in people]
            row.values = {k: v for k, v in row.values.items() if k != "people"}
    return batch


def _split(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


# A quoted cell opens at the start of a line or after a comma; inside it, "" is a quote.
_CELL_OPENS_QUOTE = re.compile(r'(?:^|(?<=,))"', re.MULTILINE)
_QUOTED_CELL_REST = re.compile(r'(?:[^"]++|"")*+"')


def _unclosed_quote_line(text: str) -> int | None:
    """The line where a quoted cell opens and never closes (the csv module reads on to the end)."""
    index = 0
    while (opening := _CELL_OPENS_QUOTE.search(text, index)) is not None:
        rest = _QUOTED_CELL_REST.match(text, opening.end())
        if rest is None:
            return _line_at(text, opening.start())
        index = rest.end()
    return None


def _csv_list(cell: str, line: int, name: str) -> list[Any] | None:
    """A cell holding a JSON list (as the export writes participants, sources and people)."""
    if not cell.startswith("["):
        return None
    try:
        value = json.loads(cell)
    except (json.JSONDecodeError, RecursionError):
        message = _("the cell starts with '[' but is not a JSON list")
        raise ImportFailed([Problem(line, name, message)]) from None
    if not isinstance(value, list):
        raise ImportFailed([Problem(line, name, _("expected a JSON list"))])
    return value


def _csv_batch(text: str) -> Batch:
    opened = _unclosed_quote_line(text)
    if opened is not None:
        raise ImportFailed([Problem(opened, "", _("a quoted cell opens here and is never closed"))])
    reader = csv.reader(io.StringIO(text))
    header = [unguard_cell(name).strip() for name in next(reader, [])]
    versioned = {name: VERSION_COLUMN.match(name) for name in header}
    unknown = [name for name in header if name not in CSV_COLUMNS and not versioned[name]]
    missing = [name for name in REQUIRED if name not in header]
    problems = [
        Problem(
            1,
            name,
            _("unknown column; known: %(columns)s, title@<language>, readout@<language>")
            % {"columns": ", ".join(CSV_COLUMNS)},
        )
        for name in unknown
    ]
    problems += [Problem(1, name, _("required column is missing")) for name in missing]
    languages: dict[str, str] = {}
    for name, match in versioned.items():
        if match is None:
            continue
        if problem := language_problem(match["language"]):
            problems.append(Problem(1, name, problem))
        else:
            languages.setdefault(normalise(match["language"]), match["language"])
    if len(set(header)) < len(header):
        twice = sorted({name for name in header if header.count(name) > 1})
        problems += [Problem(1, name, _("the column is given twice")) for name in twice]
    if problems:
        raise ImportFailed(problems)
    batch = Batch()
    previous_end = reader.line_num
    for cells in reader:
        # A row may span lines (a readout with line breaks): name the line it starts on.
        line, previous_end = previous_end + 1, reader.line_num
        if not cells:
            continue
        if len(cells) > len(header):
            raise ImportFailed([Problem(line, "", _("more cells than columns"))])
        values: dict[str, Any] = {
            name: unguard_cell(cell) for name, cell in zip(header, cells, strict=False)
        }
        # A readout keeps its layout; other cells lose the spaces around them.
        values.update({k: v.strip() for k, v in values.items() if not k.startswith("readout")})
        if languages:
            # A file with version columns gives each row's versions in full: empty cells, none.
            versions = []
            for language, given in languages.items():
                parts = {part: values.pop(f"{part}@{given}", "") for part in VERSION_PARTS}
                if any(parts.values()):
                    versions.append({"language": language, **parts})
            values["versions"] = versions
        for name in ("countries", "organisations", "topics", "readers"):
            if name in values:
                listed = _csv_list(values[name], line, name)
                values[name] = _split(values[name]) if listed is None else listed
        participants = _csv_list(values.get("participants", ""), line, "participants")
        if participants is None:
            participants = []
            for item in _split(values.get("participants", "")):
                match = PARTICIPANT_IN_CSV.match(item)
                assert match is not None
                entry = {"person": match["name"]}
                if match["role"]:
                    entry["role"] = match["role"]
                participants.append(entry)
        values["participants"] = participants
        sources = _csv_list(values.get("sources", ""), line, "sources")
        if sources is None:
            sources = [
                {"citation": item, "url": item if item.startswith(("http://", "https://")) else ""}
                for item in _split(values.get("sources", ""))
            ]
        values["sources"] = sources
        cell = values.pop("people", "")
        people = _csv_list(cell, line, "people")
        if people is None and cell:
            raise ImportFailed([Problem(line, "people", _("expected a JSON list of people"))])
        for entry in people or []:
            if not isinstance(entry, dict):
                raise ImportFailed(
                    [Problem(line, "people", _("each person must be a JSON object"))]
                )
            batch.people.append(Row(line, entry))
        batch.rows.append(Row(line, values))
    return batch


def _parse_day(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(
            _("%(name)s: expected a date as YYYY-MM-DD, got %(value)s")
            % {"name": name, "value": repr(value)}
        )
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(
            _("%(name)s: %(value)s is not a valid date (%(error)s)")
            % {"name": name, "value": repr(value), "error": error}
        ) from None


def _to_input(row: Row, resolver: _Resolver) -> tuple[EngagementInput | None, list[Problem]]:
    problems: list[Problem] = []
    values = row.values

    def problem(name: str, message: str) -> None:
        problems.append(Problem(row.line, name, message))

    def text(name: str) -> str:
        value = values.get(name) or ""
        if not isinstance(value, str):
            problem(name, _("expected text"))
            return ""
        return value

    def listed(name: str) -> list[Any]:
        value = values.get(name) or []
        if not isinstance(value, list):
            problem(name, _("expected a list"))
            return []
        return value

    known = set(CSV_COLUMNS) | {"time_known", "id", "url", "versions"}
    for name in values:
        if name not in known:
            problem(
                name, _("unknown field; known: %(fields)s") % {"fields": ", ".join(CSV_COLUMNS)}
            )
        elif any("\x00" in item for item in _strings(values[name])):
            problem(name, _("contains a NUL character, which cannot be stored"))
    for name in REQUIRED:
        if not text(name).strip():
            problem(name, _("is required"))

    start = end = None
    time_known = True
    for name in ("start", "end"):
        try:
            moment, exact = _parse_when(values.get(name))
        except ValueError as error:
            problem(name, str(error))
            continue
        if name == "start":
            start, time_known = moment, exact
        else:
            end = moment

    def resolve(name: str, kind: str, value: str) -> Any:
        try:
            return getattr(resolver, kind)(value)
        except LookupError as error:
            problem(name, str(error))
            return None

    host_country = (
        resolve("host_country", "country", text("host_country")) if text("host_country") else None
    )
    host_org = (
        resolve("host_organisation", "organisation", text("host_organisation"))
        if text("host_organisation")
        else None
    )
    chair = resolve("chair", "person", text("chair")) if text("chair") else None
    countries = [resolve("countries", "country", str(v)) for v in listed("countries")]
    organisations = [
        resolve("organisations", "organisation", str(v)) for v in listed("organisations")
    ]
    participants = []
    for entry in listed("participants"):
        if not isinstance(entry, dict) or not entry.get("person"):
            problem("participants", _("each participant needs a person"))
            continue
        person = resolve("participants", "person", str(entry["person"]))
        role = str(entry.get("role") or Role.HEAD_OF_DELEGATION)
        office = (
            resolve("participants", "office", str(entry["office"])) if entry.get("office") else None
        )
        country = (
            resolve("participants", "country", str(entry["country"]))
            if entry.get("country")
            else None
        )
        organisation = (
            resolve("participants", "organisation", str(entry["organisation"]))
            if entry.get("organisation")
            else None
        )
        if person is not None:
            participants.append(
                ParticipantInput(
                    person=person,
                    role=role,
                    office=office,
                    country=country,
                    organisation=organisation,
                )
            )
    sources = []
    for entry in listed("sources"):
        if isinstance(entry, str):
            entry = {"citation": entry}
        if not isinstance(entry, dict):
            problem("sources", _("each source is a citation or an object with a citation"))
            continue
        source = SourceInput(
            citation=str(entry.get("citation") or entry.get("url") or ""),
            url=str(entry.get("url") or "").strip(),
            note=str(entry.get("note") or ""),
        )
        if len(source.citation) > SOURCE_LIMITS["citation"]:
            problem(
                "sources",
                _("a source's citation is longer than %(limit)s characters")
                % {"limit": SOURCE_LIMITS["citation"]},
            )
        if len(source.note) > SOURCE_LIMITS["note"]:
            problem(
                "sources",
                _("a source's note is longer than %(limit)s characters")
                % {"limit": SOURCE_LIMITS["note"]},
            )
        if len(source.url) > SOURCE_LIMITS["url"]:
            problem(
                "sources",
                _("a source's url is longer than %(limit)s characters")
                % {"limit": SOURCE_LIMITS["url"]},
            )
        if source.url and not is_web_url(source.url):
            problem(
                "sources",
                _("%(url)s is not an http or https address") % {"url": repr(source.url[:60])},
            )
        sources.append(source)
    readers: list[Any] = []
    if values.get("readers") is not None:
        try:
            readers = resolver.readers(listed("readers"))
        except LookupError as error:
            problem("readers", str(error))
    versions: list[TextInput] | None = None
    if values.get("versions") is not None:
        versions = []
        for entry in listed("versions"):
            parts = (
                {k: entry.get(k) or "" for k in ("language", *VERSION_PARTS)}
                if isinstance(entry, dict)
                else {}
            )
            if not parts or not all(isinstance(v, str) for v in parts.values()):
                problem(
                    "versions", _("each version is an object with a language, title and readout")
                )
                continue
            versions.append(TextInput(parts["language"], parts["title"], parts["readout"]))
    ref = text("ref").strip() or None
    if ref is not None and not REF.fullmatch(ref):
        problem("ref", _("use letters, digits, hyphens and underscores (at most 120)"))
    data = EngagementInput(
        title=text("title"),
        kind=text("kind"),
        status=text("status") or "held",
        start=start,
        end=end,
        time_known=time_known,
        host_country=host_country,
        host_organisation=host_org,
        chair=chair,
        countries=[c for c in countries if c is not None],
        organisations=[o for o in organisations if o is not None],
        topics=[str(t) for t in listed("topics")],
        readout=text("readout"),
        confidentiality=text("confidentiality") or "public",
        participants=participants,
        sources=sources,
        ref=ref,
        readers=readers,
        original_language=text("original_language").strip() or None,
        versions=versions,
    )
    if problems:
        # Report what else is wrong on the line too, except what follows from the parse errors.
        failed = {p.field for p in problems}
        for name, messages in validate(data).items():
            if name not in failed:
                problems += [Problem(row.line, name, m) for m in messages]
        return None, problems
    return data, problems


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed value (walked without recursion: the JSON may nest deeply)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _participations(data: EngagementInput) -> list[tuple[Any, ...]]:
    """Participants as the services store them (office on the day, country unless speaking for
    an organisation), so that an unchanged record compares equal to its own export."""
    day = data.start.date() if data.start else None
    rows = []
    for p in data.participants:
        office = p.office
        if office is None and day is not None:
            held = offices_held(p.person, day)
            office = held[0] if held else None
        country = p.country or (None if p.organisation else p.person.country)
        rows.append(
            (
                p.person.pk,
                p.role,
                office.pk if office else None,
                country.pk if country else None,
                p.organisation.pk if p.organisation else None,
            )
        )
    return rows


def _comparable(data: EngagementInput) -> tuple[Any, ...]:
    return (
        data.title, data.kind, data.status, data.start, data.end, data.time_known,
        data.host_country, data.host_organisation, data.chair, sorted(c.pk for c in data.countries),
        sorted(o.pk for o in data.organisations), sorted(data.topics), data.readout,
        data.confidentiality, _participations(data),
        [(s.citation, s.url, s.note) for s in data.sources],
        sorted(u.pk for u in data.readers or ()), data.original_language,
        sorted((normalise(v.language), v.title.strip(), v.readout) for v in data.versions or ()),
    )  # fmt: skip


def _add_people(entries: list[Row], resolver: _Resolver) -> list[Problem]:
    """Create the people a file brings that the directory does not know, with their offices and
    terms; people already in the directory are matched by name and left as they are."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for row in entries:
        values = row.values

        def problem(message: str, row: Row = row) -> None:
            problems.append(Problem(row.line, "people", message))

        given = values.get("name")
        if not isinstance(given, str) or not given.strip():
            problem(_("each person needs a name"))
            continue
        name: str = given.strip()
        if any("\x00" in item for item in _strings(values)):
            problem(
                _("%(name)s: contains a NUL character, which cannot be stored")
                % {"name": repr(name[:40])}
            )
            continue
        if name.casefold() in seen or name.casefold() in resolver.people:
            seen.add(name.casefold())
            continue
        seen.add(name.casefold())
        before = len(problems)
        if len(name) > PERSON_NAME_LIMIT:
            problem(
                _("%(name)s…: a name is at most %(limit)s characters")
                % {"name": repr(name[:40]), "limit": PERSON_NAME_LIMIT}
            )
        names = values.get("names") or {}
        if wrong := names_problem(names, PERSON_NAME_LIMIT):
            problem(f"{name}: {wrong}")
            names = {}
        zone = values.get("time_zone") or ""
        if zone and (not isinstance(zone, str) or zone not in zoneinfo.available_timezones()):
            problem(_("%(name)s: unknown time zone %(zone)s") % {"name": name, "zone": repr(zone)})

        def lookup(kind: str, value: Any, name: str = name) -> Any:
            if not value:
                return None
            try:
                return getattr(resolver, kind)(str(value))
            except LookupError as error:
                problem(f"{name}: {error}")
                return None

        country = lookup("country", values.get("country"))
        offices = values.get("offices") or []
        if not isinstance(offices, list) or not all(isinstance(o, dict) for o in offices):
            problem(_("%(name)s: offices must be a list of objects") % {"name": name})
            offices = []
        terms: list[tuple[Office, dt.date, dt.date | None]] = []
        for held in offices:
            title = held.get("title")
            if not isinstance(title, str) or not title.strip():
                problem(_("%(name)s: each office needs a title") % {"name": name})
                continue
            title = title.strip()
            if len(title) > OFFICE_TITLE_LIMIT:
                problem(
                    _("%(name)s: an office title is at most %(limit)s characters")
                    % {"name": name, "limit": OFFICE_TITLE_LIMIT}
                )
                continue
            try:
                start = _parse_day(held.get("start"), "start")
                end = _parse_day(held.get("end"), "end")
            except ValueError as error:
                problem(f"{name}, {title}: {error}")
                continue
            if end is not None and (start is None or end <= start):
                problem(
                    _("%(name)s, %(office)s: a term ends after it starts")
                    % {"name": name, "office": title}
                )
                continue
            office = resolver.offices.get(title.casefold())
            if office is None:
                office_country = lookup("country", held.get("country"))
                organisation = lookup("organisation", held.get("organisation"))
                office = Office.objects.create(
                    title=title, country=office_country, organisation=organisation
                )
                resolver.offices[title.casefold()] = office
            if start is not None:
                terms.append((office, start, end))
        if len(problems) > before:
            continue
        person = Person.objects.create(
            name=name,
            country=country,
            time_zone=zone if isinstance(zone, str) else "",
            names=clean_names(names),
        )
        Term.objects.bulk_create(
            {(o.pk, s): Term(person=person, office=o, start=s, end=e) for o, s, e in terms}.values()
        )
        resolver.people[name.casefold()] = person
    return problems


def import_rows(
    rows: list[Row], dry_run: bool = False, by: Any = None, people: list[Row] | None = None
) -> ImportResult:
    """All or nothing: the people first, then every engagement, in one transaction."""
    with transaction.atomic():
        result = _import(rows, people or [], by)
        if dry_run:
            transaction.set_rollback(True)
            result.engagements = []
    return result


def _import(rows: list[Row], people: list[Row], by: Any) -> ImportResult:
    resolver = _Resolver()
    problems = _add_people(people, resolver)
    prepared: list[tuple[Row, EngagementInput]] = []
    seen_refs: dict[str, int] = {}
    refs = [r.values.get("ref") for r in rows]
    existing = {
        e.ref: e
        for e in Engagement.objects.filter(
            ref__in=[r.strip() for r in refs if isinstance(r, str) and REF.fullmatch(r.strip())]
        )
    }
    for row in rows:
        data, row_problems = _to_input(row, resolver)
        problems += row_problems
        if data is None:
            continue
        if data.ref:
            if data.ref in seen_refs:
                problems.append(
                    Problem(
                        row.line,
                        "ref",
                        f"{data.ref!r} is already used on line {seen_refs[data.ref]}",
                    )
                )
            seen_refs[data.ref] = row.line
        current = existing.get(data.ref) if data.ref else None
        if current is not None and row.values.get("readers") is None:
            # A file that does not name readers keeps those of the record it updates.
            data.readers = list(current.readers.all())
        if current is not None:
            # A file that does not say keeps the record's original language and versions.
            if data.original_language is None:
                data.original_language = current.original_language
            if data.versions is None:
                data.versions = [
                    TextInput(t.language, t.title, t.readout) for t in current.texts.all()
                ]
        for name, messages in validate(data, current.status if current else None).items():
            problems += [Problem(row.line, name, m) for m in messages]
        prepared.append((row, data))
    if problems:
        raise ImportFailed(problems)
    result = ImportResult()
    for _row, data in prepared:
        current = existing.get(data.ref) if data.ref else None
        if current is None:
            result.created += 1
            result.engagements.append(create_engagement(data, by))
        elif _comparable(input_from(current)) == _comparable(data):
            result.unchanged += 1
        else:
            result.updated += 1
            result.engagements.append(update_engagement(current, data, by))
    return result


def read_batch(text: str, fmt: str) -> Batch:
    if fmt == "json":
        return _json_batch(text)
    if fmt == "csv":
        return _csv_batch(text)
    raise ImportFailed(
        [Problem(1, "", _("unknown format %(format)s; use csv or json") % {"format": repr(fmt)})]
    )


def import_text(text: str, fmt: str, dry_run: bool = False, by: Any = None) -> ImportResult:
    batch = read_batch(text, fmt)
    return import_rows(batch.rows, dry_run=dry_run, by=by, people=batch.people)


def import_file(
    path: Path, fmt: str | None = None, dry_run: bool = False, by: Any = None
) -> ImportResult:
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in ("csv", "json"):
        raise ImportFailed(
            [
                Problem(
                    1,
                    "",
                    _("cannot tell the format of %(file)s; use --format csv|json")
                    % {"file": path.name},
                )
            ]
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFailed(
            [Problem(1, "", _("cannot read the file: %(error)s") % {"error": error})]
        ) from None
    return import_text(text, fmt, dry_run=dry_run, by=by)
