"""Pages: the list, a document, the comparison of two revisions, and the drafting page."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitry.directory.names import display_name
from summitry.engagements.queries import visible_to as engagements_visible_to
from summitry.outcomes import diff, forms
from summitry.outcomes.models import (
    Comment,
    Delegation,
    DocumentStatus,
    OutcomeDocument,
    Revision,
)
from summitry.outcomes.queries import (
    can_edit,
    comments_for,
    current_revision,
    delegations_of,
    filtered,
    objections_for,
    public_revision,
    revisions_for,
    takes_part,
    visible_to,
)
from summitry.outcomes.services import (
    DocumentInput,
    DocumentInvalid,
    add_delegation,
    add_party,
    adopt,
    attach_translation,
    break_silence,
    circulate,
    comment,
    create_document,
    edit_text,
    publish,
    resolve_comment,
    running_silence,
    set_delegates,
    split_paragraphs,
    start_corrigendum,
    start_silence,
    withdraw,
)
from summitry.web import formats

if TYPE_CHECKING:
    from summitry.accounts.models import User

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    # The views that write are behind login_required: the user is a signed-in account.
    return cast("User", request.user)


def _document_or_404(request: HttpRequest, pk: int) -> OutcomeDocument:
    return get_object_or_404(visible_to(_user(request)), pk=pk)


def shown_status(document: OutcomeDocument, participant: bool) -> str:
    """The status a reader sees: the public knows a published text, not its corrigendum's
    drafting."""
    if not participant and document.published_at is not None:
        return str(DocumentStatus.PUBLISHED.label)
    return str(document.get_status_display())


def document_list(request: HttpRequest) -> HttpResponse:
    form = forms.FilterForm(request.GET or None)
    documents = visible_to(_user(request))
    status = 200
    if form.is_bound and form.is_valid():
        documents = filtered(
            documents,
            kind=form.cleaned_data["kind"] or None,
            status=form.cleaned_data["status"] or None,
            year=form.cleaned_data["year"],
        )
    elif form.is_bound:
        status = 400
        documents = documents.none()
    page = Paginator(
        documents.prefetch_related("engagements").order_by("-created_at", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    participant = request.user.is_authenticated
    rows = [
        (
            d,
            shown_status(d, participant and takes_part(_user(request), d)),
            public_revision(d),
        )
        for d in page
    ]
    return render(
        request,
        "outcomes/list.html",
        {"form": form, "page": page, "rows": rows, "can_create": _is_editor(request)},
        status=status,
    )


def _is_editor(request: HttpRequest) -> bool:
    return bool(getattr(_user(request), "is_editor", False))


def _deadline_times(document: OutcomeDocument, request: HttpRequest) -> list[tuple[str, str]]:
    """The running silence's deadline in UTC, in the viewer's zone and in each delegation's."""
    silence = running_silence(document)
    if silence is None:
        return []
    shown = [
        ("UTC", formats.format_datetime(silence.deadline, "full", zone=zoneinfo.ZoneInfo("UTC")))
    ]
    viewer = timezone.get_current_timezone_name()
    if viewer != "UTC":
        shown.append((viewer, formats.format_datetime(silence.deadline, "full")))
    for delegation in document.delegations.select_related("country", "organisation__seat").order_by(
        "id"
    ):
        zone = delegation.zone
        shown.append(
            (
                f"{display_name(delegation.country or delegation.organisation)} · {zone}",
                formats.format_datetime(silence.deadline, "full", zone=zoneinfo.ZoneInfo(zone)),
            )
        )
    return shown


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    participant = takes_part(_user(request), document)
    revisions = list(revisions_for(_user(request), document))
    revision: Revision | None
    asked = request.GET.get("revision", "")
    if asked:
        revision = next((r for r in revisions if str(r.number) == asked), None)
        if revision is None:
            raise Http404(_("No such revision."))
    else:
        revision = current_revision(document) if participant else public_revision(document)
    translations = list(revision.translations.all()) if revision else []
    language = request.GET.get("language", "")
    translation = next((t for t in translations if t.language == language), None)
    paragraphs: list[tuple[int, str]] = []
    if revision is not None:
        originals = [(p.number, p.text) for p in revision.paragraphs.all()]
        paragraphs = list(enumerate(translation.paragraphs, start=1)) if translation else originals
    silence = running_silence(document) if participant else None
    return render(
        request,
        "outcomes/detail.html",
        {
            "document": document,
            "participant": participant,
            "can_edit": can_edit(_user(request), document),
            "status": shown_status(document, participant),
            "revision": revision,
            "revisions": revisions,
            "paragraphs": paragraphs,
            "title": translation.title
            if translation
            else (revision.title if revision else document.title),
            "text_language": translation.language if translation else document.original_language,
            "translations": translations,
            "translation": translation,
            "links": document.engagement_links.select_related("engagement").filter(
                engagement__in=engagements_visible_to(_user(request))
            ),
            "parties": document.parties.select_related("country", "organisation"),
            "sources": document.sources.all(),
            "silence": silence,
            "deadline_times": _deadline_times(document, request) if participant else [],
            "objections": objections_for(_user(request), document),
        },
    )


def document_diff(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    revisions = {r.number: r for r in revisions_for(_user(request), document)}
    form = forms.DiffForm(request.GET)
    rows: list[diff.Row] = []
    pair: tuple[Revision, Revision] | None = None
    status = 200
    if form.is_valid():
        for field in ("a", "b"):
            if form.cleaned_data[field] not in revisions:
                form.add_error(field, _("There is no such revision to compare."))
    if form.is_valid():
        old, new = revisions[form.cleaned_data["a"]], revisions[form.cleaned_data["b"]]
        rows = diff.compare(
            [p.text for p in old.paragraphs.all()], [p.text for p in new.paragraphs.all()]
        )
        pair = (old, new)
    else:
        status = 400
    return render(
        request,
        "outcomes/diff.html",
        {
            "document": document,
            "form": form,
            "rows": rows,
            "pair": pair,
            "revisions": list(revisions.values()),
        },
        status=status,
    )


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    if not _is_editor(request):
        raise PermissionDenied(_("Only editors can record outcome documents."))
    engagements = engagements_visible_to(_user(request)).order_by("-start", "-id")
    initial = {"engagement": request.GET.get("engagement")} if request.method == "GET" else None
    form = forms.DocumentForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        engagements=engagements,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = create_document(
                    DocumentInput(
                        kind=data["kind"],
                        title=data["title"],
                        paragraphs=split_paragraphs(data["text"]),
                        drafted_at=[data["engagement"]],
                        original_language=data["original_language"],
                        authentic_languages=data["authentic_languages"],
                        note=data["note"],
                    ),
                    by=_user(request),
                )
            except DocumentInvalid as refused:
                _add_errors(form, refused)
            else:
                messages.success(request, _("The draft was recorded."))
                return redirect("outcomes:drafting", document.pk)
        status = 400
    return render(request, "outcomes/create.html", {"form": form}, status=status)


def _add_errors(form: django_forms.Form, refused: DocumentInvalid) -> None:
    renamed = {"paragraphs": "text", "engagements": "engagement"}
    for field, problems in refused.errors.items():
        name = renamed.get(field, field)
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def _acting_choices(request: HttpRequest, document: OutcomeDocument) -> list[tuple[int, str]]:
    return [
        (d.pk, display_name(d.country or d.organisation))
        for d in delegations_of(_user(request), document)
    ]


def _drafting_context(
    request: HttpRequest, document: OutcomeDocument, bound: dict[str, django_forms.Form]
) -> dict[str, Any]:
    revision = current_revision(document)
    assert revision is not None
    acting = _acting_choices(request, document)
    editor = can_edit(_user(request), document)
    engagements = engagements_visible_to(_user(request)).filter(
        pk__in=document.engagement_links.values("engagement")
    )
    text = "\n\n".join(p.text for p in revision.paragraphs.all())
    forms_ = {
        "edit": forms.TextForm(initial={"title": revision.title, "text": text}, prefix="edit"),
        "corrigendum": forms.TextForm(
            initial={"title": revision.title, "text": text}, prefix="corrigendum"
        ),
        "comment": forms.CommentForm(delegations=acting, prefix="comment"),
        "object": forms.ObjectionForm(delegations=acting, prefix="object"),
        "silence": forms.SilenceForm(prefix="silence"),
        "adopt": forms.AdoptForm(engagements=engagements, prefix="adopt"),
        "delegation": forms.DelegationForm(prefix="delegation"),
        "party": forms.PartyForm(prefix="party"),
        "translation": forms.TranslationForm(
            original=document.original_language, prefix="translation"
        ),
    } | bound
    comments_by_paragraph: dict[int | None, list[Comment]] = {}
    for item in comments_for(_user(request), document).filter(revision=revision):
        key = item.paragraph.number if item.paragraph else None
        comments_by_paragraph.setdefault(key, []).append(item)
    delegations = [
        (
            d,
            bound.get(f"delegates-{d.pk}")
            or forms.DelegatesForm(
                initial={
                    "delegation": d.pk,
                    "usernames": ", ".join(u.get_username() for u in d.delegates.all()),
                },
                prefix=f"d{d.pk}",
            ),
        )
        for d in document.delegations.select_related("country", "organisation").prefetch_related(
            "delegates"
        )
    ]
    return {
        "document": document,
        "revision": revision,
        "paragraphs": [
            (p, comments_by_paragraph.get(p.number, [])) for p in revision.paragraphs.all()
        ],
        "general_comments": comments_by_paragraph.get(None, []),
        "earlier_comments": comments_for(_user(request), document).exclude(revision=revision),
        "objections": objections_for(_user(request), document),
        "forms": forms_,
        "acting": acting,
        "editor": editor,
        "silence": running_silence(document),
        "deadline_times": _deadline_times(document, request),
        "delegations": delegations,
        "adopted": document.revisions.filter(adopted_at__isnull=False).exists(),
        "now": timezone.now(),
    }


def _participant_document(request: HttpRequest, pk: int) -> OutcomeDocument:
    document = _document_or_404(request, pk)
    if not takes_part(_user(request), document):
        raise PermissionDenied(_("Only editors and the delegations taking part see the drafting."))
    return document


@login_required
def drafting(request: HttpRequest, pk: int) -> HttpResponse:
    document = _participant_document(request, pk)
    return render(request, "outcomes/drafting.html", _drafting_context(request, document, {}))


Handler = Callable[[HttpRequest, OutcomeDocument], "django_forms.Form | None"]


def _with_form(
    form: django_forms.Form, act: Callable[[dict[str, Any]], object]
) -> django_forms.Form | None:
    """Runs `act` on the cleaned form; the form (with the errors) when it is refused."""
    if not form.is_valid():
        return form
    try:
        act(form.cleaned_data)
    except DocumentInvalid as refused:
        _add_errors(form, refused)
        return form
    return None


def _delegation(document: OutcomeDocument, pk: int) -> Delegation:
    return get_object_or_404(document.delegations, pk=pk)


def _act_edit(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
    return _with_form(
        forms.TextForm(request.POST, prefix="edit"),
        lambda d: edit_text(
            document,
            d["title"],
            split_paragraphs(d["text"]),
            _user(request),
            d["note"],
        ),
    )


def _act_corrigendum(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
    return _with_form(
        forms.TextForm(request.POST, prefix="corrigendum"),
        lambda d: start_corrigendum(
            document,
            d["title"],
            split_paragraphs(d["text"]),
            _user(request),
            d["note"],
        ),
    )


def _act_comment(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
    return _with_form(
        forms.CommentForm(
            request.POST, delegations=_acting_choices(request, document), prefix="comment"
        ),
        lambda d: comment(
            document,
            _delegation(document, d["delegation"]),
            d["text"],
            _user(request),
            paragraph_number=d["paragraph"],
        ),
    )


def _act_object(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
    return _with_form(
        forms.ObjectionForm(
            request.POST, delegations=_acting_choices(request, document), prefix="object"
        ),
        lambda d: break_silence(
            document,
            _delegation(document, d["delegation"]),
            d["text"],
            _user(request),
        ),
    )


def _act_silence(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
    form = forms.SilenceForm(request.POST, prefix="silence")
    return _with_form(
        form,
        lambda d: start_silence(document, form.deadline_instant(), _user(request)),
    )


def _act_adopt(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
    engagements = engagements_visible_to(_user(request)).filter(
        pk__in=document.engagement_links.values("engagement")
    )
    form = forms.AdoptForm(request.POST, engagements=engagements, prefix="adopt")
    return _with_form(form, lambda d: adopt(document, _user(request), at=d["engagement"]))


def _act_delegation(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
    return _with_form(
        forms.DelegationForm(request.POST, prefix="delegation"),
        lambda d: add_delegation(
            document,
            _user(request),
            country=d["country"],
            organisation=d["organisation"],
            time_zone=d["time_zone"],
        ),
    )


def _act_party(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
    return _with_form(
        forms.PartyForm(request.POST, prefix="party"),
        lambda d: add_party(
            document,
            d["action"],
            d["date"],
            _user(request),
            country=d["country"],
            organisation=d["organisation"],
            text=d["text"],
        ),
    )


def _act_translation(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
    revision = current_revision(document)
    assert revision is not None
    return _with_form(
        forms.TranslationForm(
            request.POST, original=document.original_language, prefix="translation"
        ),
        lambda d: attach_translation(
            revision, d["language"], d["title"], split_paragraphs(d["text"]), _user(request)
        ),
    )


def _simple(step: Callable[[OutcomeDocument, Any], object]) -> Handler:
    def act(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
        form = django_forms.Form(request.POST)
        return _with_form(form, lambda d: step(document, _user(request)))

    return act


def _act_resolve(request: HttpRequest, document: OutcomeDocument) -> django_forms.Form | None:
    form = forms.ResolveForm(request.POST)
    if not form.is_valid():
        return form
    item = get_object_or_404(Comment, pk=form.cleaned_data["comment"], revision__document=document)
    resolve_comment(item, _user(request), resolved=bool(form.cleaned_data["resolved"]))
    return None


ACTIONS: dict[str, Handler] = {
    "edit": _act_edit,
    "corrigendum": _act_corrigendum,
    "comment": _act_comment,
    "object": _act_object,
    "silence": _act_silence,
    "adopt": _act_adopt,
    "delegation": _act_delegation,
    "party": _act_party,
    "translation": _act_translation,
    "circulate": _simple(circulate),
    "publish": _simple(publish),
    "withdraw": _simple(withdraw),
    "resolve": _act_resolve,
}


def _done_message(action: str) -> str:
    # Each sentence spelled out, so that the catalogue holds them whole.
    return {
        "edit": _("A new revision was saved."),
        "corrigendum": _("The corrigendum was opened as a new draft revision."),
        "comment": _("The comment was recorded."),
        "object": _(
            "The objection was recorded: the silence is broken and the text is back to draft."
        ),
        "silence": _("The text is under silence procedure."),
        "adopt": _("The text was adopted."),
        "delegation": _("The delegation was added."),
        "party": _("The party was recorded."),
        "translation": _("The translation was attached to the current revision."),
        "circulate": _("The text was circulated for comments."),
        "publish": _("The text was published."),
        "withdraw": _("The text was withdrawn."),
        "resolve": _("The comment was updated."),
    }[action]


@require_POST
@login_required
def drafting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404(_("No such step."))
    document = _participant_document(request, pk)
    refused = handler(request, document)
    if refused is None:
        messages.success(request, _done_message(action))
        return redirect("outcomes:drafting", document.pk)
    document.refresh_from_db()
    context = _drafting_context(request, document, {action: refused})
    if action in ("circulate", "publish", "withdraw", "resolve"):
        context["step_form"] = refused
    return render(request, "outcomes/drafting.html", context, status=400)


@require_POST
@login_required
def delegates_action(request: HttpRequest, pk: int, delegation_pk: int) -> HttpResponse:
    document = _participant_document(request, pk)
    delegation = _delegation(document, delegation_pk)
    form = forms.DelegatesForm(request.POST, prefix=f"d{delegation.pk}")
    if not can_edit(_user(request), document):
        raise PermissionDenied(_("Only editors who may see this document can change it."))
    if form.is_valid():
        set_delegates(delegation, form.cleaned_data["usernames"], _user(request))
        messages.success(request, _("The delegation's delegates were saved."))
        return redirect("outcomes:drafting", document.pk)
    context = _drafting_context(request, document, {f"delegates-{delegation.pk}": form})
    return render(request, "outcomes/drafting.html", context, status=400)
