"""Machine-readable descriptions and the citation of an edition or translation on its page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from summitry.exchanges.citation import citation_text, describe, dublin_core_meta, json_ld_script
from summitry.knowledge.models import Edition, Translation

register = template.Library()


def _site(context: template.Context) -> str:
    request = context.get("request")
    return f"{request.scheme}://{request.get_host()}" if request is not None else ""


@register.simple_tag(takes_context=True)
def edition_metadata(
    context: template.Context, edition: Edition, translation: Translation | None = None
) -> SafeString:
    """Dublin Core meta tags and schema.org JSON-LD, for the page's head."""
    d = describe(edition, translation or None, _site(context))
    return mark_safe(dublin_core_meta(d) + "\n" + json_ld_script(d))  # noqa: S308


@register.inclusion_tag("exchanges/_citation.html", takes_context=True)
def edition_citation(
    context: template.Context, edition: Edition, translation: Translation | None = None
) -> dict[str, Any]:
    d = describe(edition, translation or None, _site(context))
    return {
        "citation": citation_text(d),
        "url": d.url,
        "edition": edition,
        "translation": translation or None,
    }
