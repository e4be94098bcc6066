"""The review's knowledge-centre figures: expert video conferences held, the countries they
reached, and the editions and translations published in the year.

Counting rules (also shown on the review page):
- A video conference counts as the register's engagements do: held, in the year of its start.
- Countries reached are the distinct countries that took part in those conferences (named on the
  record, or represented by a participant), the home country left out.
- An edition or translation counts in the year of its publication date; one without a
  publication date is not counted. Only what the reader may see is counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from summitry.directory.models import Country
from summitry.engagements.models import Engagement, Kind, Participation
from summitry.knowledge.queries import visible_editions, visible_translations


@dataclass(frozen=True)
class KnowledgeFigures:
    conferences: int
    countries_reached: int
    editions: int
    translations: int
    translation_languages: int


def knowledge_figures(
    year: int, held: QuerySet[Engagement], user: Any, home_country: str | None
) -> KnowledgeFigures:
    """`held`: the year's held engagements the reader may see (review.queries.held_in)."""
    conferences = held.filter(kind=Kind.VIDEO_CONFERENCE)
    ids = conferences.values("id")
    countries = Country.objects.filter(
        Q(
            pk__in=Engagement.countries.through.objects.filter(engagement_id__in=ids).values(
                "country"
            )
        )
        | Q(pk__in=Participation.objects.filter(engagement_id__in=ids).values("country"))
    )
    if home_country:
        countries = countries.exclude(code=home_country)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    translations = visible_translations(user).filter(published_on__range=(first, last))
    return KnowledgeFigures(
        conferences=conferences.count(),
        countries_reached=countries.count(),
        editions=visible_editions(user).filter(published_on__range=(first, last)).count(),
        translations=translations.count(),
        translation_languages=translations.values("language").distinct().count(),
    )
