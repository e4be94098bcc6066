"""What was shared with one country (for its country page): the expert conferences it took part
in and the editions presented there, shared with it or downloaded from it, each read through the
engagements' and the knowledge centre's access rules."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, Sum

from summitry.directory.models import Country
from summitry.engagements.models import Engagement, Participation
from summitry.exchanges.models import Material
from summitry.exchanges.queries import conferences_visible_to
from summitry.knowledge.models import DownloadCount, Edition
from summitry.knowledge.queries import is_publisher, visible_editions

LIMIT = 200


def _taken_part(user: Any, country: Country) -> QuerySet[Engagement]:
    named = Engagement.countries.through.objects.filter(country=country).values("engagement")
    represented = Participation.objects.filter(country=country).values("engagement")
    return conferences_visible_to(user).filter(
        Q(pk__in=named) | Q(pk__in=represented) | Q(host_country=country)
    )


def conferences(user: Any, country: Country) -> QuerySet[Engagement]:
    """Expert conferences the country took part in: named, hosting, or with a participant."""
    return _taken_part(user, country).order_by("-start", "-id")[:LIMIT]


def editions(user: Any, country: Country) -> QuerySet[Edition]:
    """Editions presented at its conferences, shared with it by name, or downloaded from it."""
    presented = Material.objects.filter(engagement__in=_taken_part(user, country)).values("edition")
    shared = Edition.objects.filter(work__shared_with=country).values("pk")
    downloaded = DownloadCount.objects.filter(country=country.code).values("edition")
    return (
        visible_editions(user)
        .filter(Q(pk__in=presented) | Q(pk__in=shared) | Q(pk__in=downloaded))
        .select_related("work")
        .order_by("work__title", "-number")[:LIMIT]
    )


def downloads(user: Any, country: Country) -> list[dict[str, Any]]:
    """Downloads from the country by edition and language, most first: the publisher's view."""
    if not is_publisher(user):
        return []
    rows = (
        DownloadCount.objects.filter(country=country.code, edition__in=visible_editions(user))
        .values("edition__work__title", "edition__number", "language")
        .annotate(total=Sum("count"))
        .order_by("-total", "edition__work__title", "-edition__number", "language")
    )
    return list(rows[:LIMIT])
