"""The knowledge centre as an OAI-PMH repository at /oai: every public edition and translation
(a work shared with named countries is never harvested), in sets by work, topic and language.

The protocol lives in `summitry.oai`; this module only says which records there are. Records
are listed editions first, then translations, each by id, so that a resumption token (an id)
stays good while new records arrive. A record's datestamp is the latest change of the record or
of its work, whose title and topics its metadata carries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Min, Q, QuerySet
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from summitry import oai
from summitry.directory.names import language_name
from summitry.exchanges.citation import bcp47
from summitry.knowledge.models import Edition, Topic, Translation, Work
from summitry.knowledge.queries import visible_editions, visible_topics, visible_translations

# The oai-identifier scheme wants a domain name (with a dot) for the repository's identifier.
_DOMAIN = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$")
_EDITION = re.compile(r"^edition/(?P<pk>\d{1,18})$")
_TRANSLATION = re.compile(r"^translation/(?P<pk>\d{1,18})$")
_FORMATS = {
    "markdown": "text/markdown",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


_T = TypeVar("_T", Edition, Translation)


def namespace() -> str:
    """The repository identifier: SUMMITRY_OAI_NAMESPACE, else the site's host name when it is
    a domain name, else `summitry.local`."""
    configured = getattr(settings, "OAI_NAMESPACE", "")
    if configured:
        return str(configured)
    host = urlsplit(settings.SITE_URL).hostname or ""
    return host if _DOMAIN.match(host) else "summitry.local"


def public_editions() -> QuerySet[Edition]:
    # The anonymous reader's view: only works shared with everyone.
    return visible_editions(None).annotate(stamp=Greatest("updated_at", "work__updated_at"))


def public_translations() -> QuerySet[Translation]:
    return visible_translations(None).annotate(
        stamp=Greatest("updated_at", "edition__updated_at", "edition__work__updated_at")
    )


def _in_set(spec: str | None, work_path: str) -> Q:
    """The records of a set; `work_path` leads from the record to its work."""
    if spec is None:
        return Q()
    kind, _, value = spec.partition(":")
    if spec == "work" or kind == "language":
        return Q()  # every record is in a work; languages are chosen by _language_set
    if kind == "work" and value:
        return Q(**{f"{work_path}__slug": value})
    if kind == "topic":
        topics = Work.topics.through.objects.filter(**({"topic__slug": value} if value else {}))
        return Q(**{f"{work_path}__in": topics.values("work")})
    return Q(pk__in=[])


def _language_set(spec: str | None) -> str | None:
    if spec and spec.startswith("language:"):
        return spec.partition(":")[2]
    return None


class KnowledgeRepository:
    def __init__(self, base_url: str, site: str) -> None:
        self.base_url = base_url
        # Where the records' pages are, for their stable URLs.
        self.site = site.rstrip("/")

    def info(self) -> oai.RepositoryInfo:
        stamps = [
            public_editions().aggregate(first=Min("stamp"))["first"],
            public_translations().aggregate(first=Min("stamp"))["first"],
        ]
        known = [s for s in stamps if s is not None]
        ns = namespace()
        return oai.RepositoryInfo(
            name=getattr(settings, "OAI_REPOSITORY_NAME", "") or "Summitry knowledge centre",
            base_url=self.base_url,
            admin_emails=(getattr(settings, "OAI_ADMIN_EMAIL", "") or f"oai@{ns}",),
            earliest_datestamp=min(known) if known else timezone.now(),
            namespace=ns,
            sample_identifier=f"oai:{ns}:edition/1",
        )

    def sets(self) -> Sequence[oai.OaiSet]:
        works = Work.objects.filter(pk__in=visible_editions(None).values("work")).order_by("slug")
        topics: QuerySet[Topic] = visible_topics(None).order_by("slug")
        languages = sorted(
            set(works.values_list("language", flat=True))
            | set(visible_translations(None).values_list("language", flat=True).distinct())
        )
        return [
            oai.OaiSet("work", "Works"),
            *(oai.OaiSet(f"work:{w.slug}", w.title) for w in works),
            oai.OaiSet("topic", "Topics"),
            *(oai.OaiSet(f"topic:{t.slug}", t.name) for t in topics),
            oai.OaiSet("language", "Languages"),
            *(oai.OaiSet(f"language:{c}", language_name(c, "en")) for c in languages),
        ]

    def _local(self, identifier: str) -> str | None:
        prefix = f"oai:{namespace()}:"
        return identifier[len(prefix) :] if identifier.startswith(prefix) else None

    def record(self, identifier: str) -> oai.Record | None:
        local = self._local(identifier)
        if local is None:
            return None
        if m := _EDITION.match(local):
            edition = self._editions().filter(pk=int(m["pk"])).first()
            return self._edition_record(edition) if edition else None
        if m := _TRANSLATION.match(local):
            translation = self._translations().filter(pk=int(m["pk"])).first()
            return self._translation_record(translation) if translation else None
        return None

    def _editions(self, selection: oai.Selection | None = None) -> QuerySet[Edition]:
        editions = public_editions().select_related("work").prefetch_related("work__topics")
        if selection is None:
            return editions
        editions = editions.filter(_in_set(selection.set_spec, "work"))
        if language := _language_set(selection.set_spec):
            editions = editions.filter(work__language=language)
        return self._dated(editions, selection)

    def _translations(self, selection: oai.Selection | None = None) -> QuerySet[Translation]:
        translations = public_translations().select_related("edition__work")
        translations = translations.prefetch_related("edition__work__topics")
        if selection is None:
            return translations
        translations = translations.filter(_in_set(selection.set_spec, "edition__work"))
        if language := _language_set(selection.set_spec):
            translations = translations.filter(language=language)
        return self._dated(translations, selection)

    @staticmethod
    def _dated(records: QuerySet[_T], selection: oai.Selection) -> QuerySet[_T]:
        if selection.start is not None:
            records = records.filter(Q(stamp__gte=selection.start))
        if selection.until is not None:
            # Datestamps are given to the second: a record stamped within `until`'s second is in.
            records = records.filter(Q(stamp__lt=selection.until + dt.timedelta(seconds=1)))
        return records

    def page(self, selection: oai.Selection, after: str | None, size: int) -> oai.Page:
        kind, _, last = (after or "e:0").partition(":")
        position = int(last) if last.isdigit() else 0
        records: list[oai.Record] = []
        if kind == "e":
            editions = list(
                self._editions(selection).filter(pk__gt=position).order_by("pk")[: size + 1]
            )
            records += [self._edition_record(e) for e in editions[:size]]
            if len(editions) > size:
                return oai.Page(records, f"e:{editions[size - 1].pk}")
            position = 0
        room = size - len(records)
        translations = list(
            self._translations(selection).filter(pk__gt=position).order_by("pk")[: room + 1]
        )
        records += [self._translation_record(t) for t in translations[:room]]
        if len(translations) > room:
            last_pk = translations[room - 1].pk if room else position
            return oai.Page(records, f"t:{last_pk}")
        return oai.Page(records, None)

    def count(self, selection: oai.Selection) -> int:
        return self._editions(selection).count() + self._translations(selection).count()

    def _sets_of(self, work: Work, language: str) -> tuple[str, ...]:
        return (
            f"work:{work.slug}",
            *(f"topic:{t.slug}" for t in work.topics.all()),
            f"language:{language}",
        )

    def _edition_record(self, edition: Edition) -> oai.Record:
        work = edition.work
        stamp: dt.datetime = edition.stamp  # type: ignore[attr-defined]
        url = self.site + edition.get_absolute_url()
        title = f"{work.title}: {edition.label}" if edition.label else work.title
        return oai.Record(
            header=oai.Header(
                f"oai:{namespace()}:edition/{edition.pk}", stamp, self._sets_of(work, work.language)
            ),
            metadata=oai.DublinCore(
                title=(title,),
                creator=(work.publisher,) if work.publisher else (),
                subject=tuple(t.name for t in work.topics.all()),
                description=tuple(d for d in (work.summary, edition.changes) if d),
                publisher=(work.publisher,) if work.publisher else (),
                date=(edition.published_on.isoformat(),) if edition.published_on else (),
                type=("Text",),
                format=(_FORMATS[edition.text_format],) if edition.text_format else (),
                identifier=(url,),
                language=(bcp47(work.language),),
                relation=(self.site + work.get_absolute_url(),),
            ),
        )

    def _translation_record(self, translation: Translation) -> oai.Record:
        edition = translation.edition
        work = edition.work
        stamp: dt.datetime = translation.stamp  # type: ignore[attr-defined]
        base = translation.title or work.title
        title = f"{base}: {edition.label}" if edition.label else base
        return oai.Record(
            header=oai.Header(
                f"oai:{namespace()}:translation/{translation.pk}",
                stamp,
                self._sets_of(work, translation.language),
            ),
            metadata=oai.DublinCore(
                title=(title,),
                creator=(work.publisher,) if work.publisher else (),
                subject=tuple(t.name for t in work.topics.all()),
                description=(work.summary,) if work.summary else (),
                publisher=(work.publisher,) if work.publisher else (),
                contributor=(translation.translator,) if translation.translator else (),
                date=(translation.published_on.isoformat(),) if translation.published_on else (),
                type=("Text",),
                format=(_FORMATS[translation.text_format],) if translation.text_format else (),
                identifier=(self.site + translation.get_absolute_url(),),
                language=(bcp47(translation.language),),
                # The edition it translates.
                relation=(self.site + edition.get_absolute_url(),),
            ),
        )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    """OAI-PMH over GET or a form POST, as the protocol allows both."""
    arguments = request.POST if request.method == "POST" else request.GET
    site = f"{request.scheme}://{request.get_host()}"
    repository = KnowledgeRepository(base_url=site + request.path, site=site)
    body = oai.respond(repository, dict(arguments.lists()), page_size=settings.OAI_PAGE_SIZE)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
