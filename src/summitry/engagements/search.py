"""The register's full-text index: the title and readout of each record, as first written."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from summitry.engagements.models import Engagement
from summitry.search import TextIndex

ENGAGEMENT_TEXT = TextIndex(
    table="engagements_engagement", columns=("title", "readout"), stored=True
)


def matching(
    engagements: QuerySet[Engagement], query: str, *, ordered: bool = True
) -> QuerySet[Engagement]:
    return ENGAGEMENT_TEXT.matching(engagements, query, ordered=ordered)


def ensure_index(using: str = "default", **kwargs: Any) -> None:
    """After each migrate: put back the SQLite triggers that a rebuild of the table dropped."""
    from django.db import connections

    ENGAGEMENT_TEXT.ensure(connections[using])
