"""Every write to the register goes through here: one place to validate, audit and reuse.

Views, the API, the importer, the demo loader and the tests all call these functions.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from summitry.directory.languages import DEFAULT_LANGUAGE, language_problem, normalise
from summitry.directory.models import Country, Office, Organisation, Person
from summitry.directory.names import language_name
from summitry.directory.queries import offices_held
from summitry.engagements.models import (
    Confidentiality,
    Engagement,
    EngagementText,
    Kind,
    Participation,
    Role,
    Source,
    Status,
    Topic,
)

if TYPE_CHECKING:
    from summitry.accounts.models import User

# What a registry allows: held and cancelled are final; a cancelled engagement keeps its history.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PROPOSED: frozenset({Status.SCHEDULED, Status.HELD, Status.CANCELLED}),
    Status.SCHEDULED: frozenset({Status.HELD, Status.CANCELLED, Status.POSTPONED}),
    Status.POSTPONED: frozenset({Status.SCHEDULED, Status.CANCELLED}),
    Status.HELD: frozenset(),
    Status.CANCELLED: frozenset(),
}
# Clock skew between a browser and the server must not make "held now" look like the future.
HELD_FUTURE_TOLERANCE = dt.timedelta(minutes=5)
DATE_ONLY_HOUR = 12
# Wide enough for any real record, far enough from datetime's limits that no offset or time zone
# conversion overflows; the review and the API's year filters use the same bounds.
EARLIEST_YEAR, LATEST_YEAR = 1800, 2999
REF_PATTERN = re.compile(r"[-a-zA-Z0-9_]+")
REF_TAKEN = gettext_lazy("This ref is already in use; choose another.")
# Only these schemes are stored, so that no stored link can run script when followed.
WEB_URL = URLValidator(schemes=["http", "https"])


def _max_length(model: type[Any], name: str) -> int:
    length = model._meta.get_field(name).max_length
    assert length is not None
    return int(length)


class TextProblem(enum.Enum):
    """What keeps a text from being stored as it is."""

    UNSTORABLE = "unstorable"  # a NUL character or invalid Unicode
    TOO_LONG = "too long"


def text_problem(value: str, max_length: int | None = None) -> TextProblem | None:
    """What keeps a text from being stored as it is: a NUL character, bad Unicode, its length."""
    if "\x00" in value:
        return TextProblem.UNSTORABLE
    try:
        value.encode()
    except UnicodeEncodeError:
        return TextProblem.UNSTORABLE
    if max_length is not None and len(value) > max_length:
        return TextProblem.TOO_LONG
    return None


# One whole sentence per field and problem: the field's name inflects differently in each language.
_UNSTORABLE: dict[str, Promise] = {
    "title": gettext_lazy(
        "The title contains a character that cannot be stored (a NUL character or invalid Unicode)."
    ),
    "readout": gettext_lazy(
        "The readout contains a character that cannot be stored (a NUL character or invalid "
        "Unicode)."
    ),
    "ref": gettext_lazy(
        "The ref contains a character that cannot be stored (a NUL character or invalid Unicode)."
    ),
    "topic": gettext_lazy(
        "The topic %(topic)s contains a character that cannot be stored (a NUL character or "
        "invalid Unicode)."
    ),
    "citation": gettext_lazy(
        "Source %(number)d: the citation contains a character that cannot be stored (a NUL "
        "character or invalid Unicode)."
    ),
    "note": gettext_lazy(
        "Source %(number)d: the note contains a character that cannot be stored (a NUL character "
        "or invalid Unicode)."
    ),
    "url": gettext_lazy(
        "Source %(number)d: the link contains a character that cannot be stored (a NUL character "
        "or invalid Unicode)."
    ),
}
_TOO_LONG: dict[str, Promise] = {
    "title": ngettext_lazy(
        "The title is longer than %(limit)d character.",
        "The title is longer than %(limit)d characters.",
        "limit",
    ),
    "ref": ngettext_lazy(
        "The ref is longer than %(limit)d character.",
        "The ref is longer than %(limit)d characters.",
        "limit",
    ),
    "topic": ngettext_lazy(
        "The topic %(topic)s is longer than %(limit)d character.",
        "The topic %(topic)s is longer than %(limit)d characters.",
        "limit",
    ),
    "citation": ngettext_lazy(
        "Source %(number)d: the citation is longer than %(limit)d character.",
        "Source %(number)d: the citation is longer than %(limit)d characters.",
        "limit",
    ),
    "note": ngettext_lazy(
        "Source %(number)d: the note is longer than %(limit)d character.",
        "Source %(number)d: the note is longer than %(limit)d characters.",
        "limit",
    ),
    "url": ngettext_lazy(
        "Source %(number)d: the link is longer than %(limit)d character.",
        "Source %(number)d: the link is longer than %(limit)d characters.",
        "limit",
    ),
}


def text_message(
    field: str, problem: TextProblem, limit: int | None = None, **values: object
) -> str:
    """The sentence for `problem` in `field` (title, readout, ref, topic, citation, note, url)."""
    if problem is TextProblem.UNSTORABLE:
        return str(_UNSTORABLE[field]) % values
    return str(_TOO_LONG[field] % {**values, "limit": limit})


def url_problem(value: str, number: int) -> str | None:
    """Why source `number`'s link cannot be stored, or None: only http and https, so no link
    runs script."""
    if not value:
        return None
    limit = _max_length(Source, "url")
    if problem := text_problem(value, limit):
        return text_message("url", problem, limit, number=number)
    try:
        WEB_URL(value)
    except ValidationError:
        return _("Source %(number)d: the link must be an http:// or https:// address.") % {
            "number": number
        }
    return None


def moment_problem(value: dt.datetime) -> str | None:
    if timezone.is_naive(value):
        return _("The time needs a time zone or a UTC offset.")
    try:
        year = value.astimezone(dt.UTC).year
    except OverflowError:
        year = value.year
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return _("The year must lie between %(first)s and %(last)s.") % {
            "first": EARLIEST_YEAR,
            "last": LATEST_YEAR,
        }
    return None


class EngagementInvalid(ValueError):
    """Input that cannot be stored; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass
class ParticipantInput:
    person: Person
    role: str = Role.HEAD_OF_DELEGATION
    office: Office | None = None
    country: Country | None = None
    organisation: Organisation | None = None


@dataclass
class SourceInput:
    citation: str
    url: str = ""
    note: str = ""


@dataclass
class TextInput:
    """The title and readout in a language other than the original's."""

    language: str
    title: str
    readout: str = ""


@dataclass
class EngagementInput:
    title: str
    kind: str
    status: str = Status.PROPOSED
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    time_known: bool = True
    host_country: Country | None = None
    host_organisation: Organisation | None = None
    chair: Person | None = None
    countries: Sequence[Country] = ()
    organisations: Sequence[Organisation] = ()
    topics: Sequence[str] = ()
    readout: str = ""
    confidentiality: str = Confidentiality.PUBLIC
    participants: Sequence[ParticipantInput] = ()
    sources: Sequence[SourceInput] = ()
    # None keeps the current ref; a new record without one gets summitry-<id>.
    ref: str | None = None
    # None keeps the current readers (none for a new record), so that no writer that does not
    # know them (an import, an API client) wipes them.
    readers: Sequence[Any] | None = None
    # The language of `title` and `readout`, the original; None keeps the current one ("en" for
    # a new record).
    original_language: str | None = None
    # The versions in other languages; None keeps the current ones, [] removes them.
    versions: Sequence[TextInput] | None = None


# The parts of a version: each is named part@language in errors, the import's columns and the API.
VERSION_PARTS = ("title", "readout")


def version_field(part: str, language: str) -> str:
    """How a field of a version is named in errors, the import's columns and the API: title@fr."""
    return f"{part}@{language}"


def _validate_versions(data: EngagementInput, err: Any) -> None:
    original = normalise(data.original_language or DEFAULT_LANGUAGE)
    if data.original_language is not None and (unknown_original := language_problem(original)):
        err("original_language", unknown_original)
    seen: set[str] = set()
    for version in data.versions or ():
        language = normalise(version.language)
        if unknown := language_problem(language):
            err("versions", unknown)
            continue
        if language == original:
            err(
                "versions",
                _(
                    "The original is in %(language)s: a second version in its language would "
                    "make two originals."
                )
                % {"language": language_name(language)},
            )
        elif language in seen:
            err(
                "versions",
                _("Two versions in %(language)s.") % {"language": language_name(language)},
            )
        seen.add(language)
        title = version_field("title", language)
        if not version.title.strip():
            err(title, _("A title is required."))
        elif problem := text_problem(version.title, limit := _max_length(EngagementText, "title")):
            err(title, text_message("title", problem, limit))
        if problem := text_problem(version.readout):
            err(version_field("readout", language), text_message("readout", problem))


def date_only_start(day: dt.date) -> dt.datetime:
    """The stored instant for a record that gives a date and no hour."""
    return dt.datetime(day.year, day.month, day.day, DATE_ONLY_HOUR, tzinfo=dt.UTC)


def validate(data: EngagementInput, previous_status: str | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.title.strip():
        err("title", _("A title is required."))
    elif problem := text_problem(data.title, limit := _max_length(Engagement, "title")):
        err("title", text_message("title", problem, limit))
    if problem := text_problem(data.readout):
        err("readout", text_message("readout", problem))
    _validate_versions(data, err)
    if data.ref is not None:
        if problem := text_problem(data.ref, limit := _max_length(Engagement, "ref")):
            err("ref", text_message("ref", problem, limit))
        elif not REF_PATTERN.fullmatch(data.ref):
            err("ref", _("Use letters, digits, hyphens and underscores."))
    if data.kind not in Kind.values:
        err(
            "kind",
            _("Unknown kind %(value)s; expected one of %(choices)s.")
            % {"value": repr(data.kind), "choices": ", ".join(Kind.values)},
        )
    if data.status not in Status.values:
        err(
            "status",
            _("Unknown status %(value)s; expected one of %(choices)s.")
            % {"value": repr(data.status), "choices": ", ".join(Status.values)},
        )
    if data.confidentiality not in Confidentiality.values:
        err(
            "confidentiality",
            _("Unknown confidentiality %(value)s; expected one of %(choices)s.")
            % {"value": repr(data.confidentiality), "choices": ", ".join(Confidentiality.values)},
        )
    for name, value in (("start", data.start), ("end", data.end)):
        if value is not None and (wrong := moment_problem(value)):
            err(name, wrong)
    if "start" not in errors and "end" not in errors:
        if data.end is not None and data.start is None:
            err("end", _("An end needs a start."))
        elif data.start is not None and data.end is not None:
            # Compare what will be stored: a record without hours keeps each date at noon.
            start, end = data.start, data.end
            if not data.time_known:
                start, end = date_only_start(start.date()), date_only_start(end.date())
            if end < start:
                err("end", _("The end is before the start."))
    if data.status in (Status.HELD, Status.SCHEDULED) and data.start is None:
        err(
            "start",
            _("A held engagement needs a start date.")
            if data.status == Status.HELD
            else _("A scheduled engagement needs a start date."),
        )
    if (
        data.status == Status.HELD
        and data.start is not None
        and "start" not in errors
        and data.start > timezone.now() + HELD_FUTURE_TOLERANCE
    ):
        err("status", _("An engagement that starts in the future cannot be marked held."))
    if previous_status is not None and data.status != previous_status:
        allowed = TRANSITIONS.get(previous_status, frozenset())
        if data.status not in allowed:
            options = ", ".join(sorted(allowed)) or _("none: it is final")
            err(
                "status",
                _("A %(previous)s engagement cannot become %(status)s (allowed: %(options)s).")
                % {"previous": previous_status, "status": data.status, "options": options},
            )
    seen: set[int] = set()
    for participant in data.participants:
        if participant.role not in Role.values:
            err(
                "participants",
                _("%(person)s: unknown role %(role)s.")
                % {"person": participant.person, "role": repr(participant.role)},
            )
        if participant.person.pk in seen:
            err("participants", _("%(person)s is listed twice.") % {"person": participant.person})
        seen.add(participant.person.pk)
    for topic in data.topics:
        if problem := text_problem(topic, limit := _max_length(Topic, "name")):
            err("topics", text_message("topic", problem, limit, topic=repr(topic[:20])))
    for number, source in enumerate(data.sources, start=1):
        if not source.citation.strip():
            err(
                "sources",
                _("Source %(number)s: each source needs a citation.") % {"number": number},
            )
        for part, text in (("citation", source.citation), ("note", source.note)):
            if problem := text_problem(text, limit := _max_length(Source, part)):
                err("sources", text_message(part, problem, limit, number=number))
        if bad_link := url_problem(source.url, number):
            err("sources", bad_link)
    return errors


def _office_on_the_day(participant: ParticipantInput, day: dt.date | None) -> Office | None:
    if participant.office is not None or day is None:
        return participant.office
    held = offices_held(participant.person, day)
    return held[0] if held else None


def _write(engagement: Engagement, data: EngagementInput, by: User | None, created: bool) -> None:
    if not data.time_known:
        data.start = date_only_start(data.start.date()) if data.start else None
        data.end = date_only_start(data.end.date()) if data.end else None
    if data.ref is None:
        data.ref = engagement.ref
    if data.original_language is None:
        data.original_language = engagement.original_language or DEFAULT_LANGUAGE
    data.original_language = normalise(data.original_language)
    for name in (
        "title", "kind", "status", "start", "end", "time_known", "host_country",
        "host_organisation", "chair", "readout", "confidentiality", "ref", "original_language",
    ):  # fmt: skip
        setattr(engagement, name, getattr(data, name))
    engagement.title = engagement.title.strip()
    engagement.updated_by = by
    if created:
        engagement.created_by = by
    # One history record per write: related rows first, then the save that snapshots them.
    engagement.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        _save_with_ref(engagement)
        if engagement.ref is None:
            _assign_ref(engagement)
        engagement.countries.set(data.countries)
        engagement.organisations.set(data.organisations)
        engagement.topics.set(
            [
                Topic.objects.get_or_create(name=name.strip())[0]
                for name in data.topics
                if name.strip()
            ]
        )
        if data.readers is not None:
            engagement.readers.set(data.readers)
        day = data.start.date() if data.start else None
        engagement.participations.all().delete()
        for order, participant in enumerate(data.participants):
            Participation(
                engagement=engagement,
                person=participant.person,
                role=participant.role,
                office=_office_on_the_day(participant, day),
                # Someone speaking for an organisation does not represent their own country.
                country=participant.country
                or (None if participant.organisation else participant.person.country),
                organisation=participant.organisation,
                order=order,
            ).save()
        engagement.sources.all().delete()
        Source.objects.bulk_create(
            Source(engagement=engagement, citation=s.citation.strip(), url=s.url, note=s.note)
            for s in data.sources
        )
        if data.versions is not None:
            engagement.texts.all().delete()
            EngagementText.objects.bulk_create(
                EngagementText(
                    engagement=engagement,
                    language=normalise(v.language),
                    title=v.title.strip(),
                    readout=v.readout,
                )
                for v in data.versions
            )
    finally:
        del engagement.skip_history_when_saving  # type: ignore[attr-defined]
    engagement._history_user = by  # type: ignore[attr-defined]
    _record_history(engagement, "+" if created else "~")


def _ref_taken(engagement: Engagement) -> bool:
    others = Engagement.objects.exclude(pk=engagement.pk) if engagement.pk else Engagement.objects
    return engagement.ref is not None and others.filter(ref=engagement.ref).exists()


def _save_with_ref(engagement: Engagement) -> None:
    # The same words whoever holds the ref, so that a refusal tells nothing of a hidden record.
    taken = EngagementInvalid({"ref": [str(REF_TAKEN)]})
    if _ref_taken(engagement):
        raise taken
    try:
        with transaction.atomic():
            engagement.save()
    except IntegrityError:
        # Another write took the ref between the check and the save.
        if _ref_taken(engagement):
            raise taken from None
        raise


def _assign_ref(engagement: Engagement) -> None:
    """Every record gets a ref, so that an export re-imports onto the same records."""
    base = ref = f"summitry-{engagement.pk}"
    suffix = 1
    while True:
        try:
            with transaction.atomic():
                Engagement.objects.filter(pk=engagement.pk).update(ref=ref)
        except IntegrityError:
            suffix += 1
            ref = f"{base}-{suffix}"
            continue
        engagement.ref = ref
        return


def _record_history(engagement: Engagement, history_type: str) -> None:
    from summitry.engagements.models import ENGAGEMENT_HISTORY

    ENGAGEMENT_HISTORY.create_historical_record(engagement, history_type)


@transaction.atomic
def create_engagement(data: EngagementInput, by: User | None) -> Engagement:
    errors = validate(data)
    if errors:
        raise EngagementInvalid(errors)
    engagement = Engagement()
    _write(engagement, data, by, created=True)
    return engagement


@transaction.atomic
def update_engagement(engagement: Engagement, data: EngagementInput, by: User | None) -> Engagement:
    # Lock the row so that two editors cannot interleave a status change.
    current = Engagement.objects.select_for_update().get(pk=engagement.pk)
    # What the writer leaves out is kept, and checked with the rest: no version may come to share
    # the original's language.
    if data.original_language is None:
        data.original_language = current.original_language
    if data.versions is None:
        data.versions = [TextInput(t.language, t.title, t.readout) for t in current.texts.all()]
    errors = validate(data, previous_status=current.status)
    if errors:
        raise EngagementInvalid(errors)
    _write(current, data, by, created=False)
    return current


def input_from(engagement: Engagement) -> EngagementInput:
    """The current state as input, to change a few fields and write it back."""
    return EngagementInput(
        title=engagement.title,
        kind=engagement.kind,
        status=engagement.status,
        start=engagement.start,
        end=engagement.end,
        time_known=engagement.time_known,
        host_country=engagement.host_country,
        host_organisation=engagement.host_organisation,
        chair=engagement.chair,
        countries=list(engagement.countries.all()),
        organisations=list(engagement.organisations.all()),
        topics=[t.name for t in engagement.topics.all()],
        readout=engagement.readout,
        confidentiality=engagement.confidentiality,
        participants=[
            ParticipantInput(
                person=p.person,
                role=p.role,
                office=p.office,
                country=p.country,
                organisation=p.organisation,
            )
            for p in engagement.participations.select_related("person", "office", "country")
        ],
        sources=[SourceInput(s.citation, s.url, s.note) for s in engagement.sources.all()],
        ref=engagement.ref,
        readers=list(engagement.readers.all()),
        original_language=engagement.original_language,
        versions=[TextInput(t.language, t.title, t.readout) for t in engagement.texts.all()],
    )


def change_status(engagement: Engagement, status: str, by: User | None) -> Engagement:
    data = input_from(engagement)
    data.status = status
    return update_engagement(engagement, data, by)


def set_readout(engagement: Engagement, readout: str, by: User | None) -> Engagement:
    data = input_from(engagement)
    data.readout = readout
    return update_engagement(engagement, data, by)
