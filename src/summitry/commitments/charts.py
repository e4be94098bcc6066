"""SVG for the tracker and the review, drawn in Python as the review's charts are: finished SVG
strings with presentation attributes (the pages' CSP allows no inline style; WeasyPrint runs no
JavaScript), a title and a description for screen readers."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape
from typing import Final

from summitry.web.charts import FONT, GRID_COLOUR, MUTED_TEXT_COLOUR, TEXT_COLOUR
from summitry.web.charts import coord as _n

TRACK_COLOUR: Final = "#e5e7eb"
PROMISED_COLOUR: Final = "#9a6700"
DELIVERED_COLOUR: Final = "#1f4e79"


def _open(kind: str, width: int, height: int, title: str, description: str) -> str:
    digest = hashlib.blake2s(repr((kind, title, description)).encode(), digest_size=4).hexdigest()
    title_id, desc_id = f"{kind}-{digest}-title", f"{kind}-{digest}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}"'
        f' viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet"'
        # Geometry is mirrored by hand for RTL: anchors must keep their LTR meaning.
        f' role="img" aria-labelledby="{title_id} {desc_id}" font-family="{escape(FONT)}"'
        ' direction="ltr">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )


def progress_bar_svg(share: Decimal | None, label: str, *, rtl: bool = False) -> str:
    """A bar filled to `share` (0 to 1), from the start of the line (the right in RTL)."""
    width, height = 120, 10
    filled = float(min(max(share or Decimal(0), Decimal(0)), Decimal(1))) * width
    x = width - filled if rtl else 0
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progress-bar"'
        f' viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-label="{escape(label, quote=True)}">'
        f'<rect width="{width}" height="{height}" rx="2" fill="{TRACK_COLOUR}"/>'
        f'<rect x="{_n(x)}" width="{_n(filled)}" height="{height}" rx="2"'
        f' fill="{DELIVERED_COLOUR}"/></svg>'
    )


def nice_top(maximum: float) -> float:
    """A round top for the axis: 1, 2 or 5 times a power of ten, at least `maximum`."""
    if maximum <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(maximum))) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= maximum:
            return float(step * magnitude)
    return float(10 * magnitude)


def timeline_svg(
    promised: Sequence[tuple[dt.date, Decimal]],
    delivered: Sequence[tuple[dt.date, Decimal]],
    *,
    start: dt.date,
    end: dt.date,
    labels: tuple[str, str],
    format_value: Callable[[float], str],
    title: str,
    description: str,
    rtl: bool = False,
) -> str:
    """Two step lines over time: the cumulative amount promised and the cumulative amount the
    evidence shows delivered, in one unit. `format_value` writes an axis value."""
    width, height = 640, 260
    left, right, top, bottom = 84, 16, 16, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    days = max((end - start).days, 1)

    def cumulative(points: Sequence[tuple[dt.date, Decimal]]) -> list[tuple[dt.date, Decimal]]:
        total = Decimal(0)
        steps = []
        for day, amount in sorted(points):
            total += amount
            steps.append((day, total))
        return steps

    lines = [cumulative(promised), cumulative(delivered)]
    maximum = max([float(v) for line in lines for _, v in line] or [0])
    ceiling = nice_top(maximum)

    # In RTL the axis labels stand on the right and time runs leftwards.
    x0 = right if rtl else left
    x1 = x0 + plot_w

    def x_of(day: dt.date) -> float:
        share = min(max((day - start).days / days, 0), 1)
        return x1 - share * plot_w if rtl else x0 + share * plot_w

    def y_of(value: Decimal | float) -> float:
        return top + plot_h - float(value) / ceiling * plot_h

    parts = [_open("timeline", width, height, title, description)]
    anchor = "start" if rtl else "end"
    axis_x = x1 + 6 if rtl else x0 - 6
    parts.append(f'<g font-size="11" fill="{MUTED_TEXT_COLOUR}" text-anchor="{anchor}">')
    for index in range(5):
        value = ceiling * index / 4
        y = y_of(value)
        parts.append(
            f'<line x1="{x0}" x2="{x1}" y1="{_n(y)}" y2="{_n(y)}"'
            f' stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{axis_x}" y="{_n(y + 4)}">{escape(format_value(value))}</text>'
        )
    parts.append("</g>")
    parts.append(f'<g font-size="11" fill="{MUTED_TEXT_COLOUR}" text-anchor="middle">')
    for year in range(start.year, end.year + 1):
        day = dt.date(year, 1, 1)
        if day < start:
            continue
        x = x_of(day)
        parts.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{top}" y2="{top + plot_h}"'
            f' stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{_n(x)}" y="{top + plot_h + 16}">{year}</text>'
        )
    parts.append("</g>")
    for steps, colour, dash, label in zip(
        lines, (PROMISED_COLOUR, DELIVERED_COLOUR), ("6 3", ""), labels, strict=True
    ):
        path = [f"M{_n(x_of(start))},{_n(y_of(0))}"]
        for day, total in steps:
            path.append(f"H{_n(x_of(day))}V{_n(y_of(total))}")
        path.append(f"H{_n(x_of(end))}")
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<path class="line" data-series="{escape(label, quote=True)}" d="{"".join(path)}"'
            f' fill="none" stroke="{colour}" stroke-width="2.5"{dashes}/>'
        )
    legend_y = height - 12
    for index, (colour, label) in enumerate(
        zip((PROMISED_COLOUR, DELIVERED_COLOUR), labels, strict=True)
    ):
        x = x1 - index * 260 - 18 if rtl else x0 + index * 260
        text_x, text_anchor = (x - 6, "end") if rtl else (x + 24, "start")
        parts.append(
            f'<rect x="{x}" y="{legend_y - 8}" width="18" height="4" fill="{colour}"/>'
            f'<text x="{text_x}" y="{legend_y - 3}" font-size="12" fill="{TEXT_COLOUR}"'
            f' text-anchor="{text_anchor}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
