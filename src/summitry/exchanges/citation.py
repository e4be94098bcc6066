"""How an edition or translation is cited and described to machines: one description, written
as a citation, as RIS and CSL-JSON downloads (what Zotero, EndNote, Mendeley and Pandoc read),
as Dublin Core meta tags and as schema.org JSON-LD for the page's head.

Every form is built from `describe`, so the page, the downloads and the metadata agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from summitry.directory.names import language_name
from summitry.knowledge.models import Edition, Translation
from summitry.knowledge.queries import visible_editions, visible_translations

RIS_TYPE = "application/x-research-info-systems; charset=utf-8"
CSL_TYPE = "application/vnd.citationstyles.csl+json; charset=utf-8"


def bcp47(code: str) -> str:
    """A Django language code as RFC 5646 writes it ("zh-hans" is "zh-Hans")."""
    parts = code.split("-")
    return "-".join(
        [parts[0].lower()]
        + [p.title() if len(p) == 4 else p.upper() if len(p) == 2 else p for p in parts[1:]]
    )


@dataclass(frozen=True)
class Description:
    title: str
    # The edition's own name ("Trial Version 7"), else its number as a version.
    version: str
    number: int
    publisher: str
    date: str  # ISO date, or ""
    language: str  # BCP 47
    url: str
    topics: tuple[str, ...]
    summary: str
    translator: str = ""
    # For a translation: the edition it translates.
    original_url: str = ""
    file_format: str = ""


_FORMATS = {
    "markdown": "text/markdown",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def describe(edition: Edition, translation: Translation | None, site: str) -> Description:
    work = edition.work
    document = translation or edition
    published = document.published_on
    return Description(
        title=(translation.title if translation and translation.title else work.title),
        version=edition.label or str(edition.number),
        number=edition.number,
        publisher=work.publisher,
        date=published.isoformat() if published else "",
        language=bcp47(translation.language if translation else work.language),
        url=site + document.get_absolute_url(),
        topics=tuple(t.name for t in work.topics.all()),
        summary=edition.changes or work.summary,
        translator=translation.translator if translation else "",
        original_url=site + edition.get_absolute_url() if translation else "",
        file_format=_FORMATS.get(document.text_format, ""),
    )


def citation_text(d: Description) -> str:
    """A citation in the reader's language: publisher, title and version, date, language, URL."""
    parts = [d.publisher] if d.publisher else []
    parts.append(
        _("%(title)s (%(version)s)") % {"title": d.title, "version": d.version}
        if d.version != str(d.number)
        else _("%(title)s, edition %(number)d") % {"title": d.title, "number": d.number}
    )
    if d.translator:
        parts.append(_("Translated by %(translator)s") % {"translator": d.translator})
    if d.date:
        parts.append(d.date)
    parts.append(language_name(d.language))
    parts.append(d.url)
    return ". ".join(p.rstrip(".") for p in parts)


def _line(tag: str, value: str) -> str:
    # RIS is one field a line: a value never carries a line break.
    return f"{tag}  - {' '.join(value.split())}"


def ris(d: Description) -> str:
    lines = [_line("TY", "GOVDOC" if d.publisher else "GEN"), _line("TI", d.title)]
    if d.publisher:
        lines += [_line("AU", d.publisher), _line("PB", d.publisher)]
    if d.translator:
        lines.append(_line("A4", d.translator))
    if d.date:
        lines += [_line("DA", d.date.replace("-", "/")), _line("PY", d.date[:4])]
    lines += [_line("ET", d.version), _line("LA", d.language), _line("UR", d.url)]
    lines += [_line("KW", topic) for topic in d.topics]
    if d.summary:
        lines.append(_line("AB", d.summary))
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"


def csl_json(d: Description) -> str:
    item: dict[str, Any] = {
        "id": d.url,
        "type": "report",
        "title": d.title,
        "version": d.version,
        "edition": str(d.number),
        "language": d.language,
        "URL": d.url,
    }
    if d.publisher:
        item["author"] = [{"literal": d.publisher}]
        item["publisher"] = d.publisher
    if d.translator:
        item["translator"] = [{"literal": d.translator}]
    if d.date:
        item["issued"] = {"date-parts": [[int(p) for p in d.date.split("-")]]}
    if d.summary:
        item["abstract"] = d.summary
    if d.topics:
        item["keyword"] = ", ".join(d.topics)
    return json.dumps([item], ensure_ascii=False, indent=2)


def dublin_core_meta(d: Description) -> SafeString:
    """Dublin Core (and the citation_* tags reference managers read) for the page's head."""
    pairs = [("DC.title", d.title), ("DC.identifier", d.url), ("DC.language", d.language)]
    pairs += [("DC.type", "Text"), ("DC.relation.hasVersion", d.version)]
    if d.publisher:
        pairs += [("DC.publisher", d.publisher), ("DC.creator", d.publisher)]
    if d.translator:
        pairs.append(("DC.contributor", d.translator))
    if d.date:
        pairs += [("DC.date", d.date), ("citation_publication_date", d.date.replace("-", "/"))]
    if d.file_format:
        pairs.append(("DC.format", d.file_format))
    if d.original_url:
        pairs.append(("DC.relation.isVersionOf", d.original_url))
    pairs += [("DC.subject", topic) for topic in d.topics]
    if d.summary:
        pairs.append(("DC.description", d.summary))
    pairs += [("citation_title", d.title), ("citation_language", d.language)]
    if d.publisher:
        pairs += [("citation_publisher", d.publisher), ("citation_author", d.publisher)]
    link = format_html('<link rel="schema.DC" href="{}">\n', "http://purl.org/dc/elements/1.1/")
    tags = format_html_join("\n", '<meta name="{}" content="{}">', pairs)
    return mark_safe(link + tags)  # noqa: S308 (both parts built by format_html)


def json_ld(d: Description) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": d.url,
        "url": d.url,
        "name": d.title,
        "version": d.version,
        "bookEdition": str(d.number),
        "inLanguage": d.language,
    }
    if d.publisher:
        data["publisher"] = {"@type": "Organization", "name": d.publisher}
        data["author"] = {"@type": "Organization", "name": d.publisher}
    if d.date:
        data["datePublished"] = d.date
    if d.topics:
        data["keywords"] = list(d.topics)
    if d.summary:
        data["abstract"] = d.summary
    if d.file_format:
        data["encodingFormat"] = d.file_format
    if d.translator:
        data["translator"] = {"@type": "Organization", "name": d.translator}
    if d.original_url:
        data["translationOfWork"] = {"@id": d.original_url}
    return data


# JSON inside a <script> element: nothing in it may close the element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(d: Description) -> SafeString:
    """schema.org JSON-LD: a data block (type application/ld+json), which the browser never runs,
    so the strict CSP (script-src 'self') has nothing to allow."""
    body = json.dumps(json_ld(d), ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{body}</script>')  # noqa: S308


def _found(request: HttpRequest, slug: str, number: int, language: str | None) -> Description:
    edition = get_object_or_404(
        visible_editions(request.user).select_related("work"), work__slug=slug, number=number
    )
    translation = None
    if language is not None:
        translation = (
            visible_translations(request.user)
            .filter(edition=edition, language=language.lower())
            .first()
        )
        if translation is None:
            raise Http404(_("This edition has no translation in this language."))
    return describe(edition, translation, f"{request.scheme}://{request.get_host()}")


def cite(
    request: HttpRequest, slug: str, number: int, fmt: str, language: str | None = None
) -> HttpResponse:
    """The citation as a file to import into a reference manager: RIS or CSL-JSON."""
    if fmt not in {"ris", "json"}:
        raise Http404(_("Citations are given as .ris or .json."))
    d = _found(request, slug, number, language)
    name = f"{slug}-{number}{f'-{language}' if language else ''}"
    if fmt == "ris":
        response = HttpResponse(ris(d), content_type=RIS_TYPE)
    else:
        response = HttpResponse(csl_json(d), content_type=CSL_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
