"""Read-side selectors. Every read starts from `visible_to`: a commitment is seen by whoever may
see the engagement it was made at and the document that records it (one with neither is public
record). Only a paragraph of an adopted revision can record a commitment (services refuse
others)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from summitry.commitments.models import Commitment
from summitry.engagements.queries import visible_engagement
from summitry.outcomes.queries import visible_to as documents_visible_to


def visible_to(user: Any) -> QuerySet[Commitment]:
    # A paragraph's commitment is read as its document is (the outcomes app's rule: its
    # engagements all visible; before publication only its editors and delegates).
    return Commitment.objects.filter(
        Q(engagement__isnull=True) | Q(visible_engagement(user)),
        Q(paragraph__isnull=True) | Q(paragraph__revision__document__in=documents_visible_to(user)),
    )


def with_related(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return commitments.select_related(
        "maker_country", "maker_organisation", "person", "office", "engagement",
        "paragraph__revision__document",
    ).prefetch_related(
        "beneficiary_countries", "beneficiary_organisations", "beneficiary_members_of",
        "sources", "progress_reports",
    )  # fmt: skip
