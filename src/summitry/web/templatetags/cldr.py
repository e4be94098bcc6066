"""Template filters writing dates, times, numbers and percentages for the page's language (CLDR).

{% load cldr %}
{{ engagement.start|format_date }}            26 March 2020 · 2020年3月26日
{{ engagement.start|format_date:"full" }}     Thursday, 26 March 2020
{{ engagement.start|format_datetime }}        26 Mar 2020, 13:00 (viewer's zone)
{{ engagement.start|format_time }}            13:00
{{ total|format_number }}                     1,234 · 1 234
{{ share|format_decimal:1 }}                  93.5 · 93,5
{{ ratio|format_percent:1 }}                  93.5% · 93,5 %
Empty values (None, "") give "".
"""

from __future__ import annotations

from typing import Any

from django import template

from summitry.web import formats

register = template.Library()


@register.filter
def format_date(value: Any, style: str = "long") -> str:
    return "" if value in (None, "") else formats.format_date(value, style)


@register.filter
def format_datetime(value: Any, style: str = "medium") -> str:
    return "" if value in (None, "") else formats.format_datetime(value, style)


@register.filter
def format_time(value: Any, style: str = "short") -> str:
    return "" if value in (None, "") else formats.format_time(value, style)


@register.filter
def format_number(value: Any) -> str:
    return "" if value in (None, "") else formats.format_number(value)


@register.filter
def format_decimal(value: Any, digits: int = 1) -> str:
    return "" if value in (None, "") else formats.format_decimal(value, int(digits))


@register.filter
def format_percent(value: Any, digits: int = 0) -> str:
    return "" if value in (None, "") else formats.format_percent(value, int(digits))
