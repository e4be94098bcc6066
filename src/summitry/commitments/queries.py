"""Read-side selectors. Every read starts from `visible_to`: a commitment is seen by whoever may
see the engagement it was made at (one with no engagement is public record)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from summitry.commitments.models import Commitment
from summitry.engagements.queries import visible_to as engagements_visible_to


def visible_to(user: Any) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        Q(engagement__isnull=True) | Q(engagement__in=engagements_visible_to(user))
    )


def with_related(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return commitments.select_related(
        "maker_country", "maker_organisation", "person", "office", "engagement"
    ).prefetch_related(
        "beneficiary_countries", "beneficiary_organisations", "beneficiary_members_of",
        "sources", "progress_reports",
    )  # fmt: skip
