"""Read-side selectors for the knowledge centre, each starting from the one access rule.

The rule: a work that names no country is shared with everyone, the public included; a work
that names countries is seen only by readers who hold an access grant for one of them, and by
the publisher's editors. Editions, translations, downloads and search all go through it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from summitry.knowledge.models import AccessGrant, Edition, Topic, Translation, Work


def is_publisher(user: Any) -> bool:
    return bool(getattr(user, "is_editor", False))


def reader_country_ids(user: Any) -> QuerySet[AccessGrant, Any]:
    """The countries the user reads for (their access grants), as a subquery of ids."""
    if user is None or not user.is_authenticated or not user.is_active:
        return AccessGrant.objects.none().values("country")
    return AccessGrant.objects.filter(user=user).values("country")


def visible_works(user: Any) -> QuerySet[Work]:
    works = Work.objects.all()
    if is_publisher(user):
        return works
    shares = Work.shared_with.through.objects.filter(work=OuterRef("pk"))
    open_to_all = ~Exists(shares)
    granted = Exists(shares.filter(country__in=reader_country_ids(user)))
    return works.filter(open_to_all | granted)


def visible_editions(user: Any) -> QuerySet[Edition]:
    return Edition.objects.filter(work__in=visible_works(user))


def visible_translations(user: Any) -> QuerySet[Translation]:
    return Translation.objects.filter(edition__work__in=visible_works(user))


def visible_topics(user: Any) -> QuerySet[Topic]:
    """Topics of at least one work the reader may see."""
    tagged = Work.topics.through.objects.filter(topic=OuterRef("pk"), work__in=visible_works(user))
    return Topic.objects.filter(Exists(tagged))


def current_first(editions: QuerySet[Edition]) -> QuerySet[Edition]:
    """The current edition first, then the superseded ones from the newest."""
    return editions.order_by("-is_current", "-number")


def is_restricted(work: Work) -> bool:
    return work.shared_with.exists()
