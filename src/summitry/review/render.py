"""The review as text, JSON, HTML (the web page and the PDF share one template) and PDF."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pycountry
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from summitry.engagements.models import Kind
from summitry.review import sentence
from summitry.review.queries import MONTHS, Review
from summitry.web.formats import locale


def _language(language: str | None) -> str:
    """The sentence's language: the one asked for, else the active one, else English."""
    return sentence.language_of(language or translation.get_language())


def in_language(review: Review, language: str | None = None) -> Review:
    """The review with its sentence written in `language` (the active language by default)."""
    code = _language(language)
    written = sentence.write(sentence.figures_of(review, code), code)
    return dataclasses.replace(review, sentence=written)


def _country(code: str, recorded: str) -> str:
    """A country's name for the reader: CLDR's in other languages, as recorded in English."""
    where = locale()
    if where.language == "en":
        return recorded
    return str(where.territories.get(code.upper()) or recorded)


def _reader_names(review: Review) -> Review:
    """The page's (not the JSON's) country names in the reader's language."""
    numeric = {c.numeric: c.alpha_2 for c in pycountry.countries}
    return dataclasses.replace(
        review,
        top_countries=[
            dataclasses.replace(c, name=_country(c.code, c.name)) for c in review.top_countries
        ],
        country_names={
            number: _country(numeric.get(number, ""), name)
            for number, name in review.country_names.items()
        },
    )


def month_names() -> list[str]:
    """The months' short names in the active language, from CLDR (Jan, janv., 1月…)."""
    names = locale().months["stand-alone"]["abbreviated"]
    return [str(names[month]) for month in range(1, 13)]


def review_data(
    review: Review, language: str | None = None, commitments: Any = None
) -> dict[str, Any]:
    """The figures; `sentence` stays the English one, `sentences` holds all six languages;
    `commitments` (review.commitments.Section) where asked for."""
    from summitry.review.commitments import section_data

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
        "knowledge": dataclasses.asdict(review.knowledge) if review.knowledge else None,
        "commitments": section_data(commitments) if commitments is not None else None,
        "language": _language(language),
        "sentences": {
            code: sentence.write(sentence.figures_of(review, code), code)
            for code in sentence.LANGUAGES
        },
    }


def review_json(review: Review, language: str | None = None, commitments: Any = None) -> str:
    return json.dumps(review_data(review, language, commitments), ensure_ascii=False, indent=2)


def review_text(review: Review, language: str | None = None, commitments: Any = None) -> str:
    """The review as text, its sentence in `language` and its labels in the active language."""
    sentence_text = in_language(review, language).sentence
    total, share = _("Total"), _("Online share")
    months = month_names()
    width = max(len(label) for label in [*map(str, Kind.labels), total, share])
    none = "  " + _("(none)")
    title = _("Yearly review %(year)s") % {"year": review.year}
    lines = [title, "=" * 20, "", sentence_text, "", _("By kind:")]
    lines += [f"  {kind.label:<{width}}  {review.by_kind[kind.value]:>5}" for kind in Kind]
    counterparts = _(
        "leaders %(leaders)s, countries %(countries)s, organisations %(organisations)s"
    ) % {
        "leaders": review.counterpart_leaders,
        "countries": review.counterpart_countries,
        "organisations": review.counterpart_organisations,
    }
    lines += [
        f"  {total:<{width}}  {review.total:>5}",
        f"  {share:<{width}}  {review.online_share:>5}%",
        "",
        _("Counterparts:"),
        f"  {counterparts}",
        "",
        _("Per month:"),
        "  " + "  ".join(f"{m} {n}" for m, n in zip(months, review.per_month, strict=True)),
        "",
        _("Per region:"),
    ]
    lines += [f"  {region}: {count}" for region, count in review.per_region.items()] or [none]
    lines += ["", _("Top counterpart countries:")]
    lines += [f"  {c.name} ({c.code}): {c.count}" for c in review.top_countries] or [none]
    lines += ["", _("Top organisations:")]
    lines += [f"  {o.name} ({o.code}): {o.count}" for o in review.top_organisations] or [none]
    if review.knowledge:
        shared = review.knowledge
        lines += [
            "",
            _("Knowledge shared:"),
            "  "
            + _(
                "video conferences %(conferences)s, countries reached %(countries)s, editions "
                "published %(editions)s, translations published %(translations)s"
            )
            % {
                "conferences": shared.conferences,
                "countries": shared.countries_reached,
                "editions": shared.editions,
                "translations": shared.translations,
            },
        ]
    if commitments is not None:
        from summitry.review.commitments import section_lines

        lines += ["", _("Commitments:"), *("  " + line for line in section_lines(commitments))]
    return "\n".join(lines)


def review_context(
    review: Review, language: str | None = None, commitments: Any = None
) -> dict[str, Any]:
    """The page's (and the PDF's) context; `review.sentence` is in `language` (else the active)."""
    from summitry.review import charts
    from summitry.web.charts import bar_chart_svg

    review = _reader_names(in_language(review, language))

    months = month_names()
    month_chart = bar_chart_svg(
        months,
        review.per_month,
        title=_("Engagements per month, %(year)s") % {"year": review.year},
        description=", ".join(f"{m}: {n}" for m, n in zip(months, review.per_month, strict=True)),
    )
    world_map = charts.world_map_svg(
        review.by_country,
        review.country_names,
        title=_("Engagements by counterpart country, %(year)s") % {"year": review.year},
        description=", ".join(f"{c.name}: {c.count}" for c in review.top_countries),
    )
    kinds = [(kind.label, kind.value, review.by_kind[kind.value]) for kind in Kind]
    return {
        "review": review,
        "kinds": kinds,
        "months": list(zip(months, review.per_month, strict=True)),
        "month_chart": month_chart,
        "world_map": world_map,
        # The commitments made in the year (review.commitments.Section), where asked for.
        "commitments": commitments,
    }


def _css_string(text: str) -> str:
    # Quotes and backslashes escaped; "<" too, so that no text can close the style element.
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def page_footer_css(year: int) -> SafeString:
    """The footer as a CSS `content` value: one translated sentence around the page counters."""
    pattern = _("Summitry · Yearly review %(year)s · page %(page)s of %(pages)s") % {
        "year": year,
        "page": "%(page)s",
        "pages": "%(pages)s",
    }
    parts = re.split(r"(%\(pages?\)s)", pattern)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    values = [counters.get(part) or _css_string(part) for part in parts if part]
    return mark_safe(" ".join(values))  # noqa: S308 - every text part escaped above


def review_pdf(review: Review, language: str | None = None, commitments: Any = None) -> bytes:
    """The PDF in `language` (else the active one): its sentence, its labels, its direction."""
    import weasyprint

    code = _language(language)
    with translation.override(code):
        context = review_context(review, code, commitments)
        context["language"] = code
        context["direction"] = "rtl" if translation.get_language_bidi() else "ltr"
        context["page_footer"] = page_footer_css(review.year)
        html = render_to_string("review/review_print.html", context)
    # Tagged (PDF/UA-1): headings, tables and reading order reach screen readers.
    pdf: bytes = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
