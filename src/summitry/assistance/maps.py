"""The world map of recipients, drawn as the review's map is (Natural Earth shapes from the
`world-atlas` npm package, Equal Earth projection, the same palette and classes), shaded by
the deliveries, the US dollars or the quantity of one item each country received."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from django.utils.translation import gettext

from summitry.web.charts import (
    AXIS_COLOUR,
    MAP_HEIGHT,
    MAP_NEUTRAL,
    MAP_PADDING,
    MAP_SPHERE,
    MAP_WIDTH,
    TEXT_COLOUR,
    MapClass,
    atlas_path,
    class_colour,
    map_classes,
    map_shapes,
)
from summitry.web.formats import format_number


def _label(bucket: MapClass) -> str:
    if bucket.low == bucket.high:
        return format_number(bucket.low)
    return f"{format_number(bucket.low)}\u2013{format_number(bucket.high)}"


def recipients_map_svg(
    values: Mapping[str, int], names: Mapping[str, str], *, title: str, measure: str
) -> str:
    """A choropleth of `values` by ISO 3166-1 numeric code; `measure` names what is counted."""
    shapes = map_shapes(atlas_path())
    classes = map_classes(max(values.values(), default=0))
    legend_top = MAP_HEIGHT + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-map" role="img"'
        f' viewBox="0 0 {MAP_WIDTH} {legend_top + 24}" width="100%"'
        f' aria-label="{escape(title, quote=True)}">'
        f"<title>{escape(title)}</title>",
        f'<rect class="sphere" width="{MAP_WIDTH}" height="{MAP_HEIGHT}" fill="{MAP_SPHERE}"/>',
        '<g class="countries" stroke="#ffffff" stroke-width="0.5" fill-rule="evenodd">',
    ]
    for shape in shapes:
        if not shape.path:
            continue
        value = values.get(shape.code or "", 0)
        name = names.get(shape.code or "") or shape.name
        tooltip = gettext("%(country)s: %(value)s") % {
            "country": name,
            "value": format_number(value),
        }
        parts.append(
            f'<path class="country" data-code="{escape(shape.code or "")}" data-value="{value}"'
            f' d="{shape.path}" fill="{class_colour(value, classes)}">'
            f"<title>{escape(tooltip)}</title></path>"
        )
    parts.append("</g>")
    parts.append(
        f'<g class="legend" font-size="15" fill="{TEXT_COLOUR}">'
        f'<text x="{MAP_PADDING}" y="{legend_top + 13}" font-weight="600">{escape(measure)}</text>'
    )
    x = MAP_PADDING + 9 * len(measure) + 24
    for label, colour in [(gettext("None"), MAP_NEUTRAL)] + [
        (_label(c), c.colour) for c in classes
    ]:
        parts.append(
            f'<rect x="{x}" y="{legend_top}" width="22" height="15" fill="{colour}"'
            f' stroke="{AXIS_COLOUR}" stroke-width="0.5"/>'
            f'<text x="{x + 28}" y="{legend_top + 13}">{escape(label)}</text>'
        )
        x += 28 + 9 * len(label) + 24
    parts.append("</g></svg>")
    return "".join(parts)
