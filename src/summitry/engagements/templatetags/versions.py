"""`{% load versions %}`: `{% with text=engagement|reader_text %}{{ text.title }}{% endwith %}`,
the version of an engagement's title and readout in the active language, else the original."""

from __future__ import annotations

from django import template

from summitry.engagements.models import Engagement
from summitry.engagements.texts import Text, text_for

register = template.Library()


@register.filter(name="reader_text")
def reader_text(engagement: Engagement) -> Text:
    return text_for(engagement)
