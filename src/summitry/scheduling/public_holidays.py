"""Public holidays from the `holidays` package, cached per country and year.

Only national public holidays are used (no subdivision): a capital's
regional holidays are left to explicit ``Participant.holidays``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from types import MappingProxyType

import holidays as holidays_lib


@cache
def _year(country: str, year: int) -> Mapping[date, str]:
    # Asking is cheaper than list_supported_countries(), which imports every country.
    try:
        calendar = holidays_lib.country_holidays(country, years=year, language="en_US")
    except NotImplementedError:
        return MappingProxyType({})
    return MappingProxyType({day: str(name) for day, name in calendar.items()})


# The interface's languages as the `holidays` package names its translations, best first.
_PACKAGE_LANGUAGES = {
    "ar": ("ar", "ar_EG"),
    "zh-hans": ("zh_CN",),
    "fr": ("fr",),
    "ru": ("ru",),
    "es": ("es",),
    "en": ("en_US",),
}


@cache
def _named(country: str, year: int, language: str) -> Mapping[date, str]:
    try:
        calendar = holidays_lib.country_holidays(country, years=year)
    except NotImplementedError:
        return MappingProxyType({})
    wanted = next(
        (
            name
            for name in _PACKAGE_LANGUAGES.get(language.lower(), ())
            if name in calendar.supported_languages
        ),
        None,
    )
    if wanted is None:
        return MappingProxyType({})
    named = holidays_lib.country_holidays(country, years=year, language=wanted)
    return MappingProxyType({day: str(name) for day, name in named.items()})


def holiday_name(country: str | None, day: date, language: str) -> str | None:
    """The name of `country`'s public holiday on `day` in `language` (a code such as "ar" or
    "zh-hans"), where the `holidays` package writes the country's holidays in that language
    (it translates most countries' holidays into their own languages and English only);
    None where it does not, or where `day` is no holiday."""
    if country is None:
        return None
    return _named(country.upper(), day.year, language).get(day)


def public_holidays(country: str | None, years: Iterable[int]) -> dict[date, str]:
    """Public holidays (date -> English name) of `country` in `years`.

    Countries the `holidays` package does not cover have none.
    """
    if country is None:
        return {}
    found: dict[date, str] = {}
    for year in sorted(set(years)):
        found.update(_year(country.upper(), year))
    return found
