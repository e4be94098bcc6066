"""The one way the project names a country, an organisation, a person or a language for a reader.

- A country or territory: its ISO 3166 name as recorded for English readers (the register's own
  names), CLDR's name in every other language (through Babel), as recorded where CLDR has none.
- An organisation: its official name in the reader's language (directory/data/
  organisation_names.json), its English name where it has none in that language.
- A person: as commonly written in the reader's language where the directory knows it, else as
  recorded.
- A language (a code such as "zh-hans"): CLDR's name for it in the reader's language.

Exports, imports and the API stay on the canonical codes and recorded names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from summitry.directory.languages import (
    DEFAULT_LANGUAGE,
    best_match,
    cldr_locale,
    normalise,
    primary,
    reader_language,
)
from summitry.directory.models import Country, Organisation, Person


def country_name(country: Country, language: str | None = None) -> str:
    wanted = reader_language(language)
    if primary(wanted) == DEFAULT_LANGUAGE:
        return country.name
    name = cldr_locale(wanted).territories.get(country.code)
    return str(name) if name else country.name


# The UN M49 regions the directory groups countries into, by their M49 codes (CLDR names them).
M49_CODES = {"Africa": "002", "Americas": "019", "Asia": "142", "Europe": "150", "Oceania": "009"}


def region_name(region: str, language: str | None = None) -> str:
    """CLDR's name for a UN M49 region ("Asia") in the reader's language; others as given."""
    wanted = reader_language(language)
    code = M49_CODES.get(region)
    if code is None or primary(wanted) == DEFAULT_LANGUAGE:
        return region
    name = cldr_locale(wanted).territories.get(code)
    return str(name) if name else region


def language_name(code: str, language: str | None = None) -> str:
    """CLDR's name for the language `code` in the reader's language ("Chinese (Simplified)")."""
    reader = cldr_locale(reader_language(language))
    subject = cldr_locale(code)
    given = normalise(code)
    # The subject locale falls back to English for a code CLDR lacks: name the code then.
    if primary(given) != subject.language:
        return given
    name = subject.get_display_name(reader)
    return str(name) if name else given


def from_mapping(names: Mapping[str, str | None], language: str | None = None) -> str | None:
    """The name a mapping of language code to name gives a reader, or None (null: none known)."""
    given = [code for code, name in names.items() if name]
    match = best_match(given, language)
    return names[match] if match is not None else None


def organisation_name(organisation: Organisation, language: str | None = None) -> str:
    return from_mapping(organisation.names or {}, language) or organisation.name


def person_name(person: Person, language: str | None = None) -> str:
    return from_mapping(person.names or {}, language) or person.name


def display_name(subject: Any, language: str | None = None) -> str:
    """The name of a country, organisation, person or language (given by its code) for a
    reader of `language`, by default the active language."""
    if subject is None:
        return ""
    if isinstance(subject, Country):
        return country_name(subject, language)
    if isinstance(subject, Organisation):
        return organisation_name(subject, language)
    if isinstance(subject, Person):
        return person_name(subject, language)
    if isinstance(subject, str):
        return language_name(subject, language)
    return str(subject)
