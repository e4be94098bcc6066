"""An Atom feed of new editions and translations (the public ones), newest first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import translation as i18n
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from summitry.directory.names import language_name
from summitry.exchanges.citation import bcp47, describe
from summitry.exchanges.oai import public_editions, public_translations
from summitry.knowledge.models import Edition, Translation

# Enough for a reader that polls daily; older records are in the portal and over OAI-PMH.
FEED_SIZE = 50


def _title(record: Edition | Translation) -> str:
    edition = record if isinstance(record, Edition) else record.edition
    version = edition.label or _("edition %(number)d") % {"number": edition.number}
    if isinstance(record, Translation):
        return _("%(work)s, %(version)s: translation into %(language)s") % {
            "work": edition.work.title,
            "version": version,
            "language": language_name(record.language),
        }
    return _("%(work)s, %(version)s") % {"work": edition.work.title, "version": version}


def feed(request: HttpRequest) -> HttpResponse:
    site = f"{request.scheme}://{request.get_host()}"
    editions = public_editions().select_related("work").prefetch_related("work__topics")
    translations = public_translations().select_related("edition__work")
    translations = translations.prefetch_related("edition__work__topics")
    records: list[Edition | Translation] = [
        *editions.order_by("-created_at", "-id")[:FEED_SIZE],
        *translations.order_by("-created_at", "-id")[:FEED_SIZE],
    ]
    newest = sorted(records, key=lambda r: r.created_at, reverse=True)[:FEED_SIZE]
    atom = Atom1Feed(
        title=_("Knowledge centre: new editions and translations"),
        link=site + "/knowledge/",
        feed_url=site + request.path,
        description=_("Editions and translations published in the knowledge centre."),
        language=bcp47(i18n.get_language() or "en"),
        feed_guid=site + request.path,
    )
    for record in newest:
        edition = record if isinstance(record, Edition) else record.edition
        d = describe(edition, record if isinstance(record, Translation) else None, site)
        atom.add_item(
            title=_title(record),
            link=d.url,
            unique_id=d.url,
            description=d.summary,
            pubdate=record.created_at,
            updateddate=record.updated_at,
            author_name=d.publisher or None,
            categories=d.topics,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    atom.write(response, "utf-8")
    return response
