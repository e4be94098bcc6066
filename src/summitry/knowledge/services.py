"""Every write to the knowledge centre goes through here: works, editions, translations,
topics, sharing, access grants and download counts. Views, the CLI, the demo loader and the
tests call these; each refuses bad input with `KnowledgeInvalid`, naming the field.

The current edition of a work is its highest-numbered one: publishing a later edition
supersedes the current one in the same transaction, and adding an earlier one (a back
catalogue) leaves the current one as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from summitry.directory.languages import language_problem, normalise
from summitry.directory.models import Country
from summitry.knowledge import documents
from summitry.knowledge.models import (
    AccessGrant,
    Document,
    DownloadCount,
    Edition,
    Topic,
    Translation,
    Work,
)
from summitry.search import segment

if TYPE_CHECKING:
    from summitry.accounts.models import User

SLUG = re.compile(r"[-a-zA-Z0-9_]+")
MAX_NUMBER = 32767
# Paths of the portal that a work's slug must not shadow.
RESERVED_SLUGS = frozenset({"new"})
# Plain dates of record: nothing before the first modern health regulations, nothing far ahead.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


class KnowledgeInvalid(ValueError):
    """Input that cannot be stored; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise KnowledgeInvalid(self.errors)


def _text(err: _Errors, field: str, value: str, limit: int | None, required: bool = False) -> str:
    value = value.strip()
    if "\x00" in value or not _encodable(value):
        err.add(
            field,
            _(
                "This contains a character that cannot be stored (a NUL character or invalid "
                "Unicode)."
            ),
        )
    elif required and not value:
        err.add(field, _("This field is required."))
    elif limit is not None and len(value) > limit:
        err.add(
            field,
            ngettext(
                "This is longer than %(limit)d character.",
                "This is longer than %(limit)d characters.",
                limit,
            )
            % {"limit": limit},
        )
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _limit(model: type[Any], name: str) -> int:
    length = model._meta.get_field(name).max_length
    assert length is not None
    return int(length)


def _language(err: _Errors, field: str, code: str) -> str:
    if problem := language_problem(code):
        err.add(field, problem)
    return normalise(code)


def _date(err: _Errors, field: str, value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        err.add(
            field,
            _("The date must lie between %(first)s and %(last)s.")
            % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
        )
    return value


def _countries(err: _Errors, field: str, codes: Iterable[str]) -> list[Country]:
    wanted = {c.strip().upper() for c in codes if c.strip()}
    found = list(Country.objects.filter(code__in=wanted))
    for code in sorted(wanted - {c.code for c in found}):
        err.add(field, _("Unknown country code %(code)s.") % {"code": code[:10]})
    return found


# --- topics and works -------------------------------------------------------------------------


def create_topic(name: str, slug: str, names: dict[str, str] | None = None) -> Topic:
    err = _Errors()
    name = _text(err, "name", name, _limit(Topic, "name"), required=True)
    slug = _slug(err, slug, Topic)
    err.raise_any()
    return Topic.objects.create(name=name, slug=slug, names=names or {})


def _slug(err: _Errors, slug: str, model: type[Topic] | type[Work]) -> str:
    slug = slug.strip()
    if not slug:
        err.add("slug", _("This field is required."))
    elif not SLUG.fullmatch(slug) or len(slug) > _limit(model, "slug"):
        err.add(
            "slug",
            _("Use only letters, digits, hyphens and underscores, at most %(limit)d.")
            % {"limit": _limit(model, "slug")},
        )
    elif slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exists():
        err.add("slug", _("This slug is already in use; choose another."))
    return slug


def create_work(
    *,
    title: str,
    slug: str,
    kind: str = Work.Kind.OTHER,
    publisher: str = "",
    summary: str = "",
    language: str = "zh-hans",
    topics: Iterable[Topic] = (),
    shared_with: Iterable[str] = (),
) -> Work:
    err = _Errors()
    title = _text(err, "title", title, _limit(Work, "title"), required=True)
    slug = _slug(err, slug, Work)
    if kind not in Work.Kind.values:
        err.add("kind", _("Unknown kind %(kind)s.") % {"kind": kind[:40]})
    publisher = _text(err, "publisher", publisher, _limit(Work, "publisher"))
    summary = _text(err, "summary", summary, None)
    language = _language(err, "language", language)
    countries = _countries(err, "shared_with", shared_with)
    err.raise_any()
    with transaction.atomic():
        work = Work.objects.create(
            title=title,
            slug=slug,
            kind=kind,
            publisher=publisher,
            summary=summary,
            language=language,
        )
        work.topics.set(list(topics))
        work.shared_with.set(countries)
    return work


def update_work(
    work: Work,
    *,
    title: str,
    kind: str,
    publisher: str = "",
    summary: str = "",
    topics: Iterable[Topic] = (),
    shared_with: Iterable[str] = (),
) -> Work:
    """Change a work's description and sharing; its editions are indexed again under the new
    title. The slug and the original language stay: they are part of every edition's URL."""
    err = _Errors()
    title = _text(err, "title", title, _limit(Work, "title"), required=True)
    if kind not in Work.Kind.values:
        err.add("kind", _("Unknown kind %(kind)s.") % {"kind": kind[:40]})
    publisher = _text(err, "publisher", publisher, _limit(Work, "publisher"))
    summary = _text(err, "summary", summary, None)
    countries = _countries(err, "shared_with", shared_with)
    err.raise_any()
    with transaction.atomic():
        retitled = title != work.title
        work.title, work.kind, work.publisher, work.summary = title, kind, publisher, summary
        work.save()
        work.topics.set(list(topics))
        work.shared_with.set(countries)
        if retitled:
            for edition in work.editions.all():
                edition.search_text = _edition_search_text(edition)
                edition.save(update_fields=["search_text"])
    return work


def set_sharing(work: Work, country_codes: Iterable[str]) -> Work:
    """Share the work with these countries only; with none, with everyone."""
    err = _Errors()
    countries = _countries(err, "shared_with", country_codes)
    err.raise_any()
    work.shared_with.set(countries)
    Work.objects.filter(pk=work.pk).update(updated_at=timezone.now())
    return work


# --- texts ------------------------------------------------------------------------------------


def _read_upload(
    err: _Errors, upload: UploadedFile | None
) -> tuple[bytes, documents.Extracted] | None:
    if upload is None:
        return None
    limit_mb = documents.MAX_UPLOAD_BYTES // (1024 * 1024)
    if upload.size is not None and upload.size > documents.MAX_UPLOAD_BYTES:
        err.add("file", _("The file is larger than %(limit)d MB.") % {"limit": limit_mb})
        return None
    content = upload.read()
    try:
        extracted = documents.extract(content)
    except documents.UnreadableDocument as error:
        messages = {
            "too large": _("The file is larger than %(limit)d MB.") % {"limit": limit_mb},
            "format": _("The file must be a PDF or a Word (DOCX) document."),
            "encrypted": _("The file is protected by a password; upload it without one."),
            "damaged": _("The file is damaged and its text cannot be read."),
        }
        err.add("file", messages[error.reason])
        return None
    if not extracted.text:
        err.add(
            "file", _("No text could be read from the file; is it a scan without a text layer?")
        )
        return None
    return content, extracted


def _check_text(
    err: _Errors, markdown: str | None, upload: UploadedFile | None
) -> tuple[str | None, tuple[bytes, documents.Extracted] | None]:
    if markdown is not None and markdown.strip() and upload is not None:
        err.add("text", _("Give the text as Markdown or as a file, not both."))
        return None, None
    text = _text(err, "text", markdown, None) if markdown is not None else None
    return text, _read_upload(err, upload)


def _apply_text(
    document: Document,
    markdown: str | None,
    uploaded: tuple[bytes, documents.Extracted] | None,
    file_name: str,
) -> None:
    if uploaded is not None:
        content, extracted = uploaded
        if document.file:
            document.file.delete(save=False)
        document.file.save(f"{file_name}.{extracted.format}", ContentFile(content), save=False)
        document.text_format, document.text = extracted.format, extracted.text
    elif markdown is not None:
        if document.file:
            document.file.delete(save=False)
        document.file.name = ""
        document.text = markdown
        document.text_format = Document.Format.MARKDOWN if markdown else Document.Format.NONE


def _edition_search_text(edition: Edition) -> str:
    parts = [edition.work.title, edition.label, edition.changes, edition.readable_text()]
    return segment("\n".join(p for p in parts if p))


def _translation_search_text(translation: Translation) -> str:
    parts = [translation.title, translation.readable_text()]
    return segment("\n".join(p for p in parts if p))


# --- editions ---------------------------------------------------------------------------------


def publish_edition(
    work: Work,
    *,
    number: int | None = None,
    label: str = "",
    published_on: dt.date | None = None,
    changes: str = "",
    markdown: str | None = None,
    upload: UploadedFile | None = None,
    by: User | None = None,
) -> Edition:
    """A new edition of `work`; numbered after the last one unless `number` is given. The
    highest-numbered edition is the current one; the one it follows is superseded."""
    err = _Errors()
    label = _text(err, "label", label, _limit(Edition, "label"))
    changes = _text(err, "changes", changes, None)
    published_on = _date(err, "published_on", published_on)
    text, uploaded = _check_text(err, markdown, upload)
    if number is not None and not 1 <= number <= MAX_NUMBER:
        err.add(
            "number",
            _("The number must be a whole number from 1 to %(limit)d.") % {"limit": MAX_NUMBER},
        )
    err.raise_any()
    with transaction.atomic():
        # One publisher at a time per work, so that two cannot both become current.
        Work.objects.select_for_update().filter(pk=work.pk).first()
        last = work.editions.aggregate(last=Max("number"))["last"] or 0
        if number is None:
            number = last + 1
        elif work.editions.filter(number=number).exists():
            raise KnowledgeInvalid(
                {
                    "number": [
                        _("Edition %(number)d of this work already exists.") % {"number": number}
                    ]
                }
            )
        current = number > last
        if current:
            work.editions.filter(is_current=True).update(
                is_current=False, updated_at=timezone.now()
            )
        edition = Edition(
            work=work,
            number=number,
            label=label,
            published_on=published_on,
            changes=changes,
            is_current=current,
            created_by=by,
        )
        _apply_text(edition, text, uploaded, f"{work.slug}-{number}")
        edition.search_text = _edition_search_text(edition)
        edition.save()
        Work.objects.filter(pk=work.pk).update(updated_at=timezone.now())
    return edition


def set_edition_text(
    edition: Edition,
    *,
    markdown: str | None = None,
    upload: UploadedFile | None = None,
    changes: str | None = None,
) -> Edition:
    """Give an edition its text (Markdown or a file), or replace it."""
    err = _Errors()
    text, uploaded = _check_text(err, markdown, upload)
    if changes is not None:
        changes = _text(err, "changes", changes, None)
    if text is None and uploaded is None and changes is None:
        err.add("text", _("Give the text as Markdown or as a file."))
    err.raise_any()
    with transaction.atomic():
        _apply_text(edition, text, uploaded, f"{edition.work.slug}-{edition.number}")
        if changes is not None:
            edition.changes = changes
        edition.search_text = _edition_search_text(edition)
        edition.save()
    return edition


# --- translations -----------------------------------------------------------------------------


def add_translation(
    edition: Edition,
    *,
    language: str,
    title: str = "",
    translator: str = "",
    reviewed: bool = False,
    reviewer: str = "",
    published_on: dt.date | None = None,
    markdown: str | None = None,
    upload: UploadedFile | None = None,
    by: User | None = None,
) -> Translation:
    err = _Errors()
    language = _language(err, "language", language)
    if language == edition.work.language:
        err.add("language", _("A translation must be in another language than the edition's."))
    elif edition.translations.filter(language=language).exists():
        err.add("language", _("This edition already has a translation in this language."))
    title = _text(err, "title", title, _limit(Translation, "title"))
    translator = _text(err, "translator", translator, _limit(Translation, "translator"))
    reviewer = _text(err, "reviewer", reviewer, _limit(Translation, "reviewer"))
    published_on = _date(err, "published_on", published_on)
    text, uploaded = _check_text(err, markdown, upload)
    err.raise_any()
    translation = Translation(
        edition=edition,
        language=language,
        title=title,
        translator=translator,
        reviewed=reviewed,
        reviewer=reviewer if reviewed else "",
        published_on=published_on,
        created_by=by,
    )
    _apply_text(translation, text, uploaded, f"{edition.work.slug}-{edition.number}-{language}")
    translation.search_text = _translation_search_text(translation)
    try:
        with transaction.atomic():
            translation.save()
    except IntegrityError:
        raise KnowledgeInvalid(
            {"language": [_("This edition already has a translation in this language.")]}
        ) from None
    return translation


def set_review(translation: Translation, *, reviewed: bool, reviewer: str = "") -> Translation:
    err = _Errors()
    reviewer = _text(err, "reviewer", reviewer, _limit(Translation, "reviewer"))
    err.raise_any()
    translation.reviewed = reviewed
    translation.reviewer = reviewer if reviewed else ""
    translation.save(update_fields=["reviewed", "reviewer", "updated_at"])
    return translation


# --- readers ----------------------------------------------------------------------------------


def grant_access(user: User, country_code: str, note: str = "") -> AccessGrant:
    """Let `user` read what is shared with the country (the publisher's decision)."""
    err = _Errors()
    countries = _countries(err, "country", [country_code])
    note = _text(err, "note", note, _limit(AccessGrant, "note"))
    if not country_code.strip():
        err.add("country", _("This field is required."))
    err.raise_any()
    grant, _created = AccessGrant.objects.get_or_create(
        user=user, country=countries[0], defaults={"note": note}
    )
    return grant


def record_download(
    edition: Edition, language: str, country: str, day: dt.date | None = None
) -> None:
    """Count one download of the edition in `language` from `country` ('' unknown)."""
    key = {
        "edition": edition,
        "language": language,
        "country": country,
        "day": day or timezone.localdate(),
    }
    with transaction.atomic():
        if DownloadCount.objects.filter(**key).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                DownloadCount.objects.create(**key, count=1)
        except IntegrityError:
            # Another download made the row first.
            DownloadCount.objects.filter(**key).update(count=F("count") + 1)
