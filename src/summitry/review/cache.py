"""The yearly review, cached, so that the public page costs one small query per request.

A cached review is keyed by everything its figures depend on:
- who asks (what they may see),
- the year, the review's time zone and home country,
- the year's stamp: count, latest update and sum of ids of every engagement (any status) whose
  start lies in the year's window, read from the index — it changes with any write to that
  year, even one that bypasses the models (a bulk insert, SQL),
- the directory version, a token renewed after a change to a country, organisation or person
  commits (names, regions, types and the people's countries enter the figures),
- the knowledge version, renewed after a change to a work, edition, translation or access grant
  commits (the knowledge figures, review/knowledge.py); read with the directory's in one call.

A review is stored only if neither the stamp nor any write seen by the models' signals changed
while it was computed, so a write racing the computation cannot leave stale figures behind.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from summitry.directory.models import Country, Organisation, Person
from summitry.directory.signals import reference_data_changed
from summitry.engagements.models import Engagement, Participation
from summitry.engagements.queries import visible_to
from summitry.knowledge.models import AccessGrant, Edition, Translation, Work
from summitry.review.knowledge import knowledge_figures
from summitry.review.queries import Review, held_in, review_zone, yearly_review_for
from summitry.review.tally import year_stamp

DIRECTORY_VERSION = "review:directory-version"
KNOWLEDGE_VERSION = "review:knowledge-version"
WRITES_VERSION = "review:writes-version"
# A backstop only: a stored review is never served once its inputs changed.
TIMEOUT_S = 24 * 3600
T = TypeVar("T")


def _version(name: str) -> str:
    token = cache.get(name)
    if token is None:
        # A fresh random token (never 0 or 1), so a version lost from the cache cannot repeat.
        cache.add(name, uuid.uuid4().hex, None)
        token = cache.get(name)
    return str(token)


def _versions(*names: str) -> tuple[str, ...]:
    """Several versions in one read of the cache (the page pays one query, not one a name)."""
    found = cache.get_many(names)
    return tuple(str(found[name]) if name in found else _version(name) for name in names)


def _renew(name: str) -> None:
    # After the commit: a reader between the write and the commit must not store the old
    # figures under the new version.
    transaction.on_commit(lambda: cache.set(name, uuid.uuid4().hex, None))


def directory_changed(**kwargs: Any) -> None:
    _renew(DIRECTORY_VERSION)


def register_written(**kwargs: Any) -> None:
    _renew(WRITES_VERSION)


def knowledge_changed(**kwargs: Any) -> None:
    _renew(KNOWLEDGE_VERSION)
    _renew(WRITES_VERSION)


def connect() -> None:
    for model in (Country, Organisation, Person):
        post_save.connect(directory_changed, sender=model, dispatch_uid=f"review-{model}-save")
        post_delete.connect(directory_changed, sender=model, dispatch_uid=f"review-{model}-del")
    reference_data_changed.connect(directory_changed, dispatch_uid="review-reference-data")
    for record in (Engagement, Participation):
        post_save.connect(register_written, sender=record, dispatch_uid=f"review-{record}-save")
        post_delete.connect(register_written, sender=record, dispatch_uid=f"review-{record}-del")
    for through in (Engagement.countries.through, Engagement.organisations.through):
        m2m_changed.connect(register_written, sender=through, dispatch_uid=f"review-{through}")
    for shared in (Work, Edition, Translation, AccessGrant):
        post_save.connect(knowledge_changed, sender=shared, dispatch_uid=f"review-{shared}-save")
        post_delete.connect(knowledge_changed, sender=shared, dispatch_uid=f"review-{shared}-del")
    for shares in (Work.shared_with.through, Work.topics.through):
        m2m_changed.connect(knowledge_changed, sender=shares, dispatch_uid=f"review-{shares}")


def _scope(user: Any) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return "public"
    if getattr(user, "is_administrator", False):
        return "all"
    # Staff see restricted records and the confidential ones they wrote or were named on.
    return f"user-{user.pk}"


def _key(year: int, user: Any, part: str) -> str:
    stamp = year_stamp(year)
    inputs = (
        _scope(user),
        year,
        str(review_zone()),
        os.environ.get("SUMMITRY_HOME_COUNTRY", ""),
        stamp,
        *_versions(DIRECTORY_VERSION, KNOWLEDGE_VERSION),
    )
    digest = hashlib.blake2s(repr(inputs).encode(), digest_size=16).hexdigest()
    return f"review:{part}:{year}:{digest}"


def _cached(year: int, user: Any, part: str, compute: Callable[[], T]) -> T:
    writes = _version(WRITES_VERSION)
    key = _key(year, user, part)
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = compute()
    if _version(WRITES_VERSION) == writes and _key(year, user, part) == key:
        cache.set(key, value, TIMEOUT_S)
    return value


def review_for(year: int, user: Any) -> Review:
    """The review of `year` over what `user` may see (None: the public), from the cache."""

    def compute() -> Review:
        review = yearly_review_for(year, user)
        review.knowledge = knowledge_figures(
            year, held_in(year, visible_to(user)), user, review.home_country
        )
        return review

    return _cached(year, user, "figures", compute)


def pdf_for(year: int, user: Any) -> bytes:
    """The review's PDF: rendering it is the costliest part of the page, so it is cached too."""
    from summitry.review import commitments
    from summitry.review.render import review_pdf

    # The commitments section is part of the PDF: its stamp is part of the key.
    part = "pdf-" + hashlib.blake2s(commitments.stamp(year).encode(), digest_size=8).hexdigest()
    return _cached(
        year,
        user,
        part,
        lambda: review_pdf(review_for(year, user), commitments=commitments.section(year, user)),
    )
