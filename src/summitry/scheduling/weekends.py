"""Weekly days off by country.

Days are numbered as ``date.weekday()``: Monday 0 ... Sunday 6. Each country
with a rule other than Saturday-Sunday has a list of ``(since, days)``
changes, newest last, so that past and future dates both get the rule then in
force. Only rules we are confident of are listed; every other country gets
Saturday-Sunday.
"""

from __future__ import annotations

from datetime import date

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

SATURDAY_SUNDAY: frozenset[int] = frozenset({SAT, SUN})
FRIDAY_SATURDAY: frozenset[int] = frozenset({FRI, SAT})
THURSDAY_FRIDAY: frozenset[int] = frozenset({THU, FRI})
FRIDAY: frozenset[int] = frozenset({FRI})

_EPOCH = date.min

# (since, days off); the last entry whose date is on or before the day applies.
WEEKLY_DAYS_OFF: dict[str, tuple[tuple[date, frozenset[int]], ...]] = {
    # Saturday-Sunday since 1 January 2022 (Friday afternoon is also short).
    "AE": ((_EPOCH, FRIDAY_SATURDAY), (date(2022, 1, 1), SATURDAY_SUNDAY)),
    "BD": ((_EPOCH, FRIDAY_SATURDAY),),
    "BH": ((_EPOCH, FRIDAY_SATURDAY),),
    "DZ": ((_EPOCH, THURSDAY_FRIDAY), (date(2009, 8, 14), FRIDAY_SATURDAY)),
    "EG": ((_EPOCH, FRIDAY_SATURDAY),),
    "IL": ((_EPOCH, FRIDAY_SATURDAY),),
    "IQ": ((_EPOCH, FRIDAY_SATURDAY),),
    "JO": ((_EPOCH, THURSDAY_FRIDAY), (date(2000, 1, 6), FRIDAY_SATURDAY)),
    "KW": ((_EPOCH, THURSDAY_FRIDAY), (date(2007, 9, 1), FRIDAY_SATURDAY)),
    "LY": ((_EPOCH, FRIDAY_SATURDAY),),
    "MV": ((_EPOCH, FRIDAY_SATURDAY),),
    "OM": ((_EPOCH, THURSDAY_FRIDAY), (date(2013, 5, 1), FRIDAY_SATURDAY)),
    "QA": ((_EPOCH, THURSDAY_FRIDAY), (date(2003, 8, 1), FRIDAY_SATURDAY)),
    "SA": ((_EPOCH, THURSDAY_FRIDAY), (date(2013, 6, 29), FRIDAY_SATURDAY)),
    "SD": ((_EPOCH, FRIDAY), (date(2008, 1, 26), FRIDAY_SATURDAY)),
    "SY": ((_EPOCH, FRIDAY_SATURDAY),),
    "YE": ((_EPOCH, THURSDAY_FRIDAY), (date(2013, 8, 15), FRIDAY_SATURDAY)),
    # Friday only. Iran's offices also close or shorten Thursday, and sources
    # disagree on Afghanistan's second day, so only the day all agree on.
    "IR": ((_EPOCH, FRIDAY),),
    "AF": ((_EPOCH, FRIDAY),),
    # Brunei rests on Friday and Sunday.
    "BN": ((_EPOCH, frozenset({FRI, SUN})),),
}


def weekly_days_off(country: str | None, on: date) -> frozenset[int]:
    """Weekdays (0 = Monday) that are weekly days off in `country` on date `on`."""
    if country is None:
        return SATURDAY_SUNDAY
    rules = WEEKLY_DAYS_OFF.get(country.upper())
    if rules is None:
        return SATURDAY_SUNDAY
    days = rules[0][1]
    for since, rule in rules:
        if since <= on:
            days = rule
    return days


def is_weekly_day_off(country: str | None, on: date) -> bool:
    return on.weekday() in weekly_days_off(country, on)
