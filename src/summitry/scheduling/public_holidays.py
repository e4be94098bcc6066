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
