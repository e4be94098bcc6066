"""The knowledge shared with a country, for the assistance app's country page: a tag, so that
the country page shows it without the assistance app importing the knowledge centre."""

from __future__ import annotations

from typing import Any

from django import template

from summitry.directory.models import Country
from summitry.exchanges import country as parts

register = template.Library()


@register.inclusion_tag("exchanges/_country_knowledge.html", takes_context=True)
def knowledge_shared(context: template.Context, country: Country) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    return {
        "country": country,
        "conferences": parts.conferences(user, country),
        "editions": parts.editions(user, country),
        "downloads": parts.downloads(user, country),
    }
