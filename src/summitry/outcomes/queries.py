"""Read-side selectors for outcome documents, starting from one access rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from summitry.engagements.queries import visible_engagement
from summitry.outcomes.models import (
    Comment,
    Delegation,
    DocumentEngagement,
    Objection,
    OutcomeDocument,
    Revision,
)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def visible_to(user: Any) -> QuerySet[OutcomeDocument]:
    """The access rule. A document is read as its engagements are: only by whoever may see every
    engagement it is linked to (a link never tells of an engagement one may not see). Before
    publication it is read only by the editors among them and by the delegates of the
    delegations taking part: drafts and circulated texts are never public."""
    hidden_link = DocumentEngagement.objects.filter(document=OuterRef("pk")).exclude(
        visible_engagement(user)
    )
    documents = OutcomeDocument.objects.filter(
        Exists(DocumentEngagement.objects.filter(document=OuterRef("pk")))
    ).exclude(Exists(hidden_link))
    if not _signed_in(user):
        return documents.filter(published_at__isnull=False)
    if getattr(user, "is_editor", False):
        return documents
    delegate = Delegation.objects.filter(document=OuterRef("pk"), delegates=user)
    return documents.filter(Q(published_at__isnull=False) | Exists(delegate))


def takes_part(user: Any, document: OutcomeDocument) -> bool:
    """Whether the user sees the drafting: an editor who may see the document, or a delegate."""
    if not _signed_in(user) or not visible_to(user).filter(pk=document.pk).exists():
        return False
    return bool(getattr(user, "is_editor", False)) or delegations_of(user, document).exists()


def can_edit(user: Any, document: OutcomeDocument) -> bool:
    return bool(
        _signed_in(user)
        and getattr(user, "is_editor", False)
        and visible_to(user).filter(pk=document.pk).exists()
    )


def delegations_of(user: Any, document: OutcomeDocument) -> QuerySet[Delegation]:
    """The delegations the user acts for on this document."""
    if not _signed_in(user):
        return Delegation.objects.none()
    return Delegation.objects.filter(document=document, delegates=user).select_related(
        "country", "organisation"
    )


def revisions_for(user: Any, document: OutcomeDocument) -> QuerySet[Revision]:
    """The revisions the viewer may read: all to those taking part, the adopted ones to others."""
    revisions = document.revisions.select_related("author", "adopted_at_engagement")
    if takes_part(user, document):
        return revisions
    return revisions.filter(adopted_at__isnull=False)


def current_revision(document: OutcomeDocument) -> Revision | None:
    """The text being worked on: the latest revision."""
    return document.revisions.order_by("-number").first()


def public_revision(document: OutcomeDocument) -> Revision | None:
    """The text in force: the latest adopted revision."""
    return document.revisions.filter(adopted_at__isnull=False).order_by("-number").first()


def comments_for(user: Any, document: OutcomeDocument) -> QuerySet[Comment]:
    if not takes_part(user, document):
        return Comment.objects.none()
    return Comment.objects.filter(revision__document=document).select_related(
        "paragraph", "revision", "delegation__country", "delegation__organisation", "author"
    )


def objections_for(user: Any, document: OutcomeDocument) -> QuerySet[Objection]:
    if not takes_part(user, document):
        return Objection.objects.none()
    return Objection.objects.filter(silence__revision__document=document).select_related(
        "silence__revision", "delegation__country", "delegation__organisation", "author"
    )


def filtered(
    documents: QuerySet[OutcomeDocument],
    *,
    kind: str | None = None,
    status: str | None = None,
    year: int | None = None,
    engagement: int | None = None,
) -> QuerySet[OutcomeDocument]:
    if kind:
        documents = documents.filter(kind=kind)
    if status:
        documents = documents.filter(status=status)
    if year:
        documents = documents.filter(
            Exists(
                DocumentEngagement.objects.filter(
                    document=OuterRef("pk"), engagement__start__year=year
                )
            )
        )
    if engagement:
        documents = documents.filter(
            Exists(
                DocumentEngagement.objects.filter(document=OuterRef("pk"), engagement=engagement)
            )
        )
    return documents
