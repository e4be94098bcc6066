"""Time zones of capitals and organisation seats.

`capital_zone` reads the country's zones from tzdata's ``zone.tab`` and takes
the first one listed, except where that zone is not the capital's: those
countries are in `CAPITAL_OVERRIDES`. Pure Python, no Django, and cached, so
the directory app can call it on every row.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from functools import cache

import pycountry

# Countries whose capital is not in the first zone zone.tab lists, plus the
# large multi-zone countries, pinned so a reordering upstream cannot move them.
CAPITAL_OVERRIDES: dict[str, str] = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",  # Canberra; zone.tab lists Lord Howe first
    "BR": "America/Sao_Paulo",  # Brasília; zone.tab lists Noronha first
    "CA": "America/Toronto",  # Ottawa; zone.tab lists St John's first
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "CY": "Asia/Nicosia",
    "DE": "Europe/Berlin",
    "EC": "America/Guayaquil",  # Quito
    "ES": "Europe/Madrid",
    "FM": "Pacific/Pohnpei",  # Palikir; zone.tab lists Chuuk first
    "GL": "America/Nuuk",
    "ID": "Asia/Jakarta",
    "KI": "Pacific/Tarawa",
    "KZ": "Asia/Almaty",  # Astana shares Almaty's time since 2024
    "MH": "Pacific/Majuro",
    "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City",
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",
    "PF": "Pacific/Tahiti",  # Papeete
    "PG": "Pacific/Port_Moresby",
    "PS": "Asia/Hebron",  # the West Bank, where the government sits
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",  # zone.tab lists Kaliningrad first
    "UA": "Europe/Kyiv",  # zone.tab lists Simferopol first
    "US": "America/New_York",  # Washington, D.C.
    "UZ": "Asia/Tashkent",  # zone.tab lists Samarkand first
    "XK": "Europe/Belgrade",  # Kosovo: user-assigned code, absent from zone.tab
}


@dataclass(frozen=True)
class Seat:
    """Where a participant sits: the zone, and the country whose days off apply."""

    code: str
    name: str
    zone: str
    country: str | None  # ISO alpha-2, or None for an organisation


# Organisation seats by the usual acronym. None of these is an ISO 3166 code.
# Organisations keep their own holidays, so no country is attached.
ORGANISATION_SEATS: dict[str, tuple[str, str]] = {
    "UN": ("United Nations", "America/New_York"),
    "EU": ("European Union", "Europe/Brussels"),
    "NATO": ("NATO", "Europe/Brussels"),
    "ASEAN": ("ASEAN", "Asia/Jakarta"),
    "AUC": ("African Union Commission", "Africa/Addis_Ababa"),
    "OAS": ("Organization of American States", "America/New_York"),
    "OSCE": ("OSCE", "Europe/Vienna"),
    "IAEA": ("IAEA", "Europe/Vienna"),
    "WHO": ("World Health Organization", "Europe/Zurich"),
    "WTO": ("World Trade Organization", "Europe/Zurich"),
    "OECD": ("OECD", "Europe/Paris"),
    "UNESCO": ("UNESCO", "Europe/Paris"),
    "COE": ("Council of Europe", "Europe/Paris"),
    "IMF": ("International Monetary Fund", "America/New_York"),
    "GCC": ("Gulf Cooperation Council", "Asia/Riyadh"),
    "OIC": ("Organisation of Islamic Cooperation", "Asia/Riyadh"),
    "LAS": ("League of Arab States", "Africa/Cairo"),
    "ECOWAS": ("ECOWAS", "Africa/Lagos"),
    "SCO": ("Shanghai Cooperation Organisation", "Asia/Shanghai"),
    "CARICOM": ("CARICOM", "America/Guyana"),
    "APEC": ("APEC", "Asia/Singapore"),
}


@cache
def _zone_table() -> dict[str, tuple[str, ...]]:
    text = (
        importlib.resources.files("tzdata.zoneinfo")
        .joinpath("zone.tab")
        .read_text(encoding="utf-8")
    )
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        table.setdefault(fields[0], []).append(fields[2])
    return {code: tuple(zones) for code, zones in table.items()}


def country_zones(alpha2: str) -> tuple[str, ...]:
    """All zones zone.tab lists for a country, in its order."""
    return _zone_table().get(alpha2.upper(), ())


@cache
def to_alpha2(code: str) -> str:
    """Normalise an ISO 3166 alpha-2 or alpha-3 code to alpha-2.

    Raises LookupError for anything else.
    """
    key = code.strip().upper()
    if len(key) == 2:
        if key in CAPITAL_OVERRIDES or key in _zone_table():
            return key
    elif len(key) == 3:
        country = pycountry.countries.get(alpha_3=key)
        if country is not None:
            return str(country.alpha_2)
    raise LookupError(f"not an ISO 3166 country code: {code!r}")


@cache
def capital_zone(alpha2: str) -> str:
    """IANA zone of the capital of the country with this alpha-2 (or alpha-3) code."""
    key = to_alpha2(alpha2)
    if key in CAPITAL_OVERRIDES:
        return CAPITAL_OVERRIDES[key]
    zones = country_zones(key)
    if not zones:
        raise LookupError(f"no time zone known for {alpha2!r}")
    return zones[0]


@cache
def country_name(alpha2: str) -> str:
    """Short English name of a country, falling back to the code."""
    if alpha2.upper() == "XK":
        return "Kosovo"
    country = pycountry.countries.get(alpha_2=alpha2.upper())
    if country is None:
        return alpha2.upper()
    return str(getattr(country, "common_name", None) or country.name)


def seat(code: str) -> Seat:
    """Resolve a country code (alpha-2 or alpha-3) or an organisation acronym."""
    key = code.strip().upper()
    if key in ORGANISATION_SEATS:
        name, zone = ORGANISATION_SEATS[key]
        return Seat(code=key, name=name, zone=zone, country=None)
    alpha2 = to_alpha2(key)
    return Seat(code=alpha2, name=country_name(alpha2), zone=capital_zone(alpha2), country=alpha2)
