"""The review as text, JSON, HTML (the web page and the PDF share one template) and PDF."""

from __future__ import annotations

import json
from typing import Any

from django.template.loader import render_to_string

from summitry.engagements.models import Kind
from summitry.review.queries import MONTHS, Review


def review_data(review: Review) -> dict[str, Any]:
    return {
        "year": review.year,
        "total": review.total,
        "by_kind": review.by_kind,
        "online": review.online,
        "online_share": review.online_share,
        "per_month": dict(zip(MONTHS, review.per_month, strict=True)),
        "per_region": review.per_region,
        "counterparts": {
            "leaders": review.counterpart_leaders,
            "countries": review.counterpart_countries,
            "organisations": review.counterpart_organisations,
        },
        "top_countries": [
            {"code": c.code, "name": c.name, "engagements": c.count} for c in review.top_countries
        ],
        "top_organisations": [
            {"acronym": o.code, "name": o.name, "engagements": o.count}
            for o in review.top_organisations
        ],
        "home_country": review.home_country,
        "principal": review.principal,
        "principal_by_kind": review.principal_by_kind,
        "sentence": review.sentence,
    }


def review_json(review: Review) -> str:
    return json.dumps(review_data(review), ensure_ascii=False, indent=2)


def review_text(review: Review) -> str:
    width = max(len(label) for label in Kind.labels)
    lines = [f"Yearly review {review.year}", "=" * 20, "", review.sentence, "", "By kind:"]
    lines += [f"  {kind.label:<{width}}  {review.by_kind[kind.value]:>5}" for kind in Kind]
    lines += [
        f"  {'Total':<{width}}  {review.total:>5}",
        f"  {'Online share':<{width}}  {review.online_share:>5}%",
        "",
        "Counterparts:",
        f"  leaders {review.counterpart_leaders}, countries {review.counterpart_countries}, "
        f"organisations {review.counterpart_organisations}",
        "",
        "Per month:",
        "  " + "  ".join(f"{m} {n}" for m, n in zip(MONTHS, review.per_month, strict=True)),
        "",
        "Per region:",
    ]
    lines += [f"  {region}: {count}" for region, count in review.per_region.items()] or ["  (none)"]
    lines += ["", "Top counterpart countries:"]
    lines += [f"  {c.name} ({c.code}): {c.count}" for c in review.top_countries] or ["  (none)"]
    lines += ["", "Top organisations:"]
    lines += [f"  {o.name} ({o.code}): {o.count}" for o in review.top_organisations] or ["  (none)"]
    return "\n".join(lines)


def review_context(review: Review) -> dict[str, Any]:
    from summitry.review import charts

    month_chart = charts.bar_chart_svg(
        MONTHS,
        review.per_month,
        title=f"Engagements per month, {review.year}",
        description=", ".join(f"{m}: {n}" for m, n in zip(MONTHS, review.per_month, strict=True)),
    )
    world_map = charts.world_map_svg(
        review.by_country,
        review.country_names,
        title=f"Engagements by counterpart country, {review.year}",
        description=", ".join(f"{c.name}: {c.count}" for c in review.top_countries),
    )
    kinds = [(kind.label, kind.value, review.by_kind[kind.value]) for kind in Kind]
    return {
        "review": review,
        "kinds": kinds,
        "months": list(zip(MONTHS, review.per_month, strict=True)),
        "month_chart": month_chart,
        "world_map": world_map,
    }


def review_pdf(review: Review) -> bytes:
    import weasyprint

    html = render_to_string("review/review_print.html", review_context(review))
    # Tagged (PDF/UA-1): headings, tables and reading order reach screen readers.
    pdf: bytes = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
