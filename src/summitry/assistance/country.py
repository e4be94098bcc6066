"""What the country page gathers about one country, each part read through its own app's
access rule (never an inline copy of one)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from summitry.commitments import queries as commitment_queries
from summitry.commitments.models import Commitment
from summitry.directory.models import Country
from summitry.engagements.models import Engagement
from summitry.outcomes import queries as outcome_queries
from summitry.outcomes.models import DocumentEngagement, OutcomeDocument, Party

# A desk officer's page, not an archive: the most recent first, the rest through the lists.
LIMIT = 200


def documents(user: Any, country: Country) -> QuerySet[OutcomeDocument]:
    """Outcome documents the country is a party to, or drafted or adopted at its engagements."""
    its_engagements = Engagement.countries.through.objects.filter(country=country).values(
        "engagement"
    )
    at_its_engagements = DocumentEngagement.objects.filter(engagement__in=its_engagements).values(
        "document"
    )
    party_to = Party.objects.filter(country=country).values("document")
    return (
        outcome_queries.visible_to(user)
        .filter(Q(pk__in=at_its_engagements) | Q(pk__in=party_to))
        .order_by("-published_at", "-created_at", "-id")[:LIMIT]
    )


def commitments(user: Any, country: Country) -> QuerySet[Commitment]:
    """Commitments made by the country, or for it (by name or as a member of a group named)."""
    concerned = Commitment.objects.filter(
        Q(beneficiary_countries=country)
        | Q(beneficiary_members_of__members=country)
        | Q(maker_country=country)
    ).values("pk")
    return (
        commitment_queries.visible_to(user)
        .filter(pk__in=concerned)
        .order_by("-made_on", "-id")[:LIMIT]
    )
