"""Read-side selectors. Every read starts from `visible_to`: a commitment is seen by whoever may
see the engagement it was made at and the document paragraph that records it (one with neither
is public record)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from summitry.commitments.models import Commitment
from summitry.engagements.models import Engagement
from summitry.engagements.queries import visible_to as engagements_visible_to


def _paragraph_rule(user: Any) -> Q | None:
    """A paragraph counts only from an adopted revision (a draft's words are never public) of a
    document whose engagements the viewer may all see. Administrators see every paragraph.
    None means every paragraph."""
    if getattr(user, "is_administrator", False) and user.is_active:
        return None
    hidden = Engagement.objects.exclude(pk__in=engagements_visible_to(user))
    return Q(paragraph__revision__adopted_at__isnull=False) & ~Q(
        paragraph__revision__document__engagements__in=hidden
    )


def visible_to(user: Any) -> QuerySet[Commitment]:
    commitments = Commitment.objects.filter(
        Q(engagement__isnull=True) | Q(engagement__in=engagements_visible_to(user))
    )
    paragraphs = _paragraph_rule(user)
    return (
        commitments
        if paragraphs is None
        else commitments.filter(Q(paragraph__isnull=True) | paragraphs)
    )


def with_related(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return commitments.select_related(
        "maker_country", "maker_organisation", "person", "office", "engagement",
        "paragraph__revision__document",
    ).prefetch_related(
        "beneficiary_countries", "beneficiary_organisations", "beneficiary_members_of",
        "sources", "progress_reports",
    )  # fmt: skip
