"""Room pages' names of languages, in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def language_label(code: str | None) -> str:
    """An interpretation language's name in the active language (Django's CLDR-based names);
    a code Django does not know is shown as it is."""
    if not code:
        return ""
    try:
        return str(get_language_info(code.lower())["name_translated"])
    except KeyError:
        return code
