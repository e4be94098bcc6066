"""The calendar's kind colours: white marks on them meet WCAG AA contrast, and every kind has one."""

from __future__ import annotations

import re
from pathlib import Path

from summitry.engagements.models import Kind
from summitry.engagements.views import KIND_MARKS

PLANNER_CSS = (
    Path(__file__).resolve().parents[2] / "src/summitry/engagements/static/engagements/planner.css"
)
RULE = re.compile(r"\.kind-([a-z_]+) \.kind-mark \{ background: #([0-9a-f]{6}); \}")


def luminance(hex_colour: str) -> float:
    channels = []
    for i in (0, 2, 4):
        c = int(hex_colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_every_kind_has_a_colour_with_aa_contrast_and_a_text_mark() -> None:
    colours = dict(RULE.findall(PLANNER_CSS.read_text(encoding="utf-8")))
    assert set(colours) == set(Kind.values)
    for kind, colour in colours.items():
        contrast = (1.0 + 0.05) / (luminance(colour) + 0.05)
        assert contrast >= 4.5, (kind, colour, round(contrast, 2))
    marks = [str(KIND_MARKS[kind]) for kind in Kind.values]
    assert all(marks) and len(set(marks)) == len(marks)
