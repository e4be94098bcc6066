"""Every write to the expert exchanges goes through here: questions and answers, validated.

A question may be put by anyone signed in who may see the conference, before it or after; an
answer is recorded by an editor and names the expert who gave it, one of the conference's
participants. Editors also record the materials presented: editions and their translations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from summitry.directory.languages import language_problem, normalise, reader_language
from summitry.directory.models import Country, Person
from summitry.engagements.models import Engagement, Kind, Participation, Status
from summitry.engagements.queries import can_edit, visible_to
from summitry.engagements.services import TextProblem, text_problem
from summitry.exchanges import search
from summitry.exchanges.models import Answer, Material, Question
from summitry.knowledge.queries import visible_editions

if TYPE_CHECKING:
    from summitry.accounts.models import User

# Long enough for a clinician's question with its context; longer belongs in a document.
MAX_TEXT = 4000


class ExchangeInvalid(ValueError):
    """Input that cannot be stored; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


class ExchangeRefused(PermissionError):
    """The person may not do this (not signed in, cannot see the conference, not an editor)."""


def is_conference(engagement: Engagement) -> bool:
    return engagement.kind == Kind.VIDEO_CONFERENCE


def may_ask(user: Any, engagement: Engagement) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and is_conference(engagement)
        and engagement.status != Status.CANCELLED
        and visible_to(user).filter(pk=engagement.pk).exists()
    )


def may_answer(user: Any, engagement: Engagement) -> bool:
    return bool(getattr(user, "is_editor", False) and may_ask(user, engagement))


def _text_errors(value: str, errors: dict[str, list[str]], field: str = "text") -> str:
    text = value.strip()
    problem = text_problem(text, MAX_TEXT)
    if not text:
        errors.setdefault(field, []).append(_("Write the text."))
    elif problem is TextProblem.UNSTORABLE:
        errors.setdefault(field, []).append(
            _(
                "The text contains a character that cannot be stored (a NUL character or invalid "
                "Unicode)."
            )
        )
    elif problem is TextProblem.TOO_LONG:
        errors.setdefault(field, []).append(
            _("The text is longer than %(limit)d characters.") % {"limit": MAX_TEXT}
        )
    return text


def _language(value: str | None, errors: dict[str, list[str]]) -> str:
    code = normalise(value) if value else reader_language()
    if problem := language_problem(code):
        errors.setdefault("language", []).append(problem)
    return code


def ask_question(
    user: User,
    engagement: Engagement,
    *,
    text: str,
    asker_name: str = "",
    country: str = "",
    language: str | None = None,
) -> Question:
    """Put a question to a conference, in the asker's name and for their country."""
    if not may_ask(user, engagement):
        raise ExchangeRefused(_("You may not put a question to this conference."))
    errors: dict[str, list[str]] = {}
    body = _text_errors(text, errors)
    name = (asker_name.strip() or user.get_full_name() or user.get_username())[:200]
    if text_problem(name) is not None:
        errors.setdefault("asker_name", []).append(
            _(
                "The name contains a character that cannot be stored (a NUL character or invalid "
                "Unicode)."
            )
        )
    place = None
    if country.strip():
        place = Country.objects.filter(code__iexact=country.strip()[:2]).first()
        if place is None or len(country.strip()) != 2:
            errors.setdefault("country", []).append(
                _("Unknown country; give its two-letter ISO code, such as FR.")
            )
    code = _language(language, errors)
    if errors:
        raise ExchangeInvalid(errors)
    return Question.objects.create(
        engagement=engagement,
        text=body,
        asker_name=name,
        country=place,
        language=code,
        asked_by=user,
        asked_at=timezone.now(),
        search_text=search.question_text(body, name),
    )


def answer_question(
    user: User,
    question: Question,
    *,
    expert: int | str | None,
    text: str,
    language: str | None = None,
) -> Answer:
    """Record an expert's answer to a question; the expert is one of the conference's
    participants, named, so the answer says who gave it."""
    engagement = question.engagement
    if not may_answer(user, engagement):
        raise ExchangeRefused(_("You may not record answers for this conference."))
    errors: dict[str, list[str]] = {}
    body = _text_errors(text, errors)
    person = None
    try:
        expert_id = int(expert) if expert is not None and expert != "" else None
    except (TypeError, ValueError):
        expert_id = None
    if expert_id is not None:
        person = Person.objects.filter(
            pk=expert_id,
            pk__in=Participation.objects.filter(engagement=engagement).values("person"),
        ).first()
    if person is None:
        errors.setdefault("expert", []).append(
            _("Choose the expert who answers from the conference's participants.")
        )
    code = _language(language, errors)
    if errors:
        raise ExchangeInvalid(errors)
    assert person is not None
    return Answer.objects.create(
        question=question,
        expert=person,
        text=body,
        language=code,
        recorded_by=user,
        answered_at=timezone.now(),
        search_text=search.answer_text(body),
    )


def present_material(
    user: User, engagement: Engagement, *, edition: int | str | None, language: str = ""
) -> Material:
    """Record that an edition (or its translation into `language`) was presented at the
    conference. Editors only; the edition must be one the editor may see."""
    if not (may_answer(user, engagement) and can_edit(user, engagement)):
        raise ExchangeRefused(_("You may not record the materials of this conference."))
    errors: dict[str, list[str]] = {}
    try:
        edition_id = int(edition) if edition is not None and edition != "" else None
    except (TypeError, ValueError):
        edition_id = None
    chosen = (
        visible_editions(user).select_related("work").filter(pk=edition_id).first()
        if edition_id is not None
        else None
    )
    if chosen is None:
        errors.setdefault("edition", []).append(_("Choose an edition of a work."))
    translation = None
    code = normalise(language) if language else ""
    if chosen is not None and code and code != chosen.work.language:
        translation = chosen.translations.filter(language=code).first()
        if translation is None:
            errors.setdefault("language", []).append(
                _("This edition has no translation in this language.")
            )
    if errors:
        raise ExchangeInvalid(errors)
    assert chosen is not None
    material, _created = Material.objects.get_or_create(
        engagement=engagement, edition=chosen, translation=translation
    )
    return material
