"""Read-side selectors for the exchanges, each starting from the engagements' access rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from summitry.directory.models import Country, Person
from summitry.engagements.models import Engagement, Kind, Participation
from summitry.engagements.queries import visible_to
from summitry.exchanges import search
from summitry.exchanges.models import Answer, Material, Question
from summitry.knowledge.queries import visible_editions, visible_translations


def conferences_visible_to(user: Any) -> QuerySet[Engagement]:
    return visible_to(user).filter(kind=Kind.VIDEO_CONFERENCE)


def questions_visible_to(user: Any) -> QuerySet[Question]:
    """Questions are seen by whoever may see their conference, and by no one else."""
    # Row by row through the primary key (see engagements.queries.visible_engagement).
    return Question.objects.filter(
        Exists(conferences_visible_to(user).filter(pk=OuterRef("engagement")))
    )


def with_answers(questions: QuerySet[Question]) -> QuerySet[Question]:
    return questions.select_related("country", "engagement").prefetch_related(
        Prefetch("answers", Answer.objects.select_related("expert__country"))
    )


def questions_of(user: Any, engagement: Engagement) -> QuerySet[Question]:
    return with_answers(questions_visible_to(user).filter(engagement=engagement))


def searched(user: Any, query: str) -> QuerySet[Question]:
    """The questions (and answers) the viewer may see that hold every word of `query`."""
    found = search.matching(questions_visible_to(user), query)
    return with_answers(found).order_by("-asked_at", "-id")


def countries_taking_part(engagement: Engagement) -> QuerySet[Country]:
    """The countries that took part: those the record names, its host, and its participants'."""
    return Country.objects.filter(
        Q(
            pk__in=Engagement.countries.through.objects.filter(engagement=engagement).values(
                "country"
            )
        )
        | Q(pk__in=Participation.objects.filter(engagement=engagement).values("country"))
        | Q(pk=engagement.host_country_id)
    ).order_by("name")


def experts_of(engagement: Engagement) -> QuerySet[Person]:
    """Who may be named as answering: the conference's participants."""
    return Person.objects.filter(
        pk__in=Participation.objects.filter(engagement=engagement).values("person")
    ).order_by("name")


def all_countries() -> QuerySet[Country]:
    return Country.objects.order_by("name")


def materials_of(user: Any, engagement: Engagement) -> QuerySet[Material]:
    """The materials presented, as far as the viewer may see the works they belong to."""
    return (
        Material.objects.filter(engagement=engagement, edition__in=visible_editions(user))
        .filter(Q(translation__isnull=True) | Q(translation__in=visible_translations(user)))
        .select_related("edition__work", "translation")
        .order_by("edition__work__title", "-edition__number", "translation__language")
    )


def editions_to_present(user: Any) -> QuerySet[Any]:
    return visible_editions(user).select_related("work").order_by("work__title", "-number")
