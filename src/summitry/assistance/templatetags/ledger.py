from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from summitry.web import formats

register = template.Library()


@register.filter
def item_name(item: Any) -> str:
    """The catalogue's name in the reader's language (the names are in the catalogues)."""
    return gettext(item.name)


@register.filter
def delivery_date(delivery: Any) -> str:
    """A delivery's date as precisely as it is known: a day, a month, or "by" a report's date."""
    if delivery.date_precision == "month":
        return formats.format_skeleton(delivery.date, "yMMMM")
    day = formats.format_date(delivery.date, "medium")
    if delivery.date_precision == "by":
        return gettext("by %(date)s") % {"date": day}
    return day


@register.filter
def commitment_url(commitment: Any) -> str:
    """The commitment's page where the commitments app serves one (blank before it does)."""
    from django.urls import NoReverseMatch

    try:
        return str(commitment.get_absolute_url())
    except NoReverseMatch:
        return ""
