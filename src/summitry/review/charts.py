"""The review's world map of engagements per country, drawn with the shared SVG drawing in
`summitry.web.charts` (the web page and its PDF share one template; WeasyPrint runs no
JavaScript, so the map is a finished SVG string).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from django.utils.translation import gettext, ngettext

from summitry.web.charts import (
    AXIS_COLOUR,
    DETAIL_ATLAS_FILE,
    MAP_HEIGHT,
    MAP_NEUTRAL,
    MAP_PADDING,
    MAP_SPHERE,
    MAP_WIDTH,
    MUTED_TEXT_COLOUR,
    TEXT_COLOUR,
    AtlasMissingError,
    MapClass,
    Point,
    atlas_path,
    attr,
    class_colour,
    coord,
    dot_path,
    map_classes,
    map_shapes,
    outline_path,
    small_state_positions,
    svg_open,
)


def _tooltip(name: str, count: int) -> str:
    if count == 0:
        return gettext("%(country)s: no engagements") % {"country": name}
    return ngettext(
        "%(country)s: %(count)d engagement", "%(country)s: %(count)d engagements", count
    ) % {"country": name, "count": count}


def world_map_svg(
    counts: Mapping[str, int], names: Mapping[str, str], *, title: str, description: str
) -> str:
    """A choropleth world map of engagements per country (ISO 3166-1 numeric codes)."""
    shapes = map_shapes(atlas_path())
    classes = map_classes(max(counts.values(), default=0))
    drawn = {shape.code for shape in shapes if shape.code is not None}
    # Codes with engagements but no shape at 110m: a dot if the 50m data has them, else listed.
    missing = sorted(
        (code for code, count in counts.items() if count > 0 and code not in drawn),
        key=lambda code: (-counts[code], names.get(code, code)),
    )
    dots: list[tuple[str, Point]] = []
    unplaced: list[str] = []
    if missing:
        try:
            positions = small_state_positions(atlas_path(DETAIL_ATLAS_FILE))
        except AtlasMissingError:
            positions = {}
        for code in missing:
            if code in positions:
                dots.append((code, positions[code]))
            else:
                unplaced.append(code)

    legend_top = MAP_HEIGHT + 10
    height = legend_top + 24 + (26 if unplaced else 0)
    parts = [svg_open("map", MAP_WIDTH, height, title, description)]
    parts.append(f'<path class="sphere" d="{outline_path()}" fill="{MAP_SPHERE}"/>')
    parts.append('<g class="countries" stroke="#ffffff" stroke-width="0.5" fill-rule="evenodd">')
    for shape in shapes:
        if not shape.path:
            continue
        if shape.code is None:
            # No ISO code (N. Cyprus, Kosovo, Somaliland): engagements cannot be attributed.
            parts.append(
                f'<path class="country no-code" d="{shape.path}" fill="{MAP_NEUTRAL}">'
                f"<title>{escape(shape.name)}</title></path>"
            )
            continue
        count = counts.get(shape.code, 0)
        name = names.get(shape.code) or shape.name
        parts.append(
            f'<path class="country" data-code="{attr(shape.code)}" data-count="{count}"'
            f' d="{shape.path}" fill="{class_colour(count, classes)}">'
            f"<title>{escape(_tooltip(name, count))}</title></path>"
        )
    parts.append("</g>")

    if dots:
        parts.append(f'<g class="small-states" stroke="{TEXT_COLOUR}" stroke-width="0.75">')
        for code, (x, y) in dots:
            count = counts[code]
            parts.append(
                f'<path class="country small-state" data-code="{attr(code)}"'
                f' data-count="{count}" d="{dot_path(x, y)}" fill="{class_colour(count, classes)}">'
                f"<title>{escape(_tooltip(names.get(code, code), count))}</title></path>"
            )
        parts.append("</g>")

    parts.append(_legend(classes, legend_top))
    if unplaced:
        parts.append(
            f'<text class="unplaced" x="{coord(MAP_PADDING)}" y="{coord(legend_top + 42)}"'
            f' font-size="15" fill="{MUTED_TEXT_COLOUR}">'
            f"{escape(gettext('Not on the map:'))} "
        )
        listed = [
            f'<tspan data-code="{attr(code)}" data-count="{counts[code]}">'
            f"{escape(names.get(code, code))} ({counts[code]})</tspan>"
            for code in unplaced
        ]
        parts.append(", ".join(listed) + "</text>")
    parts.append("</svg>")
    return "".join(parts)


def _legend(classes: Sequence[MapClass], top: float) -> str:
    # 15 units of a 960-wide map stay legible (about 8 pt) when the PDF fits it to A4.
    parts = [
        f'<g class="legend" font-size="15" fill="{TEXT_COLOUR}">'
        f'<text x="{coord(MAP_PADDING)}" y="{coord(top + 13)}" font-weight="600">'
        f"{escape(gettext('Engagements'))}</text>"
    ]
    x = MAP_PADDING + 130
    entries = [(gettext("None"), MAP_NEUTRAL), *((c.label, c.colour) for c in classes)]
    for label, colour in entries:
        parts.append(
            f'<rect x="{coord(x)}" y="{coord(top)}" width="22" height="15" fill="{colour}"'
            f' stroke="{AXIS_COLOUR}" stroke-width="0.5"/>'
            f'<text x="{coord(x + 28)}" y="{coord(top + 13)}">{escape(label)}</text>'
        )
        x += 28 + 9 * len(label) + 24
    parts.append("</g>")
    return "".join(parts)
