"""Import engagements from CSV or JSON: all or nothing, every problem named by line and field.

The JSON form is a list of objects, the same as `summitry export --format json` writes, so that an
export can be imported elsewhere. The CSV form has one engagement a row; lists inside a cell are
separated by semicolons, and a participant is written `Name (role)`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from summitry.engagements.lookups import Resolver as _Resolver
from summitry.engagements.lookups import parse_when as _parse_when
from summitry.engagements.models import Engagement, Role
from summitry.engagements.services import (
    EngagementInput,
    ParticipantInput,
    SourceInput,
    create_engagement,
    input_from,
    update_engagement,
    validate,
)

CSV_COLUMNS = (
    "ref", "title", "kind", "status", "start", "end", "host_country", "host_organisation",
    "chair", "participants", "countries", "organisations", "topics", "readout", "sources",
    "confidentiality",
)  # fmt: skip
REQUIRED = ("title", "kind")
PARTICIPANT_IN_CSV = re.compile(r"^(?P<name>.+?)\s*(?:\((?P<role>[a-z_]+)\))?$")


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", field '{self.field}'" if self.field else "")
        return f"{where}: {self.message}"


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


def _json_rows(text: str) -> Iterator[Row]:
    """Each top-level object with the line it starts on (the json module keeps no positions)."""
    decoder = json.JSONDecoder()
    try:
        index = text.index("[")
    except ValueError:
        raise ImportFailed([Problem(1, "", "expected a JSON list of engagements")]) from None
    if text[:index].strip():
        raise ImportFailed([Problem(1, "", "expected a JSON list of engagements")])
    index += 1
    length = len(text)
    while True:
        while index < length and text[index] in " \t\r\n,":
            index += 1
        if index >= length:
            raise ImportFailed([Problem(text.count("\n") + 1, "", "the JSON list is not closed")])
        if text[index] == "]":
            if text[index + 1 :].strip():
                line = text.count("\n", 0, index) + 1
                raise ImportFailed([Problem(line, "", "unexpected text after the JSON list")])
            return
        line = text.count("\n", 0, index) + 1
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as error:
            raise ImportFailed([Problem(error.lineno, "", f"invalid JSON: {error.msg}")]) from None
        if not isinstance(value, dict):
            raise ImportFailed([Problem(line, "", "each engagement must be a JSON object")])
        yield Row(line, value)


def _split(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


def _csv_rows(text: str) -> Iterator[Row]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown or missing:
        problems = [
            Problem(1, name, f"unknown column; known: {', '.join(CSV_COLUMNS)}") for name in unknown
        ]
        problems += [Problem(1, name, "required column is missing") for name in missing]
        raise ImportFailed(problems)
    for row in reader:
        values: dict[str, Any] = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if None in row:
            raise ImportFailed([Problem(reader.line_num, "", "more cells than columns")])
        for name in ("countries", "organisations", "topics"):
            values[name] = _split(values.get(name, ""))
        participants = []
        for item in _split(values.get("participants", "")):
            match = PARTICIPANT_IN_CSV.match(item)
            assert match is not None
            entry = {"person": match["name"]}
            if match["role"]:
                entry["role"] = match["role"]
            participants.append(entry)
        values["participants"] = participants
        values["sources"] = [
            {"citation": item, "url": item if item.startswith(("http://", "https://")) else ""}
            for item in _split(values.get("sources", ""))
        ]
        yield Row(reader.line_num, values)


def _to_input(row: Row, resolver: _Resolver) -> tuple[EngagementInput | None, list[Problem]]:
    problems: list[Problem] = []
    values = row.values

    def problem(name: str, message: str) -> None:
        problems.append(Problem(row.line, name, message))

    def text(name: str) -> str:
        value = values.get(name) or ""
        if not isinstance(value, str):
            problem(name, "expected text")
            return ""
        return value

    def listed(name: str) -> list[Any]:
        value = values.get(name) or []
        if not isinstance(value, list):
            problem(name, "expected a list")
            return []
        return value

    known = set(CSV_COLUMNS) | {"time_known", "id", "url"}
    for name in values:
        if name not in known:
            problem(name, f"unknown field; known: {', '.join(CSV_COLUMNS)}")
    for name in REQUIRED:
        if not text(name).strip():
            problem(name, "is required")

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
            problem("participants", "each participant needs a person")
            continue
        person = resolve("participants", "person", str(entry["person"]))
        role = str(entry.get("role") or Role.HEAD_OF_DELEGATION)
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
                    person=person, role=role, country=country, organisation=organisation
                )
            )
    sources = []
    for entry in listed("sources"):
        if isinstance(entry, str):
            entry = {"citation": entry}
        if not isinstance(entry, dict):
            problem("sources", "each source is a citation or an object with a citation")
            continue
        sources.append(
            SourceInput(
                citation=str(entry.get("citation") or entry.get("url") or ""),
                url=str(entry.get("url") or ""),
                note=str(entry.get("note") or ""),
            )
        )
    ref = text("ref").strip() or None
    if ref is not None and not re.fullmatch(r"[-a-zA-Z0-9_]{1,120}", ref):
        problem("ref", "use letters, digits, hyphens and underscores (at most 120)")
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
    )
    if problems:
        # Report what else is wrong on the line too, except what follows from the parse errors.
        failed = {p.field for p in problems}
        for name, messages in validate(data).items():
            if name not in failed:
                problems += [Problem(row.line, name, m) for m in messages]
        return None, problems
    return data, problems


def _comparable(data: EngagementInput) -> tuple[Any, ...]:
    return (
        data.title, data.kind, data.status, data.start, data.end, data.time_known,
        data.host_country, data.host_organisation, data.chair, sorted(c.pk for c in data.countries),
        sorted(o.pk for o in data.organisations), sorted(data.topics), data.readout,
        data.confidentiality, [(p.person.pk, p.role) for p in data.participants],
        [(s.citation, s.url, s.note) for s in data.sources],
    )  # fmt: skip


def import_rows(rows: list[Row], dry_run: bool = False, by: Any = None) -> ImportResult:
    resolver = _Resolver()
    problems: list[Problem] = []
    prepared: list[tuple[Row, EngagementInput]] = []
    seen_refs: dict[str, int] = {}
    existing = {
        e.ref: e for e in Engagement.objects.filter(ref__in=[r.values.get("ref") for r in rows])
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
        for name, messages in validate(data, current.status if current else None).items():
            problems += [Problem(row.line, name, m) for m in messages]
        prepared.append((row, data))
    if problems:
        raise ImportFailed(problems)
    result = ImportResult()
    with transaction.atomic():
        for _row, data in prepared:
            current = existing.get(data.ref) if data.ref else None
            if current is None:
                result.created += 1
                if not dry_run:
                    result.engagements.append(create_engagement(data, by))
            elif _comparable(input_from(current)) == _comparable(data):
                result.unchanged += 1
            else:
                result.updated += 1
                if not dry_run:
                    result.engagements.append(update_engagement(current, data, by))
    return result


def read_rows(text: str, fmt: str) -> list[Row]:
    if fmt == "json":
        return list(_json_rows(text))
    if fmt == "csv":
        return list(_csv_rows(text))
    raise ImportFailed([Problem(1, "", f"unknown format {fmt!r}; use csv or json")])


def import_text(text: str, fmt: str, dry_run: bool = False, by: Any = None) -> ImportResult:
    return import_rows(read_rows(text, fmt), dry_run=dry_run, by=by)


def import_file(
    path: Path, fmt: str | None = None, dry_run: bool = False, by: Any = None
) -> ImportResult:
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in ("csv", "json"):
        raise ImportFailed(
            [Problem(1, "", f"cannot tell the format of {path.name}; use --format csv|json")]
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFailed([Problem(1, "", f"cannot read the file: {error}")]) from None
    return import_text(text, fmt, dry_run=dry_run, by=by)
