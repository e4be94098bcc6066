"""Read-side selectors for the knowledge centre, each starting from the one access rule.

The rule: a work that names no country is shared with everyone, the public included; a work
that names countries is seen only by readers who hold an access grant for one of them, and by
the publisher's editors. Editions, translations, downloads and search all go through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pycountry
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils.safestring import SafeString
from django.utils.translation.trans_real import parse_accept_lang_header

from summitry.knowledge.models import (
    AccessGrant,
    DownloadCount,
    Edition,
    Topic,
    Translation,
    Work,
)
from summitry.knowledge.search import EDITION_TEXT, TRANSLATION_TEXT
from summitry.search import highlight
from summitry.search import segmented_words as search_words


def is_publisher(user: Any) -> bool:
    return bool(getattr(user, "is_editor", False))


def reader_country_ids(user: Any) -> QuerySet[AccessGrant, Any]:
    """The countries the user reads for (their access grants), as a subquery of ids."""
    if user is None or not user.is_authenticated or not user.is_active:
        return AccessGrant.objects.none().values("country")
    return AccessGrant.objects.filter(user=user).values("country")


def visible_works(user: Any) -> QuerySet[Work]:
    works = Work.objects.all()
    if is_publisher(user):
        return works
    shares = Work.shared_with.through.objects.filter(work=OuterRef("pk"))
    open_to_all = ~Exists(shares)
    granted = Exists(shares.filter(country__in=reader_country_ids(user)))
    return works.filter(open_to_all | granted)


def visible_editions(user: Any) -> QuerySet[Edition]:
    return Edition.objects.filter(work__in=visible_works(user))


def visible_translations(user: Any) -> QuerySet[Translation]:
    return Translation.objects.filter(edition__work__in=visible_works(user))


def visible_topics(user: Any) -> QuerySet[Topic]:
    """Topics of at least one work the reader may see."""
    tagged = Work.topics.through.objects.filter(topic=OuterRef("pk"), work__in=visible_works(user))
    return Topic.objects.filter(Exists(tagged))


def current_first(editions: QuerySet[Edition]) -> QuerySet[Edition]:
    """The current edition first, then the superseded ones from the newest."""
    return editions.order_by("-is_current", "-number")


def is_restricted(work: Work) -> bool:
    return work.shared_with.exists()


@dataclass(frozen=True)
class Hit:
    """One search result: an edition or one of its translations, with a marked passage."""

    edition: Edition
    translation: Translation | None
    snippet: SafeString

    @property
    def language(self) -> str:
        return self.translation.language if self.translation else self.edition.work.language


# Enough results for a reader to look through; a narrower query finds the rest.
MAX_HITS = 50


def search(user: Any, query: str, language: str = "") -> list[Hit]:
    """Editions and translations the reader may see whose text holds every word of `query`;
    current editions first. `language` keeps only texts in that language."""
    if not search_words(query):
        return []
    editions = EDITION_TEXT.matching(visible_editions(user).select_related("work"), query)
    translations = TRANSLATION_TEXT.matching(
        visible_translations(user).select_related("edition__work"), query
    )
    if language:
        editions = editions.filter(work__language=language)
        translations = translations.filter(language=language)
    order = ("-edition__is_current", "edition__work__title", "-edition__number", "language")
    found = [
        (e.is_current, e.work.title, -e.number, "", Hit(e, None, _snippet(e, query)))
        for e in editions.order_by("-is_current", "work__title", "-number")[:MAX_HITS]
    ] + [
        (
            t.edition.is_current,
            t.edition.work.title,
            -t.edition.number,
            t.language,
            Hit(t.edition, t, _snippet(t, query)),
        )
        for t in translations.order_by(*order)[:MAX_HITS]
    ]
    found.sort(key=lambda row: (not row[0], row[1], row[2], row[3]))
    return [row[4] for row in found[:MAX_HITS]]


def _snippet(document: Edition | Translation, query: str) -> SafeString:
    return highlight(document.readable_text(), query)


_REGION = re.compile(r"^[a-z]{2,3}(?:-[a-z]{4})?-([a-z]{2})(?:-|$)", re.IGNORECASE)


def download_country(user: Any, work: Work, accept_language: str) -> str:
    """The country a download is counted for (ISO alpha-2, '' unknown), never an address:
    the signed-in reader's granted country (one the work is shared with, if it is restricted),
    else the region of the browser's first language that names one ("fr-CA": CA)."""
    grants = (
        AccessGrant.objects.filter(user=user) if getattr(user, "is_authenticated", False) else None
    )
    if grants is not None:
        shared = work.shared_with.all()
        if shared.exists():
            grants = grants.filter(country__in=shared)
        code = grants.order_by("country__code").values_list("country__code", flat=True).first()
        if code:
            return code
    for tag, _quality in parse_accept_lang_header(accept_language[:500]):
        if match := _REGION.match(tag):
            region = match.group(1).upper()
            if pycountry.countries.get(alpha_2=region) is not None:
                return region
    return ""


def download_totals(work: Work) -> list[dict[str, Any]]:
    """Downloads of the work's editions by country and language, most first: what the
    publisher sees of who takes what ('' country: unknown)."""
    rows = (
        DownloadCount.objects.filter(edition__work=work)
        .values("country", "language")
        .annotate(total=Sum("count"))
        .order_by("-total", "country", "language")
    )
    return list(rows)
