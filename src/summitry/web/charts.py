"""SVG charts and maps drawn in Python, for the review and every other page that draws one.

The web page and its PDF share one template and WeasyPrint runs no JavaScript, so the charts are
finished SVG strings. They use presentation attributes rather than a <style> element because an
inline SVG's stylesheet would apply to the whole HTML page.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, Final

SVG_NS: Final = "http://www.w3.org/2000/svg"
FONT: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT_COLOUR: Final = "#1f2937"
MUTED_TEXT_COLOUR: Final = "#4b5563"
GRID_COLOUR: Final = "#d1d5db"
AXIS_COLOUR: Final = "#6b7280"
BAR_COLOUR: Final = "#1f4e79"

# Light to dark; the lightest is still clearly blue next to the neutral grey.
MAP_PALETTE: Final = ("#c6dbef", "#8fc0e0", "#4b97c9", "#1f6aa5", "#0b3d75")
MAP_NEUTRAL: Final = "#e5e7eb"
MAP_SPHERE: Final = "#f5f8fb"

ATLAS_FILE: Final = Path("world-atlas") / "countries-110m.json"
# Small states (Singapore, Malta, Monaco…) are missing at 110m; the 50m file places a dot for them.
DETAIL_ATLAS_FILE: Final = Path("world-atlas") / "countries-50m.json"

LonLat = tuple[float, float]
Point = tuple[float, float]
Ring = tuple[LonLat, ...]


def attr(value: object) -> str:
    return escape(str(value), quote=True)


def _ids(kind: str, *parts: object) -> tuple[str, str]:
    # Deterministic ids: stable output, and two charts on one page do not share title ids.
    digest = hashlib.blake2s(repr(parts).encode(), digest_size=4).hexdigest()
    return f"{kind}-{digest}-title", f"{kind}-{digest}-desc"


def svg_open(kind: str, width: float, height: float, title: str, description: str) -> str:
    title_id, desc_id = _ids(kind, width, height, title, description)
    return (
        f'<svg xmlns="{SVG_NS}" class="chart chart-{kind}"'
        f' viewBox="0 0 {coord(width)} {coord(height)}"'
        f' width="100%" preserveAspectRatio="xMidYMid meet" role="img"'
        f' aria-labelledby="{title_id} {desc_id}" font-family="{attr(FONT)}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )


def coord(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zero."""
    text = f"{value:.1f}"
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


# Bar chart ------------------------------------------------------------------------------------


def nice_ticks(maximum: int, *, max_intervals: int = 5, minimum_top: int = 4) -> list[int]:
    """Round gridline values from 0 up to at least `maximum`: 0, 1, 2… or 0, 2, 4… or 0, 5, 10…

    `minimum_top` keeps small or all-zero data from filling the whole height with one bar.
    """
    top = max(maximum, minimum_top, 1)
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * magnitude
            intervals = math.ceil(top / step)
            if intervals <= max_intervals:
                return [step * i for i in range(intervals + 1)]
        magnitude *= 10


def bar_chart_svg(
    labels: Sequence[str], values: Sequence[int], *, title: str, description: str
) -> str:
    """A vertical bar chart with value labels, round gridlines and category labels."""
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels but {len(values)} values")
    if any(value < 0 for value in values):
        raise ValueError("bar chart values must not be negative")

    width, height = 640, 280
    left, right, top, bottom = 44, 12, 24, 32
    plot_width, plot_height = width - left - right, height - top - bottom
    baseline = top + plot_height
    ticks = nice_ticks(max(values, default=0))
    scale = plot_height / ticks[-1]
    slot = plot_width / max(len(values), 1)
    bar_width = slot * 0.62

    parts = [svg_open("bar", width, height, title, description)]
    parts.append(f'<g class="grid" font-size="11" fill="{MUTED_TEXT_COLOUR}" text-anchor="end">')
    for tick in ticks:
        y = baseline - tick * scale
        colour = AXIS_COLOUR if tick == 0 else GRID_COLOUR
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{coord(y)}" y2="{coord(y)}"'
            f' stroke="{colour}" stroke-width="1"/>'
            f'<text x="{left - 8}" y="{coord(y + 4)}">{tick}</text>'
        )
    parts.append("</g>")

    parts.append(f'<g class="bars" fill="{BAR_COLOUR}">')
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * slot + (slot - bar_width) / 2
        bar_height = value * scale
        parts.append(
            f'<rect class="bar" data-label="{attr(label)}" data-value="{value}"'
            f' x="{coord(x)}" y="{coord(baseline - bar_height)}" width="{coord(bar_width)}"'
            f' height="{coord(bar_height)}"><title>{escape(label)}: {value}</title></rect>'
        )
    parts.append("</g>")

    parts.append(
        f'<g class="values" font-size="12" font-weight="600" fill="{TEXT_COLOUR}"'
        ' text-anchor="middle">'
    )
    for index, value in enumerate(values):
        x = left + (index + 0.5) * slot
        value_y = baseline - value * scale - 6
        parts.append(f'<text x="{coord(x)}" y="{coord(value_y)}">{value}</text>')
    parts.append("</g>")

    parts.append(
        f'<g class="labels" font-size="12" fill="{MUTED_TEXT_COLOUR}" text-anchor="middle">'
    )
    for index, label in enumerate(labels):
        x = left + (index + 0.5) * slot
        parts.append(f'<text x="{coord(x)}" y="{baseline + 20}">{escape(label)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)


# Map data ---------------------------------------------------------------------------------------


class AtlasMissingError(RuntimeError):
    pass


def atlas_path(file: Path = ATLAS_FILE) -> Path:
    """Where the world-atlas TopoJSON lives: it is an npm package installed at set-up."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        node_modules = Path(settings.NODE_MODULES_DIR)
    except (ImproperlyConfigured, AttributeError):
        # Outside Django (a script, a notebook): the same fallbacks the settings module uses.
        default = Path(__file__).resolve().parents[3] / "node_modules"
        node_modules = Path(os.environ.get("SUMMITRY_NODE_MODULES", default))
    path = node_modules / file
    if not path.is_file():
        raise AtlasMissingError(
            f"Map data not found at {path}. Install the front-end packages with `npm ci`"
            " (or `make setup`) in the repository root."
        )
    return path


@dataclass(frozen=True, slots=True)
class AtlasFeature:
    code: str | None  # ISO 3166-1 numeric, e.g. "156"; None for N. Cyprus, Kosovo, Somaliland
    name: str
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: outer ring, then holes; lon/lat degrees


def _decode_arcs(topology: Mapping[str, Any]) -> list[list[LonLat]]:
    transform = topology.get("transform")
    arcs: list[list[LonLat]] = []
    for raw_arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in raw_arc])
            continue
        (scale_x, scale_y), (shift_x, shift_y) = transform["scale"], transform["translate"]
        # Quantized arcs store the first position, then deltas from the previous one.
        x = y = 0
        arc: list[LonLat] = []
        for position in raw_arc:
            x += position[0]
            y += position[1]
            arc.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(arc)
    return arcs


def _ring(arc_indexes: Sequence[int], arcs: Sequence[Sequence[LonLat]]) -> Ring:
    points: list[LonLat] = []
    for index in arc_indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining position.
        points.extend(arc if not points else arc[1:])
    return tuple(points)


def decode_topology(
    topology: Mapping[str, Any], object_name: str = "countries"
) -> list[AtlasFeature]:
    """The Polygon and MultiPolygon features of one TopoJSON object, as lon/lat rings."""
    arcs = _decode_arcs(topology)
    features = []
    for geometry in topology["objects"][object_name]["geometries"]:
        match geometry.get("type"):
            case "Polygon":
                polygons = [geometry["arcs"]]
            case "MultiPolygon":
                polygons = geometry["arcs"]
            case _:
                continue
        raw_id = geometry.get("id")
        features.append(
            AtlasFeature(
                code=None if raw_id is None else str(raw_id),
                name=str(geometry.get("properties", {}).get("name", "")),
                polygons=tuple(
                    tuple(_ring(ring, arcs) for ring in polygon) for polygon in polygons
                ),
            )
        )
    return features


@functools.cache
def load_atlas(path: Path) -> tuple[AtlasFeature, ...]:
    with path.open(encoding="utf-8") as handle:
        return tuple(decode_topology(json.load(handle)))


# Projection ---------------------------------------------------------------------------------------

# Equal Earth (Šavrič, Patterson, Jenny 2018): equal-area, so large countries are not exaggerated
# the way Mercator inflates Russia and Canada.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> Point:
    """Equal Earth projection of degrees to unit coordinates, y pointing north."""
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (2 * math.sqrt(3) * math.radians(lon) * math.cos(theta)) / (
        3 * (9 * _A4 * t6 * t2 + 7 * _A3 * t6 + 3 * _A2 * t2 + _A1)
    )
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


EQUAL_EARTH_MAX_X: Final = equal_earth(180, 0)[0]
EQUAL_EARTH_MAX_Y: Final = equal_earth(0, 90)[1]

MAP_WIDTH: Final = 960.0
MAP_PADDING: Final = 4.0
MAP_SCALE: Final = (MAP_WIDTH - 2 * MAP_PADDING) / (2 * EQUAL_EARTH_MAX_X)
MAP_HEIGHT: Final = 2 * EQUAL_EARTH_MAX_Y * MAP_SCALE + 2 * MAP_PADDING


def project(lon: float, lat: float) -> Point:
    """Map coordinates in the SVG's frame: origin top left, y down."""
    x, y = equal_earth(lon, lat)
    return MAP_WIDTH / 2 + x * MAP_SCALE, MAP_HEIGHT / 2 - y * MAP_SCALE


def _steps(start: float, end: float, step: float = 2.0) -> list[float]:
    count = max(1, math.ceil(abs(end - start) / step))
    return [start + (end - start) * i / count for i in range(1, count + 1)]


def _crossing(a: LonLat, b: LonLat) -> tuple[float, float]:
    """Latitude and side (±180) where the segment a→b crosses the antimeridian."""
    side = 180.0 if a[0] > 0 else -180.0
    b_lon = b[0] + (360.0 if side > 0 else -360.0)
    span = b_lon - a[0]
    t = 0.0 if span == 0 else (side - a[0]) / span
    return a[1] + t * (b[1] - a[1]), side


def cut_at_antimeridian(ring: Ring) -> list[list[LonLat]]:
    """Closed lon/lat rings that never jump across the antimeridian.

    World-atlas keeps Russia's, Fiji's and Antarctica's rings whole on the sphere, so drawn flat
    a ring would streak across the map. Each piece between two crossings is closed along the map
    edge (or via the pole for a ring around a pole). Pieces of one ring on the same side can
    overlap, so the paths are filled with the even-odd rule, which makes the overlaps come out
    right.
    """
    points = list(ring[:-1]) if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    count = len(points)
    crossings = [i for i in range(count) if abs(points[(i + 1) % count][0] - points[i][0]) > 180]
    if not crossings:
        return [[*points, points[0]]] if points else []

    # Start right after a crossing so every piece begins and ends on the antimeridian.
    first = crossings[0]
    sequence = points[first + 1 :] + points[: first + 1]
    lat, side = _crossing(sequence[-1], sequence[0])
    pieces: list[list[LonLat]] = []
    current: list[LonLat] = [(-side, lat)]
    for a, b in zip(sequence, sequence[1:] + sequence[:1], strict=True):
        current.append(a)
        if abs(b[0] - a[0]) > 180:
            lat, side = _crossing(a, b)
            current.append((side, lat))
            pieces.append(current)
            current = [(-side, lat)]

    pole = -90.0 if sum(p[1] for p in points) < 0 else 90.0
    closed: list[list[LonLat]] = []
    for piece in pieces:
        piece = [p for i, p in enumerate(piece) if i == 0 or p != piece[i - 1]]
        if all(abs(lon) == 180 for lon, _ in piece):
            continue  # lies along the edge: no area
        (start_lon, start_lat), (end_lon, end_lat) = piece[0], piece[-1]
        if start_lon == end_lon:
            piece += [(end_lon, la) for la in _steps(end_lat, start_lat)]
        else:
            piece += [(end_lon, la) for la in _steps(end_lat, pole)]
            piece += [(lo, pole) for lo in _steps(end_lon, start_lon, 10.0)]
            piece += [(start_lon, la) for la in _steps(pole, start_lat)]
        closed.append(piece)
    return closed


def projected_rings(feature: AtlasFeature) -> list[list[Point]]:
    return [
        [project(lon, lat) for lon, lat in piece]
        for polygon in feature.polygons
        for ring in polygon
        for piece in cut_at_antimeridian(ring)
    ]


def _tenths(value: int) -> str:
    whole, fraction = divmod(abs(value), 10)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def _path_data(rings: Iterable[Sequence[Point]]) -> str:
    """Compact path data: whole tenths, relative moves, repeated points dropped."""
    out: list[str] = []
    for ring in rings:
        quantized: list[tuple[int, int]] = []
        for x, y in ring:
            q = (round(x * 10), round(y * 10))
            if not quantized or q != quantized[-1]:
                quantized.append(q)
        if len(quantized) > 1 and quantized[-1] == quantized[0]:
            quantized.pop()  # `z` closes it
        if len(quantized) < 3:
            continue
        (x0, y0), text = quantized[0], list[str]()
        for (px, py), (qx, qy) in itertools.pairwise(quantized):
            for value in (qx - px, qy - py):
                number = _tenths(value)
                text.append(number if number.startswith("-") or not text else " " + number)
        out.append(f"M{_tenths(x0)} {_tenths(y0)}l{''.join(text)}z")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class MapShape:
    code: str | None
    name: str
    path: str  # SVG path data in the map's frame


@functools.cache
def map_shapes(path: Path) -> tuple[MapShape, ...]:
    """Decoded and projected once per process; a render only picks colours."""
    return tuple(
        MapShape(feature.code, feature.name, _path_data(projected_rings(feature)))
        for feature in load_atlas(path)
    )


def _largest_ring(feature: AtlasFeature) -> Ring:
    def area(ring: Ring) -> float:
        return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2)

    return max((polygon[0] for polygon in feature.polygons if polygon), key=area)


@functools.cache
def small_state_positions(path: Path) -> dict[str, Point]:
    """Projected centre of each state's largest polygon, for states too small for the main map."""
    positions: dict[str, Point] = {}
    for feature in load_atlas(path):
        if feature.code is None or not feature.polygons:
            continue
        ring = _largest_ring(feature)
        lons = [lon for lon, _ in ring]
        if max(lons) - min(lons) > 180:  # an island astride the antimeridian
            lons = [lon + 360 if lon < 0 else lon for lon in lons]
        lats = [lat for _, lat in ring]
        lon = (min(lons) + max(lons)) / 2
        positions[feature.code] = project(
            lon - 360 if lon > 180 else lon, (min(lats) + max(lats)) / 2
        )
    return positions


# Choropleth ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapClass:
    low: int
    high: int
    colour: str

    @property
    def label(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}\u2013{self.high}"


def map_classes(maximum: int) -> list[MapClass]:
    """Up to five count buckets: one per value for small counts, roughly geometric above that.

    Engagements per country are skewed (a few neighbours and partners dominate), so equal-width
    buckets would leave most countries in the lightest class.
    """
    if maximum <= 0:
        return []
    if maximum <= len(MAP_PALETTE):
        lows = list(range(1, maximum + 1))
    else:
        lows = []
        for i in range(len(MAP_PALETTE)):
            low = _round_nice(maximum ** (i / len(MAP_PALETTE)))
            if not lows or low > lows[-1]:
                lows.append(low)
    highs = [low - 1 for low in lows[1:]] + [maximum]
    spread = len(MAP_PALETTE) - 1
    colours = [
        MAP_PALETTE[round(i * spread / (len(lows) - 1)) if len(lows) > 1 else spread // 2]
        for i in range(len(lows))
    ]
    return [MapClass(lo, hi, colour) for lo, hi, colour in zip(lows, highs, colours, strict=True)]


def _round_nice(value: float) -> int:
    """The nearest of 1, 2, 3, 5, 10, 20, 30, 50, 100… on a log scale."""
    if value < 1.5:
        return 1
    candidates = [int(m * 10**e) for e in range(7) for m in (1, 2, 3, 5)]
    return min(candidates, key=lambda c: abs(math.log(c) - math.log(value)))


def class_colour(count: int, classes: Sequence[MapClass]) -> str:
    for bucket in classes:
        if bucket.low <= count <= bucket.high:
            return bucket.colour
    return MAP_NEUTRAL


def dot_path(x: float, y: float, radius: float = 4.5) -> str:
    return (
        f"M{coord(x - radius)} {coord(y)}a{radius} {radius} 0 1 0 {radius * 2} 0"
        f"a{radius} {radius} 0 1 0 {-radius * 2} 0z"
    )


@functools.cache
def outline_path() -> str:
    """The projection's edge: the ±180° meridians joined by the flat pole lines."""
    east = [project(180, lat) for lat in range(-90, 91, 5)]
    west = [project(-180, lat) for lat in range(90, -91, -5)]
    return _path_data([east + west])
