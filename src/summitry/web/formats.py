"""Dates, times, numbers and percentages written as the reader's language writes them (CLDR, through
Babel). Times are shown in the viewer's zone (Django's current time zone); zones never change here.

Python: format_date, format_datetime, format_time, format_range, format_number, format_decimal,
format_percent, each with `language=` (a Django language code; the active language when omitted);
the date and time ones also take `zone=` (another zone than the viewer's, e.g. a participant's).
Templates: `{% load cldr %}` and the filters of the same names (summitry.web.templatetags.cldr).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Literal, cast

from babel import Locale, dates, numbers
from django.conf import settings
from django.utils import timezone, translation

# CLDR's four lengths: short (26/03/2020), medium (26 Mar 2020), long (26 March 2020),
# full (Thursday, 26 March 2020).
STYLES = ("short", "medium", "long", "full")
Style = Literal["short", "medium", "long", "full"]
Number = int | float | Decimal


@lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    return Locale.parse(translation.to_locale(language))


def locale(language: str | None = None) -> Locale:
    """Babel's locale for a Django language code (zh-hans: zh_Hans), the active one by default."""
    return _locale((language or translation.get_language() or settings.LANGUAGE_CODE).lower())


def _style(style: str) -> Style:
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    return cast(Style, style)


def _local(value: dt.datetime, zone: dt.tzinfo | None = None) -> dt.datetime:
    # Naive values are taken as UTC, as the register stores them.
    aware = value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)
    return timezone.localtime(aware, zone)


def format_date(
    value: dt.date | dt.datetime,
    style: str = "long",
    language: str | None = None,
    zone: dt.tzinfo | None = None,
) -> str:
    """The date (a date-time's day in the viewer's zone)."""
    if isinstance(value, dt.datetime):
        value = _local(value, zone).date()
    return dates.format_date(value, format=_style(style), locale=locale(language))


def format_skeleton(value: dt.date, skeleton: str = "yMMMM", language: str | None = None) -> str:
    """A date by a CLDR skeleton (yMMMM: "March 2020", "mars 2020", "2020年3月")."""
    return dates.format_skeleton(skeleton, value, locale=locale(language))


def format_time(
    value: dt.datetime | dt.time,
    style: str = "short",
    language: str | None = None,
    zone: dt.tzinfo | None = None,
) -> str:
    """The hour (of a date-time, in the viewer's zone); short: no seconds."""
    if isinstance(value, dt.datetime):
        value = _local(value, zone)
    return dates.format_time(value, format=_style(style), locale=locale(language))


def format_datetime(
    value: dt.datetime,
    style: str = "medium",
    time_style: str = "short",
    language: str | None = None,
    zone: dt.tzinfo | None = None,
) -> str:
    """Day and hour in the viewer's zone, joined as the language joins them."""
    where = locale(language)
    pattern = str(dates.get_datetime_format(_style(style), locale=where))
    pattern = pattern.replace("{1}", where.date_formats[style].pattern)
    pattern = pattern.replace("{0}", where.time_formats[_style(time_style)].pattern)
    return dates.format_datetime(_local(value, zone), format=pattern, locale=where)


def format_range(
    start: dt.datetime,
    end: dt.datetime,
    date_skeleton: str = "yMMMEd",
    language: str | None = None,
    zone: dt.tzinfo | None = None,
) -> str:
    """From start to end, the day written once when they share it (Thu, 26 Mar 2020, 13:00–14:30).

    `date_skeleton` is a CLDR skeleton, naming the fields (not their order): yMMMEd, MMMEd, yMMMd...
    """
    where = locale(language)
    first, last = _local(start, zone), _local(end, zone)
    pattern = str(dates.get_datetime_format("medium", locale=where)).replace("'", "")

    def day_and_hours(day: dt.datetime, hours: str) -> str:
        written = dates.format_skeleton(date_skeleton, day, locale=where)
        return pattern.replace("{1}", written).replace("{0}", hours)

    if first.date() != last.date():
        a, b = (
            day_and_hours(t, dates.format_skeleton("Hm", t, locale=where)) for t in (first, last)
        )
        return str(where.interval_formats[None]).replace("{0}", a).replace("{1}", b)
    hours = dates.format_interval(first.time(), last.time(), skeleton="Hm", locale=where)
    return day_and_hours(first, hours)


def format_number(value: Number, language: str | None = None) -> str:
    """A count or a measure with the language's separators (1,234 · 1 234 · 1.234)."""
    return numbers.format_decimal(value, locale=locale(language))


def format_decimal(value: Number, digits: int = 1, language: str | None = None) -> str:
    """A number with at most `digits` decimals (trailing zeros dropped)."""
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return numbers.format_decimal(value, format=pattern, locale=locale(language))


def format_percent(ratio: Number, digits: int = 0, language: str | None = None) -> str:
    """A share given as a ratio (0.935) written as a percentage: 94 %, ٪94, 94%..."""
    where = locale(language)
    pattern = where.percent_formats[None].pattern
    if digits > 0:
        pattern = pattern.replace("0", "0." + "#" * digits, 1)
    return numbers.format_percent(ratio, format=pattern, locale=where)
