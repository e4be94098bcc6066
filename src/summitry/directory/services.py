"""Writes to the directory. Reference data is kept in step with the packaged sources."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from summitry.directory.countries import all_countries
from summitry.directory.languages import language_problem, normalise
from summitry.directory.models import Country, Office, Organisation, Person, Term
from summitry.directory.signals import reference_data_changed


class DirectoryError(ValueError):
    """Reference data that cannot be stored as given."""


def sync_countries() -> int:
    existing = {c.code: c for c in Country.objects.all()}
    fields = ("alpha3", "numeric", "name", "official_name", "region", "subregion", "capital_zone")
    to_create, to_update = [], []
    for record in all_countries():
        current = existing.get(record.code)
        if current is None:
            to_create.append(Country(code=record.code, **{f: getattr(record, f) for f in fields}))
        elif any(getattr(current, f) != getattr(record, f) for f in fields):
            for f in fields:
                setattr(current, f, getattr(record, f))
            to_update.append(current)
    Country.objects.bulk_create(to_create)
    Country.objects.bulk_update(to_update, fields)
    if to_create or to_update:
        reference_data_changed.send(sender=Country)
    return len(to_create) + len(to_update)


def packaged_organisations() -> list[dict[str, Any]]:
    source = importlib.resources.files("summitry.directory").joinpath("data/organisations.json")
    data: list[dict[str, Any]] = json.loads(source.read_text(encoding="utf-8"))
    return data


def sync_organisations(entries: Iterable[Mapping[str, Any]]) -> int:
    countries = {c.code: c for c in Country.objects.all()}
    entries = list(entries)
    by_acronym: dict[str, Organisation] = {}
    for entry in entries:
        seat_code = entry.get("seat")
        if seat_code and seat_code not in countries:
            raise DirectoryError(f"{entry['acronym']}: unknown seat country {seat_code!r}")
        if entry.get("category") not in Organisation.Category.values:
            raise DirectoryError(f"{entry['acronym']}: unknown type {entry.get('category')!r}")
        org, _ = Organisation.objects.update_or_create(
            acronym=entry["acronym"],
            defaults={
                "name": entry["name"],
                "category": entry["category"],
                "seat": countries.get(seat_code) if seat_code else None,
                "notes": entry.get("notes", ""),
            },
        )
        unknown = [code for code in entry.get("members", []) if code not in countries]
        if unknown:
            raise DirectoryError(f"{entry['acronym']}: unknown member countries {unknown}")
        org.members.set([countries[code] for code in entry.get("members", [])])
        by_acronym[org.acronym] = org
    for entry in entries:
        member_orgs = entry.get("member_organisations", [])
        missing = [a for a in member_orgs if a not in by_acronym]
        if missing:
            raise DirectoryError(f"{entry['acronym']}: unknown member organisations {missing}")
        by_acronym[entry["acronym"]].member_organisations.set([by_acronym[a] for a in member_orgs])
    return len(by_acronym)


def packaged_organisation_names() -> dict[str, dict[str, str | None]]:
    source = importlib.resources.files("summitry.directory").joinpath(
        "data/organisation_names.json"
    )
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def names_problem(names: Any, max_length: int = 200) -> str | None:
    """Why a mapping of language code to name cannot be stored (None: the name is unknown)."""
    if not isinstance(names, dict):
        return _("names must be an object of language code to name")
    for code, name in names.items():
        if not isinstance(code, str) or language_problem(code):
            return _("unknown language %(code)r in names") % {"code": str(code)[:20]}
        if name is not None and (not isinstance(name, str) or not name.strip()):
            return _("the name in %(code)r must be text or null") % {"code": code}
        if name is not None and "\x00" in name:
            return _("the name in %(code)r contains a NUL character") % {"code": code}
        if name is not None and len(name) > max_length:
            return _("the name in %(code)r is longer than %(limit)d characters") % {
                "code": code,
                "limit": max_length,
            }
    return None


def clean_names(names: Mapping[str, str | None]) -> dict[str, str | None]:
    return {normalise(code): name.strip() if name else None for code, name in names.items()}


def sync_organisation_names(names: Mapping[str, Mapping[str, str | None]]) -> int:
    """Each organisation's official names by language; an acronym the directory lacks is refused."""
    organisations = {o.acronym: o for o in Organisation.objects.all()}
    unknown = sorted(set(names) - set(organisations))
    if unknown:
        raise DirectoryError(f"names given for unknown organisations {unknown}")
    changed = []
    for acronym, given in names.items():
        if problem := names_problem(given):
            raise DirectoryError(f"{acronym}: {problem}")
        organisation = organisations[acronym]
        cleaned = clean_names(given)
        if organisation.names != cleaned:
            organisation.names = cleaned
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["names"])
    return len(changed)


@transaction.atomic
def sync_reference_data() -> None:
    sync_countries()
    sync_organisations(packaged_organisations())
    sync_organisation_names(packaged_organisation_names())


def sync_reference_data_after_migrate(**kwargs: Any) -> None:
    sync_reference_data()


def _parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def sync_people(entries: Iterable[Mapping[str, Any]]) -> int:
    """Create or update people and their terms of office; idempotent."""
    countries = {c.code: c for c in Country.objects.all()}
    organisations = {o.acronym: o for o in Organisation.objects.all()}
    count = 0
    for entry in entries:
        names = entry.get("names") or {}
        if problem := names_problem(names):
            raise DirectoryError(f"{entry['name']}: {problem}")
        person, _ = Person.objects.update_or_create(
            name=entry["name"],
            defaults={
                "country": countries.get(entry.get("country") or ""),
                "names": clean_names(names),
            },
        )
        for held in entry.get("offices", []):
            org_key = held.get("organisation")
            if org_key and org_key not in organisations:
                raise DirectoryError(f"{person.name}: unknown organisation {org_key!r}")
            office, _ = Office.objects.get_or_create(
                title=held["title"],
                defaults={
                    "country": countries.get(held.get("country") or ""),
                    "organisation": organisations.get(org_key) if org_key else None,
                },
            )
            start = _parse_date(held["start"])
            assert start is not None
            Term.objects.update_or_create(
                person=person,
                office=office,
                start=start,
                defaults={"end": _parse_date(held.get("end"))},
            )
        count += 1
    return count
