"""Every write to outcome documents goes through here: the lifecycle and who may take each step.

draft -> circulated (for comments) -> under silence until a deadline (an instant in UTC) ->
adopted (when the deadline passes with no objection; or in session at an engagement) -> published.
One objection breaks the silence: the text goes back to draft and the objection is kept. A text is
withdrawn before it is adopted. An adopted revision is frozen; a corrigendum is a new revision that
goes through the same steps and has its own adoption, while the published text stays public.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from summitry.directory.languages import language_problem, normalise
from summitry.directory.models import Country, Organisation
from summitry.engagements.models import Engagement
from summitry.engagements.queries import visible_to as engagements_visible_to
from summitry.engagements.services import EngagementInvalid, TextProblem, text_problem
from summitry.outcomes.models import (
    Comment,
    Delegation,
    DocumentEngagement,
    DocumentKind,
    DocumentSource,
    DocumentStatus,
    EngagementRole,
    Objection,
    OutcomeDocument,
    Paragraph,
    Party,
    PartyAction,
    Revision,
    SilenceOutcome,
    SilenceProcedure,
    Translation,
)
from summitry.outcomes.queries import can_edit, current_revision, delegations_of

if TYPE_CHECKING:
    from summitry.accounts.models import User

TITLE_LENGTH = 300
NOTE_LENGTH = 300
PARAGRAPH_LENGTH = 20_000
MOST_PARAGRAPHS = 2_000
# Texts that can still change; after adoption only a corrigendum changes the text.
OPEN = (DocumentStatus.DRAFT, DocumentStatus.CIRCULATED)


class DocumentInvalid(EngagementInvalid):
    """Input or a step the lifecycle refuses; `errors` maps each field to what is wrong.
    A kind of EngagementInvalid, so that the API answers both the same way (400 naming fields)."""


def _refuse(field: str, message: str) -> DocumentInvalid:
    return DocumentInvalid({field: [message]})


def _text(field: str, value: str, limit: int | None, *, required: bool = True) -> list[str]:
    if required and not value.strip():
        return [_("This field is required.")]
    problem = text_problem(value, limit)
    if problem is TextProblem.UNSTORABLE:
        return [_("This contains a character that cannot be stored (a NUL or invalid Unicode).")]
    if problem is TextProblem.TOO_LONG:
        return [_("This is longer than %(limit)d characters.") % {"limit": limit}]
    return []


def _paragraph_problems(paragraphs: Sequence[str]) -> list[str]:
    if not any(p.strip() for p in paragraphs):
        return [_("The text needs at least one paragraph.")]
    if len(paragraphs) > MOST_PARAGRAPHS:
        return [_("The text has more than %(limit)d paragraphs.") % {"limit": MOST_PARAGRAPHS}]
    problems = []
    for number, paragraph in enumerate(paragraphs, start=1):
        for message in _text("paragraphs", paragraph, PARAGRAPH_LENGTH, required=False):
            problems.append(
                _("Paragraph %(number)d: %(problem)s") % {"number": number, "problem": message}
            )
    return problems


def split_paragraphs(text: str) -> list[str]:
    """A text as typed, one paragraph per block separated by an empty line."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [" ".join(line.strip() for line in b.strip().splitlines()) for b in blocks if b.strip()]


def _zone_problem(zone: str) -> str | None:
    if not zone:
        return None
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return _("Unknown time zone %(zone)r; use an IANA name such as Africa/Dakar.") % {
            "zone": zone[:64]
        }
    return None


def _moment_problem(value: dt.datetime) -> str | None:
    if timezone.is_naive(value):
        return _("The time needs a time zone or a UTC offset.")
    return None


def _require_editor(user: User | None, document: OutcomeDocument | None = None) -> None:
    if user is None:
        return  # the demo loader and the command line act for the house
    if document is None:
        if not user.is_editor:
            raise PermissionDenied(_("Only editors can record outcome documents."))
    elif not can_edit(user, document):
        raise PermissionDenied(_("Only editors who may see this document can change it."))


def _lock(document: OutcomeDocument) -> OutcomeDocument:
    # One step at a time per document: an objection and an adoption never both win.
    return OutcomeDocument.objects.select_for_update().get(pk=document.pk)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


@dataclass
class DocumentInput:
    kind: str
    title: str
    paragraphs: Sequence[str]
    drafted_at: Sequence[Engagement]
    original_language: str = "en"
    authentic_languages: Sequence[str] = ()
    note: str = ""


def validate(
    data: DocumentInput, user: User | None, *, require_text: bool = True
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.kind not in DocumentKind.values:
        errors["kind"] = [
            _("Unknown kind %(kind)r; use one of %(kinds)s.")
            % {"kind": data.kind[:40], "kinds": ", ".join(DocumentKind.values)}
        ]
    if problems := _text("title", data.title, TITLE_LENGTH):
        errors["title"] = problems
    if problems := _text("note", data.note, NOTE_LENGTH, required=False):
        errors["note"] = problems
    if (require_text or data.paragraphs) and (problems := _paragraph_problems(data.paragraphs)):
        errors["paragraphs"] = problems
    if not data.drafted_at:
        errors["engagements"] = [_("Name at least one engagement where the text is drafted.")]
    elif user is not None:
        seen = set(engagements_visible_to(user).filter(pk__in=[e.pk for e in data.drafted_at]))
        if any(e not in seen for e in data.drafted_at):
            errors["engagements"] = [_("Unknown engagement.")]
    for field, codes in (
        ("original_language", [data.original_language]),
        ("authentic_languages", list(data.authentic_languages)),
    ):
        for code in codes:
            if problem := language_problem(code):
                errors.setdefault(field, []).append(problem)
    return errors


def _new_revision(
    document: OutcomeDocument,
    title: str,
    paragraphs: Sequence[str],
    by: User | None,
    note: str = "",
    *,
    corrigendum: bool = False,
    now: dt.datetime | None = None,
) -> Revision:
    last = document.revisions.aggregate(last=Max("number"))["last"] or 0
    revision = Revision.objects.create(
        document=document,
        number=last + 1,
        title=title,
        note=note,
        is_corrigendum=corrigendum,
        author=by,
        created_at=_now(now),
    )
    Paragraph.objects.bulk_create(
        Paragraph(revision=revision, number=number, text=text.strip())
        for number, text in enumerate((p for p in paragraphs if p.strip()), start=1)
    )
    return revision


def create_document(
    data: DocumentInput, by: User | None, *, require_text: bool = True
) -> OutcomeDocument:
    """A new draft with its first revision (without text only for a record of the past)."""
    _require_editor(by)
    if errors := validate(data, by, require_text=require_text):
        raise DocumentInvalid(errors)
    with transaction.atomic():
        document = OutcomeDocument.objects.create(
            kind=data.kind,
            title=data.title.strip(),
            original_language=normalise(data.original_language),
            authentic_languages=[normalise(c) for c in data.authentic_languages],
            created_by=by,
        )
        DocumentEngagement.objects.bulk_create(
            DocumentEngagement(document=document, engagement=e, role=EngagementRole.DRAFTED)
            for e in dict.fromkeys(data.drafted_at)
        )
        _new_revision(document, document.title, data.paragraphs, by, data.note)
    return document


def edit_text(
    document: OutcomeDocument,
    title: str,
    paragraphs: Sequence[str],
    by: User | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Revision:
    """A new revision of a text still open (draft or circulated); an adopted text is frozen."""
    _require_editor(by, document)
    errors: dict[str, list[str]] = {}
    if problems := _text("title", title, TITLE_LENGTH):
        errors["title"] = problems
    if problems := _text("note", note, NOTE_LENGTH, required=False):
        errors["note"] = problems
    if problems := _paragraph_problems(paragraphs):
        errors["paragraphs"] = problems
    if errors:
        raise DocumentInvalid(errors)
    with transaction.atomic():
        document = _lock(document)
        if document.status not in OPEN:
            raise _refuse("status", _frozen_message(document))
        revision = _new_revision(document, title.strip(), paragraphs, by, note, now=now)
        document.title = revision.title
        document.save(update_fields=["title", "updated_at"])
    return revision


def _frozen_message(document: OutcomeDocument) -> str:
    if document.status == DocumentStatus.UNDER_SILENCE:
        return _("The text is under silence procedure and cannot be changed.")
    if document.status == DocumentStatus.WITHDRAWN:
        return _("The text was withdrawn and cannot be changed.")
    return _("The adopted text is frozen; make a corrigendum to change it.")


def start_corrigendum(
    document: OutcomeDocument,
    title: str,
    paragraphs: Sequence[str],
    by: User | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Revision:
    """A corrected text of an adopted document: a new revision, back to draft, which needs its
    own adoption; the adopted text (published or not) stays as it was until then."""
    _require_editor(by, document)
    errors: dict[str, list[str]] = {}
    if problems := _text("title", title, TITLE_LENGTH):
        errors["title"] = problems
    if problems := _paragraph_problems(paragraphs):
        errors["paragraphs"] = problems
    if errors:
        raise DocumentInvalid(errors)
    with transaction.atomic():
        document = _lock(document)
        if document.status not in (DocumentStatus.ADOPTED, DocumentStatus.PUBLISHED):
            raise _refuse("status", _("Only an adopted text takes a corrigendum."))
        revision = _new_revision(
            document, title.strip(), paragraphs, by, note, corrigendum=True, now=now
        )
        document.status = DocumentStatus.DRAFT
        document.save(update_fields=["status", "updated_at"])
    return revision


def _step(document: OutcomeDocument, allowed: Sequence[str], message: str) -> None:
    if document.status not in allowed:
        raise _refuse("status", message)


def circulate(document: OutcomeDocument, by: User | None) -> OutcomeDocument:
    _require_editor(by, document)
    with transaction.atomic():
        document = _lock(document)
        _step(document, [DocumentStatus.DRAFT], _("Only a draft can be circulated."))
        document.status = DocumentStatus.CIRCULATED
        document.save(update_fields=["status", "updated_at"])
    return document


def running_silence(document: OutcomeDocument) -> SilenceProcedure | None:
    return (
        SilenceProcedure.objects.filter(revision__document=document, outcome=SilenceOutcome.RUNNING)
        .select_related("revision")
        .order_by("-started_at")
        .first()
    )


def start_silence(
    document: OutcomeDocument,
    deadline: dt.datetime,
    by: User | None,
    now: dt.datetime | None = None,
) -> SilenceProcedure:
    """Puts the circulated text under silence until `deadline`, an instant (any zone)."""
    _require_editor(by, document)
    moment = _now(now)
    if problem := _moment_problem(deadline):
        raise _refuse("deadline", problem)
    if deadline <= moment:
        raise _refuse("deadline", _("The deadline must lie in the future."))
    with transaction.atomic():
        document = _lock(document)
        _step(
            document,
            [DocumentStatus.CIRCULATED],
            _("Only a circulated text can be put under silence procedure."),
        )
        revision = current_revision(document)
        assert revision is not None  # every document has its first revision
        silence = SilenceProcedure.objects.create(
            revision=revision,
            deadline=deadline.astimezone(dt.UTC),
            started_at=moment,
            started_by=by,
        )
        document.status = DocumentStatus.UNDER_SILENCE
        document.save(update_fields=["status", "updated_at"])
    return silence


def _acting_delegation(
    document: OutcomeDocument, user: User | None, delegation: Delegation | None
) -> Delegation:
    """The delegation a user speaks for here: the one named, which must be theirs."""
    if delegation is None or delegation.document_id != document.pk:
        raise _refuse("delegation", _("Name the delegation you act for on this document."))
    if user is not None and not delegations_of(user, document).filter(pk=delegation.pk).exists():
        raise PermissionDenied(_("You do not act for this delegation."))
    return delegation


def break_silence(
    document: OutcomeDocument,
    delegation: Delegation | None,
    text: str,
    by: User | None,
    now: dt.datetime | None = None,
) -> Objection:
    """A delegation's objection before the deadline: the silence is broken, the text goes back
    to draft, and the objection is kept."""
    acting = _acting_delegation(document, by, delegation)
    if problems := _text("text", text, PARAGRAPH_LENGTH):
        raise DocumentInvalid({"text": problems})
    moment = _now(now)
    with transaction.atomic():
        document = _lock(document)
        silence = running_silence(document)
        if document.status != DocumentStatus.UNDER_SILENCE or silence is None:
            raise _refuse("status", _("The text is not under silence procedure."))
        if moment >= silence.deadline:
            raise _refuse("deadline", _("The silence procedure ended at its deadline."))
        objection = Objection.objects.create(
            silence=silence, delegation=acting, author=by, text=text.strip(), created_at=moment
        )
        silence.outcome = SilenceOutcome.BROKEN
        silence.ended_at = moment
        silence.save(update_fields=["outcome", "ended_at"])
        document.status = DocumentStatus.DRAFT
        document.save(update_fields=["status", "updated_at"])
    return objection


def adopt(
    document: OutcomeDocument,
    by: User | None,
    at: Engagement | None = None,
    now: dt.datetime | None = None,
) -> Revision:
    """Records the adoption of the current revision: under silence, once the deadline has passed
    with no objection (adopted at the deadline); or, circulated, in session at an engagement
    (adopted now). A broken silence sends the text back to draft, so it blocks adoption."""
    _require_editor(by, document)
    moment = _now(now)
    if at is not None and by is not None and not engagements_visible_to(by).filter(pk=at.pk):
        raise _refuse("engagement", _("Unknown engagement."))
    with transaction.atomic():
        document = _lock(document)
        revision = current_revision(document)
        assert revision is not None
        if document.status == DocumentStatus.UNDER_SILENCE:
            silence = running_silence(document)
            assert silence is not None
            if moment < silence.deadline or silence.objections.exists():
                raise _refuse(
                    "status", _("The silence procedure runs until its deadline; wait for it.")
                )
            silence.outcome = SilenceOutcome.PASSED
            silence.ended_at = silence.deadline
            silence.save(update_fields=["outcome", "ended_at"])
            adopted_at = silence.deadline
        elif document.status == DocumentStatus.CIRCULATED:
            if at is None:
                raise _refuse(
                    "engagement",
                    _("A circulated text is adopted in session: name the engagement."),
                )
            adopted_at = moment
        else:
            raise _refuse(
                "status",
                _("Only a circulated text, or one whose silence procedure has passed, is adopted."),
            )
        revision.adopted_at = adopted_at
        revision.adopted_at_engagement = at
        revision.save(update_fields=["adopted_at", "adopted_at_engagement"])
        if at is not None:
            DocumentEngagement.objects.get_or_create(
                document=document, engagement=at, role=EngagementRole.ADOPTED
            )
        document.status = DocumentStatus.ADOPTED
        document.save(update_fields=["status", "updated_at"])
    return revision


def publish(
    document: OutcomeDocument, by: User | None, now: dt.datetime | None = None
) -> OutcomeDocument:
    """Makes the adopted text public (a published corrigendum replaces the text in force)."""
    _require_editor(by, document)
    with transaction.atomic():
        document = _lock(document)
        _step(document, [DocumentStatus.ADOPTED], _("Only an adopted text can be published."))
        document.status = DocumentStatus.PUBLISHED
        if document.published_at is None:
            document.published_at = _now(now)
        document.save(update_fields=["status", "published_at", "updated_at"])
    return document


def withdraw(
    document: OutcomeDocument, by: User | None, now: dt.datetime | None = None
) -> OutcomeDocument:
    """Withdraws a text never adopted; a running silence procedure ends with it."""
    _require_editor(by, document)
    moment = _now(now)
    with transaction.atomic():
        document = _lock(document)
        if document.revisions.filter(adopted_at__isnull=False).exists():
            raise _refuse("status", _("An adopted text cannot be withdrawn."))
        _step(
            document,
            [DocumentStatus.DRAFT, DocumentStatus.CIRCULATED, DocumentStatus.UNDER_SILENCE],
            _("The text was withdrawn already."),
        )
        SilenceProcedure.objects.filter(
            revision__document=document, outcome=SilenceOutcome.RUNNING
        ).update(outcome=SilenceOutcome.BROKEN, ended_at=moment)
        document.status = DocumentStatus.WITHDRAWN
        document.withdrawn_at = moment
        document.save(update_fields=["status", "withdrawn_at", "updated_at"])
    return document


def comment(
    document: OutcomeDocument,
    delegation: Delegation | None,
    text: str,
    by: User | None,
    paragraph_number: int | None = None,
    now: dt.datetime | None = None,
) -> Comment:
    """A delegation's comment on the current revision, on one paragraph or on the whole."""
    acting = _acting_delegation(document, by, delegation)
    if problems := _text("text", text, PARAGRAPH_LENGTH):
        raise DocumentInvalid({"text": problems})
    with transaction.atomic():
        document = _lock(document)
        _step(document, OPEN, _("Comments are taken on a draft or a circulated text."))
        revision = current_revision(document)
        assert revision is not None
        paragraph = None
        if paragraph_number is not None:
            paragraph = revision.paragraphs.filter(number=paragraph_number).first()
            if paragraph is None:
                raise _refuse(
                    "paragraph",
                    _("The text has no paragraph %(number)d.") % {"number": paragraph_number},
                )
        return Comment.objects.create(
            revision=revision,
            paragraph=paragraph,
            delegation=acting,
            author=by,
            text=text.strip(),
            created_at=_now(now),
        )


def resolve_comment(
    item: Comment, by: User | None, now: dt.datetime | None = None, *, resolved: bool = True
) -> Comment:
    _require_editor(by, item.revision.document)
    item.resolved_at = _now(now) if resolved else None
    item.resolved_by = by if resolved else None
    item.save(update_fields=["resolved_at", "resolved_by"])
    return item


def add_delegation(
    document: OutcomeDocument,
    by: User | None,
    country: Country | None = None,
    organisation: Organisation | None = None,
    time_zone: str = "",
) -> Delegation:
    _require_editor(by, document)
    if (country is None) == (organisation is None):
        raise _refuse("country", _("Name one country or one organisation."))
    if problem := _zone_problem(time_zone):
        raise _refuse("time_zone", problem)
    if Delegation.objects.filter(
        document=document, country=country, organisation=organisation
    ).exists():
        raise _refuse(
            "country" if country else "organisation", _("This delegation takes part already.")
        )
    return Delegation.objects.create(
        document=document, country=country, organisation=organisation, time_zone=time_zone
    )


def set_delegates(delegation: Delegation, users: Sequence[Any], by: User | None) -> Delegation:
    """Who acts for the delegation on this document: set by an editor."""
    _require_editor(by, delegation.document)
    delegation.delegates.set(users)
    return delegation


def add_party(
    document: OutcomeDocument,
    action: str,
    date: dt.date,
    by: User | None,
    country: Country | None = None,
    organisation: Organisation | None = None,
    text: str = "",
) -> Party:
    """A country or organisation that adopted, signed, joined later, dissociated from or entered
    a reservation to the adopted text, with the day and its words."""
    _require_editor(by, document)
    errors: dict[str, list[str]] = {}
    if (country is None) == (organisation is None):
        errors["country"] = [_("Name one country or one organisation.")]
    if action not in PartyAction.values:
        errors["action"] = [
            _("Unknown action %(action)r; use one of %(actions)s.")
            % {"action": action[:40], "actions": ", ".join(PartyAction.values)}
        ]
    if problems := _text("text", text, PARAGRAPH_LENGTH, required=False):
        errors["text"] = problems
    elif action in (PartyAction.RESERVATION, PartyAction.DISSOCIATED) and not text.strip():
        errors["text"] = [_("A reservation or a dissociation is recorded with its words.")]
    if not document.revisions.filter(adopted_at__isnull=False).exists():
        errors["status"] = [_("Parties are recorded once the text is adopted.")]
    if errors:
        raise DocumentInvalid(errors)
    return Party.objects.create(
        document=document,
        country=country,
        organisation=organisation,
        action=action,
        date=date,
        text=text.strip(),
    )


def attach_translation(
    revision: Revision,
    language: str,
    title: str,
    paragraphs: Sequence[str],
    by: User | None,
    url: str = "",
) -> Translation:
    """The revision's text in another language, paragraph for paragraph; authentic when the
    document names that language among its authentic ones."""
    document = revision.document
    _require_editor(by, document)
    errors: dict[str, list[str]] = {}
    if problem := language_problem(language):
        errors["language"] = [problem]
    elif normalise(language) == document.original_language:
        errors["language"] = [_("This is the language of the original.")]
    if problems := _text("title", title, TITLE_LENGTH):
        errors["title"] = problems
    kept = [p.strip() for p in paragraphs if p.strip()]
    if problems := _paragraph_problems(kept):
        errors["paragraphs"] = problems
    elif len(kept) != revision.paragraphs.count():
        errors["paragraphs"] = [
            _("The original has %(count)d paragraphs; the translation must have as many.")
            % {"count": revision.paragraphs.count()}
        ]
    if errors:
        raise DocumentInvalid(errors)
    code = normalise(language)
    translation, _created = Translation.objects.update_or_create(
        revision=revision,
        language=code,
        defaults={
            "title": title.strip(),
            "paragraphs": kept,
            "authentic": code in document.authentic_languages,
            "url": url,
        },
    )
    return translation


def record_adopted(
    data: DocumentInput,
    adopted_on: dt.datetime,
    at: Engagement | None,
    *,
    published: bool = True,
    sources: Sequence[tuple[str, str, str]] = (),
) -> OutcomeDocument:
    """A document adopted before it was kept here (the demo records): its known text, adopted
    at `adopted_on`, published when it was made public; a text the record does not hold is left
    empty. For the demo loader, not for users."""
    with transaction.atomic():
        document = create_document(data, by=None, require_text=False)
        revision = current_revision(document)
        assert revision is not None
        revision.created_at = adopted_on
        revision.adopted_at = adopted_on
        revision.adopted_at_engagement = at
        revision.save(update_fields=["created_at", "adopted_at", "adopted_at_engagement"])
        if at is not None:
            DocumentEngagement.objects.get_or_create(
                document=document, engagement=at, role=EngagementRole.ADOPTED
            )
        document.status = DocumentStatus.PUBLISHED if published else DocumentStatus.ADOPTED
        document.published_at = adopted_on if published else None
        document.save(update_fields=["status", "published_at"])
        DocumentSource.objects.bulk_create(
            DocumentSource(document=document, citation=citation, url=url, note=note)
            for citation, url, note in sources
        )
    return document
