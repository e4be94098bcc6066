"""The public portal of the knowledge centre, and the publisher's forms.

Every record is looked up through `queries` (the access rule): a work the reader may not see is
answered 404, as if it did not exist, in pages, search and downloads alike.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from summitry.directory.languages import normalise
from summitry.directory.models import Country
from summitry.knowledge import documents, queries, services
from summitry.knowledge.forms import BrowseForm, EditionForm, TranslationForm, WorkForm
from summitry.knowledge.models import Document, Edition, Translation, Work


def _bad_request(errors: dict[str, Any]) -> HttpResponseBadRequest:
    problems = "; ".join(
        f"{name}: {' '.join(str(e) for e in msgs)}" for name, msgs in errors.items()
    )
    return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")


def _work(request: HttpRequest, slug: str) -> Work:
    return get_object_or_404(queries.visible_works(request.user), slug=slug)


def _edition(request: HttpRequest, slug: str, number: int) -> Edition:
    return get_object_or_404(
        queries.visible_editions(request.user).select_related("work"),
        work__slug=slug,
        number=number,
    )


def _translation(request: HttpRequest, slug: str, number: int, language: str) -> Translation:
    return get_object_or_404(
        queries.visible_translations(request.user).select_related("edition__work"),
        edition__work__slug=slug,
        edition__number=number,
        language=normalise(language),
    )


def _with_current(works: QuerySet[Work]) -> QuerySet[Work]:
    editions = Edition.objects.order_by("-is_current", "-number").prefetch_related("translations")
    return works.prefetch_related(Prefetch("editions", queryset=editions), "topics").order_by(
        "title"
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Works to browse (by topic and language), or search results with marked passages."""
    form = BrowseForm(request.GET or None)
    if request.GET and not form.is_valid():
        return _bad_request(form.errors)
    data = form.cleaned_data if form.is_bound else {}
    topic_slug, language, q = data.get("topic"), data.get("language"), data.get("q", "").strip()
    topics = queries.visible_topics(request.user)
    topic = None
    if topic_slug:
        topic = topics.filter(slug=topic_slug).first()
        if topic is None:
            return _bad_request({"topic": [_("No such topic.")]})
    works = queries.visible_works(request.user)
    if topic is not None:
        works = works.filter(topics=topic)
    if language:
        in_language = Translation.objects.filter(language=language).values("edition__work")
        works = works.filter(language=language) | works.filter(pk__in=in_language)
    hits = queries.search(request.user, q, language or "") if q else None
    if hits is not None and topic is not None:
        hits = [h for h in hits if h.edition.work.topics.filter(pk=topic.pk).exists()]
    return render(
        request,
        "knowledge/index.html",
        {
            "form": form,
            "q": q,
            "hits": hits,
            "works": _with_current(works.distinct()),
            "topics": topics,
            "topic": topic,
            "language": language,
            "is_publisher": queries.is_publisher(request.user),
        },
    )


@require_GET
def work_detail(request: HttpRequest, slug: str) -> HttpResponse:
    work = _work(request, slug)
    editions = queries.current_first(work.editions.all()).prefetch_related("translations")
    return render(
        request,
        "knowledge/work.html",
        {
            "work": work,
            "editions": editions,
            "shared_with": work.shared_with.all(),
            "is_publisher": queries.is_publisher(request.user),
            "downloads": (
                _named_countries(queries.download_totals(work))
                if queries.is_publisher(request.user)
                else None
            ),
        },
    )


def _named_countries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    countries = {c.code: c for c in Country.objects.filter(code__in={r["country"] for r in rows})}
    return [{**row, "country": countries.get(row["country"])} for row in rows]


def _neighbours(edition: Edition) -> dict[str, Edition | None]:
    others = edition.work.editions
    return {
        "previous": others.filter(number__lt=edition.number).order_by("-number").first(),
        "current": others.filter(is_current=True).first(),
    }


# Filled by the interoperability part (Dublin Core, JSON-LD, citations) where it is installed.
EDITION_HOOKS = {
    "edition_head": "knowledge/_edition_head.html",
    "edition_cite": "knowledge/_edition_cite.html",
}


def _hooks() -> dict[str, str | None]:
    """The hook templates that exist, by context name (None: not installed)."""
    found: dict[str, str | None] = {}
    for key, name in EDITION_HOOKS.items():
        try:
            get_template(name)
        except TemplateDoesNotExist:
            found[key] = None
        else:
            found[key] = name
    return found


def _body(document: Document) -> Any:
    if document.text_format == Document.Format.MARKDOWN:
        return documents.render_markdown(document.text)
    return None


@require_GET
def edition_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    edition = _edition(request, slug, number)
    return render(
        request,
        "knowledge/edition.html",
        {
            "work": edition.work,
            "edition": edition,
            "document": edition,
            "language": edition.work.language,
            "body": _body(edition),
            "paragraphs": documents.paragraphs(edition.text) if edition.file else [],
            "translations": edition.translations.all(),
            "is_publisher": queries.is_publisher(request.user),
            **_neighbours(edition),
            **_hooks(),
        },
    )


@require_GET
def translation_detail(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    translation = _translation(request, slug, number, language)
    edition = translation.edition
    return render(
        request,
        "knowledge/translation.html",
        {
            "work": edition.work,
            "edition": edition,
            "translation": translation,
            "document": translation,
            "language": translation.language,
            "body": _body(translation),
            "paragraphs": documents.paragraphs(translation.text) if translation.file else [],
            "translations": edition.translations.all(),
            **_neighbours(edition),
            **_hooks(),
        },
    )


def _download(
    request: HttpRequest, edition: Edition, document: Document, language: str
) -> HttpResponseBase:
    name = f"{edition.work.slug}-{edition.number}" + (
        f"-{language}" if language != edition.work.language else ""
    )
    if document.file:
        response: HttpResponseBase = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=f"{name}.{document.text_format}",
        )
    elif document.text_format == Document.Format.MARKDOWN:
        response = HttpResponse(document.text, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.md"'
    else:
        raise Http404(_("This text has not been uploaded yet."))
    country = queries.download_country(
        request.user, edition.work, request.headers.get("Accept-Language", "")
    )
    services.record_download(edition, language, country)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def edition_download(request: HttpRequest, slug: str, number: int) -> HttpResponseBase:
    edition = _edition(request, slug, number)
    return _download(request, edition, edition, edition.work.language)


@require_GET
def translation_download(
    request: HttpRequest, slug: str, number: int, language: str
) -> HttpResponseBase:
    translation = _translation(request, slug, number, language)
    return _download(request, translation.edition, translation, translation.language)


@require_GET
def compare(request: HttpRequest, slug: str, old: int, new: int) -> HttpResponse:
    work = _work(request, slug)
    if old == new:
        return _bad_request({"new": [_("Choose two different editions to compare.")]})
    before = get_object_or_404(work.editions, number=old)
    after = get_object_or_404(work.editions, number=new)
    return render(
        request,
        "knowledge/compare.html",
        {
            "work": work,
            "before": before,
            "after": after,
            "blocks": documents.diff(before.readable_text(), after.readable_text()),
        },
    )


def _publisher_only(request: HttpRequest) -> None:
    if not queries.is_publisher(request.user):
        raise PermissionDenied(_("Only the publisher's editors may publish."))


@require_http_methods(["GET", "POST"])
def edition_create(request: HttpRequest, slug: str) -> HttpResponse:
    _publisher_only(request)
    work = _work(request, slug)
    form = EditionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edition = services.publish_edition(
                work,
                number=data["number"],
                label=data["label"],
                published_on=data["published_on"],
                changes=data["changes"],
                markdown=data["markdown"] or None,
                upload=data["file"],
                by=request.user,  # type: ignore[arg-type]
            )
        except services.KnowledgeInvalid as refused:
            _take_errors(form, refused.errors)
        else:
            return redirect(edition)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "knowledge/edition_form.html", {"work": work, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
def translation_create(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    _publisher_only(request)
    edition = _edition(request, slug, number)
    form = TranslationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            translation = services.add_translation(
                edition,
                language=data["language"],
                title=data["title"],
                translator=data["translator"],
                reviewed=data["reviewed"],
                reviewer=data["reviewer"],
                published_on=data["published_on"],
                markdown=data["markdown"] or None,
                upload=data["file"],
                by=request.user,  # type: ignore[arg-type]
            )
        except services.KnowledgeInvalid as refused:
            _take_errors(form, refused.errors)
        else:
            return redirect(translation)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "knowledge/translation_form.html",
        {"work": edition.work, "edition": edition, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def work_create(request: HttpRequest) -> HttpResponse:
    _publisher_only(request)
    form = WorkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            work = services.create_work(
                title=data["title"],
                slug=data["slug"],
                kind=data["kind"],
                publisher=data["publisher"],
                summary=data["summary"],
                language=data["language"],
                topics=data["topics"],
                shared_with=[c.code for c in data["shared_with"]],
            )
        except services.KnowledgeInvalid as refused:
            _take_errors(form, refused.errors)
        else:
            return redirect(work)
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/work_form.html", {"form": form, "work": None}, status=status)


@require_http_methods(["GET", "POST"])
def work_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _publisher_only(request)
    work = _work(request, slug)
    initial = {
        "title": work.title,
        "kind": work.kind,
        "publisher": work.publisher,
        "summary": work.summary,
        "topics": work.topics.all(),
        "shared_with": work.shared_with.all(),
    }
    form = WorkForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_work(
                work,
                title=data["title"],
                kind=data["kind"],
                publisher=data["publisher"],
                summary=data["summary"],
                topics=data["topics"],
                shared_with=[c.code for c in data["shared_with"]],
            )
        except services.KnowledgeInvalid as refused:
            _take_errors(form, refused.errors)
        else:
            return redirect(work)
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/work_form.html", {"form": form, "work": work}, status=status)


def _take_errors(form: Any, errors: dict[str, list[str]]) -> None:
    for field, messages in errors.items():
        target = field if field in form.fields else ("markdown" if field == "text" else None)
        for message in messages:
            form.add_error(target, message)
