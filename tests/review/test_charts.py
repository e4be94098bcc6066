from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from summitry.review.charts import world_map_svg
from summitry.web import charts

pytestmark = pytest.mark.unit

NS = {"svg": charts.SVG_NS}
SVG = f"{{{charts.SVG_NS}}}"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
NAMES = {
    "156": "China",
    "840": "United States of America",
    "250": "France",
    "702": "Singapore",
    "798": "Tuvalu",
    "076": "Brazil",
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:rect[@class='bar']", NS)


def bar_chart(values: list[int], labels: list[str] | None = None) -> ET.Element:
    return parse(
        charts.bar_chart_svg(
            labels or MONTHS[: len(values)], values, title="Per month", description="Counts"
        )
    )


# Bar chart --------------------------------------------------------------------------------------


def test_bar_heights_are_proportional_to_values() -> None:
    values = [3, 7, 12, 0, 5, 9, 2, 1, 8, 11, 4, 6]
    rects = bars(bar_chart(values))
    assert [int(r.attrib["data-value"]) for r in rects] == values
    heights = [float(r.attrib["height"]) for r in rects]
    per_unit = heights[2] / 12
    for value, height in zip(values, heights, strict=True):
        assert height == pytest.approx(value * per_unit, abs=0.11)


def test_largest_value_has_the_tallest_bar_and_bars_stand_on_one_baseline() -> None:
    values = [2, 5, 17, 4]
    rects = bars(bar_chart(values))
    heights = [float(r.attrib["height"]) for r in rects]
    assert heights.index(max(heights)) == 2
    assert all(h > 0 for h in heights)
    bottoms = {round(float(r.attrib["y"]) + float(r.attrib["height"]), 1) for r in rects}
    assert len(bottoms) == 1


def test_axis_has_round_ticks_above_the_maximum() -> None:
    root = bar_chart([3, 7, 12])
    ticks = [int(t.text or "") for t in root.findall(".//svg:g[@class='grid']/svg:text", NS)]
    assert ticks == [0, 5, 10, 15]


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (0, [0, 1, 2, 3, 4]),
        (1, [0, 1, 2, 3, 4]),
        (5, [0, 1, 2, 3, 4, 5]),
        (7, [0, 2, 4, 6, 8]),
        (12, [0, 5, 10, 15]),
        (23, [0, 5, 10, 15, 20, 25]),
        (480, [0, 100, 200, 300, 400, 500]),
    ],
)
def test_nice_ticks(maximum: int, expected: list[int]) -> None:
    assert charts.nice_ticks(maximum) == expected


def test_all_zero_data_renders_flat_bars() -> None:
    root = bar_chart([0] * 12)
    rects = bars(root)
    assert len(rects) == 12
    assert all(float(r.attrib["height"]) == 0 for r in rects)
    values = [t.text for t in root.findall(".//svg:g[@class='values']/svg:text", NS)]
    assert values == ["0"] * 12


def test_no_data_at_all_renders() -> None:
    assert bars(bar_chart([], labels=[])) == []


def test_labels_and_values_must_match() -> None:
    with pytest.raises(ValueError, match="labels"):
        charts.bar_chart_svg(["Jan"], [1, 2], title="t", description="d")
    with pytest.raises(ValueError, match="negative"):
        charts.bar_chart_svg(["Jan"], [-1], title="t", description="d")


def test_text_is_escaped() -> None:
    svg = charts.bar_chart_svg(
        ["<&>", 'a"b'], [1, 2], title="Tom & Jerry <b>", description="x < y & z"
    )
    root = parse(svg)  # raw "<&>" would not parse
    labels = [t.text for t in root.findall(".//svg:g[@class='labels']/svg:text", NS)]
    assert labels == ["<&>", 'a"b']
    assert [r.attrib["data-label"] for r in bars(root)] == ["<&>", 'a"b']
    assert root.findtext("svg:title", namespaces=NS) == "Tom & Jerry <b>"
    assert root.findtext("svg:desc", namespaces=NS) == "x < y & z"
    assert "<b>" not in svg


def assert_accessible(root: ET.Element) -> None:
    assert root.attrib["role"] == "img"
    assert root.attrib["width"] == "100%"
    assert root.attrib["viewBox"].startswith("0 0 ")
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None
    assert desc is not None
    assert root.attrib["aria-labelledby"].split() == [title.attrib["id"], desc.attrib["id"]]


def test_bar_chart_is_accessible_and_ids_differ_between_charts() -> None:
    one = bar_chart([1, 2])
    other = parse(charts.bar_chart_svg(["a"], [1], title="Other", description="d"))
    assert_accessible(one)
    assert one.attrib["viewBox"] == "0 0 640 280"
    assert one.attrib["aria-labelledby"] != other.attrib["aria-labelledby"]


# Map data -----------------------------------------------------------------------------------------


def tiny_topology() -> dict[str, Any]:
    # Two squares sharing an edge; the second uses the shared arc reversed (~0 == -1).
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
        "arcs": [
            [[4, 0], [0, 4]],  # shared edge: (12, 20) → (12, 21)
            [[4, 4], [-4, 0], [0, -4], [4, 0]],  # (12, 21) → (10, 21) → (10, 20) → (12, 20)
            [[4, 0], [4, 0], [0, 4], [-4, 0]],  # (12, 20) → (14, 20) → (14, 21) → (12, 21)
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "id": "001",
                        "properties": {"name": "West"},
                        "arcs": [[0, 1]],
                    },
                    {"type": "MultiPolygon", "properties": {"name": "East"}, "arcs": [[[2, -1]]]},
                    {"type": None, "id": "003", "properties": {"name": "Nowhere"}},
                ],
            }
        },
    }


def test_decoder_delta_decodes_and_reverses_arcs() -> None:
    west, east = charts.decode_topology(tiny_topology())
    assert (west.code, west.name) == ("001", "West")
    assert west.polygons == (
        (((12.0, 20.0), (12.0, 21.0), (10.0, 21.0), (10.0, 20.0), (12.0, 20.0)),),
    )
    assert (east.code, east.name) == (None, "East")
    assert east.polygons == (
        (((12.0, 20.0), (14.0, 20.0), (14.0, 21.0), (12.0, 21.0), (12.0, 20.0)),),
    )


@pytest.fixture(scope="module")
def atlas() -> tuple[charts.AtlasFeature, ...]:
    return charts.load_atlas(charts.atlas_path())


def test_atlas_rings_are_closed_and_on_the_globe(atlas: tuple[charts.AtlasFeature, ...]) -> None:
    assert len(atlas) > 170
    rings = [ring for feature in atlas for polygon in feature.polygons for ring in polygon]
    assert all(len(ring) >= 4 and ring[0] == ring[-1] for ring in rings)
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for ring in rings for lon, lat in ring)
    china = next(f for f in atlas if f.code == "156")
    lons = [lon for polygon in china.polygons for lon, _ in polygon[0]]
    assert 73 < min(lons) < 75 and 134 < max(lons) < 136


def projected(atlas: tuple[charts.AtlasFeature, ...]) -> Iterator[tuple[str, list[charts.Point]]]:
    for feature in atlas:
        for ring in charts.projected_rings(feature):
            yield feature.name, ring


def test_projected_rings_are_closed_in_bounds_and_without_streaks(
    atlas: tuple[charts.AtlasFeature, ...],
) -> None:
    for name, ring in projected(atlas):
        assert ring[0] == ring[-1], name
        assert all(0 <= x <= charts.MAP_WIDTH and 0 <= y <= charts.MAP_HEIGHT for x, y in ring)
        # A ring drawn across the antimeridian would jump most of the map's width.
        longest = max(math.dist(a, b) for a, b in itertools.pairwise(ring))
        assert longest < 60, name


def test_rings_across_the_antimeridian_are_split_per_side(
    atlas: tuple[charts.AtlasFeature, ...],
) -> None:
    for name in ("Russia", "Fiji"):
        feature = next(f for f in atlas if f.name == name)
        xs = [x for ring in charts.projected_rings(feature) for x, _ in ring]
        assert min(xs) < charts.MAP_WIDTH * 0.2 and max(xs) > charts.MAP_WIDTH * 0.8, name
    square = ((170.0, 0.0), (-170.0, 0.0), (-170.0, 10.0), (170.0, 10.0), (170.0, 0.0))
    west, east = sorted(charts.cut_at_antimeridian(square), key=lambda p: sum(lon for lon, _ in p))
    assert all(170 <= lon <= 180 for lon, _ in east)
    assert all(-180 <= lon <= -170 for lon, _ in west)
    assert east[0] == east[-1] and west[0] == west[-1]


def test_ring_around_a_pole_is_closed_through_the_pole() -> None:
    ring = ((-180.0, -70.0), (0.0, -65.0), (180.0, -70.0), (-180.0, -70.0))
    (piece,) = charts.cut_at_antimeridian(ring)
    assert piece[0] == piece[-1]
    assert min(lat for _, lat in piece) == -90
    assert {lon for lon, lat in piece if lat == -90} >= {-180.0, 180.0}


def test_equal_earth_is_north_up_and_equal_area() -> None:
    assert charts.project(0, 0) == pytest.approx((charts.MAP_WIDTH / 2, charts.MAP_HEIGHT / 2))
    assert charts.project(0, 60)[1] < charts.project(0, 0)[1]  # north is up
    assert charts.project(90, 0)[0] > charts.project(0, 0)[0]  # east is right

    def cell_area(lat: float) -> float:
        (x0, y0), (x1, y1) = charts.equal_earth(0, lat), charts.equal_earth(1, lat + 1)
        return abs((x1 - x0) * (y1 - y0))

    # On the sphere a one-degree cell's area goes as sin(lat + 1) - sin(lat).
    sphere = math.sin(math.radians(61)) - math.sin(math.radians(60))
    assert cell_area(60) / cell_area(0) == pytest.approx(
        sphere / math.sin(math.radians(1)), rel=0.01
    )


def test_atlas_path_follows_settings_and_names_npm_ci(tmp_path: Path) -> None:
    assert charts.atlas_path().name == "countries-110m.json"
    with (
        override_settings(NODE_MODULES_DIR=tmp_path),
        pytest.raises(charts.AtlasMissingError, match="npm ci"),
    ):
        charts.atlas_path()


# World map --------------------------------------------------------------------------------

COUNTS = {"156": 3, "840": 30, "250": 0, "702": 4, "798": 2, "076": 1}


@pytest.fixture(scope="module")
def world_svg() -> str:
    return world_map_svg(COUNTS, NAMES, title="By country <2025>", description="A & B")


def country(root: ET.Element, code: str) -> ET.Element:
    found = root.find(f".//svg:path[@data-code='{code}']", NS)
    assert found is not None, code
    return found


def test_map_is_accessible_xml_and_small(world_svg: str) -> None:
    root = parse(world_svg)
    assert_accessible(root)
    assert root.findtext("svg:title", namespaces=NS) == "By country <2025>"
    assert len(world_svg.encode()) < 150_000
    paths = root.findall(".//svg:path[@class='country']", NS)
    assert len(paths) > 170


def test_china_carries_its_count_tooltip_and_a_class_colour(world_svg: str) -> None:
    china = country(parse(world_svg), "156")
    assert china.attrib["data-count"] == "3"
    assert china.findtext("svg:title", namespaces=NS) == "China: 3 engagements"
    assert china.attrib["fill"] in charts.MAP_PALETTE
    assert len(china.attrib["d"]) > 100


def test_darker_colour_for_more_engagements(world_svg: str) -> None:
    root = parse(world_svg)
    usa, china, brazil = (country(root, code).attrib["fill"] for code in ("840", "156", "076"))
    order = charts.MAP_PALETTE.index
    assert order(usa) > order(china) > order(brazil)
    assert usa == charts.MAP_PALETTE[-1]


def test_zero_and_absent_countries_are_neutral(world_svg: str) -> None:
    root = parse(world_svg)
    france, india = country(root, "250"), country(root, "356")
    assert france.attrib["fill"] == charts.MAP_NEUTRAL
    assert france.findtext("svg:title", namespaces=NS) == "France: no engagements"
    assert india.attrib["data-count"] == "0"
    assert india.attrib["fill"] == charts.MAP_NEUTRAL
    assert india.findtext("svg:title", namespaces=NS) == "India: no engagements"


def test_features_without_a_code_are_neutral(world_svg: str) -> None:
    nameless = parse(world_svg).findall(".//svg:path[@class='country no-code']", NS)
    assert {p.findtext("svg:title", namespaces=NS) for p in nameless} >= {"Kosovo", "N. Cyprus"}
    assert all(p.attrib["fill"] == charts.MAP_NEUTRAL for p in nameless)


def test_every_country_with_engagements_appears(world_svg: str) -> None:
    root = parse(world_svg)
    shown = {
        element.attrib["data-code"]: element.attrib["data-count"]
        for element in root.iter()
        if "data-code" in element.attrib
    }
    for code, count in COUNTS.items():
        assert shown[code] == str(count), code
    # Singapore is too small for the 110m data: it gets a dot placed from the 50m data.
    singapore = country(root, "702")
    assert "small-state" in singapore.attrib["class"]
    # Tuvalu is in neither: it is listed under the map.
    unplaced = root.find(".//svg:text[@class='unplaced']", NS)
    assert unplaced is not None
    assert "Tuvalu (2)" in "".join(unplaced.itertext())


def test_legend_shows_the_classes(world_svg: str) -> None:
    legend = parse(world_svg).find(".//svg:g[@class='legend']", NS)
    assert legend is not None
    labels = [t.text for t in legend.findall("svg:text", NS)]
    assert labels == [
        "Engagements",
        "None",
        "1",
        "2\u20134",
        "5\u20139",
        "10\u201319",
        "20\u201330",
    ]
    fills = [r.attrib["fill"] for r in legend.findall("svg:rect", NS)]
    assert fills == [charts.MAP_NEUTRAL, *charts.MAP_PALETTE]


@pytest.mark.parametrize(
    ("maximum", "labels"),
    [
        (0, []),
        (1, ["1"]),
        (3, ["1", "2", "3"]),
        (5, ["1", "2", "3", "4", "5"]),
        (12, ["1", "2", "3\u20134", "5\u20139", "10\u201312"]),
        (30, ["1", "2\u20134", "5\u20139", "10\u201319", "20\u201330"]),
    ],
)
def test_map_classes(maximum: int, labels: list[str]) -> None:
    classes = charts.map_classes(maximum)
    assert [c.label for c in classes] == labels
    assert len({c.colour for c in classes}) == len(classes)
    if classes:
        assert classes[-1].colour == charts.MAP_PALETTE[-1] or len(classes) == 1


def test_empty_map_renders_all_neutral() -> None:
    root = parse(world_map_svg({}, {}, title="Nothing", description="No engagements"))
    fills = {p.attrib["fill"] for p in root.findall(".//svg:path[@class='country']", NS)}
    assert fills == {charts.MAP_NEUTRAL}


def test_geometry_is_projected_once() -> None:
    path = charts.atlas_path()
    assert charts.map_shapes(path) is charts.map_shapes(path)
