"""Read-side selectors: who may see what, and the list filters."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from summitry.engagements import search
from summitry.engagements.models import Confidentiality, Engagement, Participation, Topic


def confidentialities_seen_whole(user: Any) -> tuple[str, ...] | None:
    """The confidentialities whose every record `user` sees, when that is all `user` sees (the
    public: public records; administrators: all); None when the user also sees records one by
    one (staff: the confidential ones they wrote or are named on)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return (Confidentiality.PUBLIC.value,)
    if getattr(user, "is_administrator", False):
        return tuple(Confidentiality.values)
    return None


def _access(user: Any, named_reader: Q) -> Q | None:
    """The explicit access rule: the public sees public records; staff see restricted ones;
    confidential ones are for administrators, their author and the readers named on them.
    None means everything; `named_reader` says how the user is found among the readers."""
    whole = confidentialities_seen_whole(user)
    if whole is not None:
        return None if set(whole) == set(Confidentiality.values) else Q(confidentiality__in=whole)
    allowed = Q(confidentiality__in=[Confidentiality.PUBLIC, Confidentiality.RESTRICTED])
    return allowed | Q(created_by=user) | named_reader


def visible_to(user: Any) -> QuerySet[Engagement]:
    engagements = Engagement.objects.all()
    allowed = _access(
        user,
        Q(pk__in=Engagement.readers.through.objects.filter(user=user).values("engagement"))
        if getattr(user, "pk", None) is not None
        else Q(pk__in=[]),
    )
    return engagements if allowed is None else engagements.filter(allowed)


def visible_engagement(user: Any, field: str = "engagement") -> Exists:
    """The outer row's engagement (`field`) is one `user` may see: asked row by row through
    the primary key, never as `field IN (every visible engagement)`, a list the database builds
    whole (about 200 ms at a million records on SQLite, for a page of a dozen rows)."""
    return Exists(visible_to(user).filter(pk=OuterRef(field)))


def revisions_visible_to(user: Any, engagement: Engagement) -> QuerySet[Any]:
    """The revisions of a record shown to the viewer: each as the viewer may see the record as it
    was in that revision (its confidentiality, author and readers then). A record made public
    does not show its earlier confidential readout."""
    history: QuerySet[Any] = engagement.history.all()
    readers = Engagement.history.model._meta.get_field("historicalengagement_readers")
    allowed = _access(
        user,
        Q(history_id__in=readers.related_model.objects.filter(user=user).values("history"))
        if getattr(user, "pk", None) is not None
        else Q(pk__in=[]),
    )
    return history if allowed is None else history.filter(allowed)


def topics_visible_to(user: Any) -> QuerySet[Topic]:
    """Topics used on at least one record the viewer may see. Asked topic by topic (EXISTS):
    a join with every record and DISTINCT would read the whole register."""
    tagged = Engagement.topics.through.objects.filter(topic=OuterRef("pk")).filter(
        visible_engagement(user)
    )
    return Topic.objects.filter(Exists(tagged))


def can_edit(user: Any, engagement: Engagement) -> bool:
    return bool(
        getattr(user, "is_editor", False) and visible_to(user).filter(pk=engagement.pk).exists()
    )


def with_related(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    return engagements.select_related(
        "host_country", "host_organisation", "chair"
    ).prefetch_related(
        "countries", "organisations", "topics", "sources",
        "participations__person__country", "participations__office",
        "participations__country", "texts",
    )  # fmt: skip


def filtered(
    engagements: QuerySet[Engagement],
    *,
    year: int | None = None,
    kind: str | None = None,
    counterpart: str | None = None,
    region: str | None = None,
    topic: str | None = None,
    status: str | None = None,
    q: str | None = None,
    ordered: bool = True,
) -> QuerySet[Engagement]:
    """The list filters. Related records are matched in subqueries, never joins: each record
    comes once without DISTINCT, which would make the database read the whole register to
    sort one page. `ordered` as for `search.matching`: False for a count."""
    if year:
        engagements = engagements.filter(start__year=year)
    if kind:
        engagements = engagements.filter(kind=kind)
    if status:
        engagements = engagements.filter(status=status)
    if topic:
        engagements = engagements.filter(
            pk__in=Engagement.topics.through.objects.filter(topic__name__iexact=topic).values(
                "engagement"
            )
        )
    if region:
        engagements = engagements.filter(
            pk__in=Engagement.countries.through.objects.filter(
                Q(country__region=region) | Q(country__subregion=region)
            ).values("engagement")
        )
    if counterpart:
        # A counterpart is a country (code or name), an organisation (acronym) or a person.
        engagements = engagements.filter(
            Q(
                pk__in=Engagement.countries.through.objects.filter(
                    Q(country__code__iexact=counterpart) | Q(country__name__icontains=counterpart)
                ).values("engagement")
            )
            | Q(
                pk__in=Engagement.organisations.through.objects.filter(
                    organisation__acronym__iexact=counterpart
                ).values("engagement")
            )
            | Q(
                pk__in=Participation.objects.filter(person__name__icontains=counterpart).values(
                    "engagement"
                )
            )
        )
    if q:
        engagements = search.matching(engagements, q, ordered=ordered)
    return engagements
