"""Reference data for countries: ISO 3166-1 from pycountry, UN M49 regions, capitals' zones.

Plain Python (no Django) so that the scheduler and the importers can use it without a database.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
from collections.abc import Callable
from dataclasses import dataclass

import pycountry

# M49 groups sub-regions into regions; the sub-region decides the region.
M49_REGION_OF_SUBREGION = {
    "Eastern Africa": "Africa",
    "Middle Africa": "Africa",
    "Northern Africa": "Africa",
    "Southern Africa": "Africa",
    "Western Africa": "Africa",
    "Caribbean": "Americas",
    "Central America": "Americas",
    "Northern America": "Americas",
    "South America": "Americas",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Western Asia": "Asia",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}


@dataclass(frozen=True, slots=True)
class CountryRecord:
    code: str
    alpha3: str
    numeric: str
    name: str
    official_name: str
    region: str
    subregion: str
    capital_zone: str


@functools.cache
def _m49_subregions() -> dict[str, str]:
    """ISO alpha-3 → M49 sub-region, from country_converter's data table."""
    table = importlib.resources.files("country_converter").joinpath("country_data.tsv")
    with table.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["ISO3"]: row["UNregion"] for row in rows if row.get("ISO3")}


def _zone_or_blank(lookup: Callable[[str], str], code: str) -> str:
    # Uninhabited territories such as Bouvet Island have no zone of their own.
    try:
        return lookup(code)
    except LookupError:
        return ""


@functools.cache
def all_countries() -> tuple[CountryRecord, ...]:
    from summitry.scheduling.zones import capital_zone

    subregions = _m49_subregions()
    records = []
    for entry in pycountry.countries:
        subregion = subregions.get(entry.alpha_3, "")
        if subregion == "Antarctica":
            subregion = ""
        records.append(
            CountryRecord(
                code=entry.alpha_2,
                alpha3=entry.alpha_3,
                numeric=entry.numeric,
                name=getattr(entry, "common_name", None) or entry.name,
                official_name=getattr(entry, "official_name", ""),
                region=M49_REGION_OF_SUBREGION.get(subregion, ""),
                subregion=subregion,
                capital_zone=_zone_or_blank(capital_zone, entry.alpha_2),
            )
        )
    return tuple(records)


def resolve_country_code(text: str) -> str | None:
    """The alpha-2 code for an alpha-2, alpha-3, numeric code or an exact name, else None."""
    value = text.strip()
    if not value:
        return None
    try:
        found = pycountry.countries.lookup(value)
    except LookupError:
        return None
    return str(found.alpha_2)
