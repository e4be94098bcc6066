"""Calendar feeds (iCalendar) of the public record: all of it, one person's, one topic's.

Each feed covers a window of dates, by default the past FEED_PAST_DAYS days and everything
ahead, so that a subscription stays small however long the register grows. `from` and `to`
(dates) move the window; the part of it before today is at most FEED_MAX_DAYS long. Feeds answer
If-None-Match and If-Modified-Since with 304 Not Modified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from summitry.directory.models import Person
from summitry.engagements import exporter
from summitry.engagements.models import Engagement, Participation, Topic
from summitry.engagements.queries import visible_to


class BadWindow(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date | None  # the last day included; None: everything ahead

    def applied(self, engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
        # Days are the site's days; a record without an hour is stored at 12:00 UTC of its day.
        zone = timezone.get_default_timezone()
        engagements = engagements.filter(
            start__gte=dt.datetime.combine(self.start, dt.time(), zone)
        )
        if self.end is not None:
            following = self.end + dt.timedelta(days=1)
            engagements = engagements.filter(
                start__lt=dt.datetime.combine(following, dt.time(), zone)
            )
        return engagements


def _date(request: HttpRequest, field: str) -> dt.date | None:
    value = request.GET.get(field, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadWindow(
            field, _("%(field)s must be a date written as YYYY-MM-DD.") % {"field": field}
        ) from None


def window(request: HttpRequest, today: dt.date | None = None) -> Window:
    # The site's day, not the viewer's: a feed is the same for every subscriber.
    today = today or timezone.localdate(timezone=timezone.get_default_timezone())
    start = _date(request, "from") or today - dt.timedelta(days=settings.FEED_PAST_DAYS)
    end = _date(request, "to")
    if end is not None and end < start:
        raise BadWindow("to", _("to must not be before from."))
    past = (min(end, today) if end is not None else today) - start
    if past.days > settings.FEED_MAX_DAYS:
        raise BadWindow(
            "from",
            _("A feed covers at most %(days)d days before today: move from or to closer.")
            % {"days": settings.FEED_MAX_DAYS},
        )
    return Window(start, end)


@dataclass(frozen=True)
class Feed:
    key: str  # what the feed is, for its validators: "all", "person-3", "topic-5"
    name: str
    engagements: QuerySet[Engagement]


def _feed(kind: str, pk: int | None) -> Feed:
    public = visible_to(None)
    if kind == "all" or pk is None:
        return Feed("all", _("Summitry engagements"), public)
    if kind == "person":
        # Only someone the public record names has a feed: no feed tells who is in the register.
        person = Person.objects.filter(
            Q(pk__in=Participation.objects.filter(engagement__in=public).values("person"))
            | Q(chaired__in=public),
            pk=pk,
        ).first()
        if person is None:
            raise Http404(_("No public engagement names this person."))
        named = Q(pk__in=Participation.objects.filter(person=person).values("engagement"))
        return Feed(
            f"person-{pk}",
            _("Engagements of %(name)s") % {"name": person.name},
            public.filter(named | Q(chair=person)),
        )
    topic = Topic.objects.filter(pk=pk, engagements__in=public).first()
    if topic is None:
        raise Http404(_("No public engagement has this topic."))
    return Feed(
        f"topic-{pk}",
        _("Engagements on %(topic)s") % {"topic": topic.name},
        public.filter(
            pk__in=Engagement.topics.through.objects.filter(topic=topic).values("engagement")
        ),
    )


@dataclass(frozen=True)
class State:
    etag: str
    last_modified: dt.datetime


def _state(request: HttpRequest, kind: str, pk: int | None) -> State | None:
    """The validators of the feed as asked, computed once per request; None for a bad window
    (the view answers 400)."""
    memo: dict[str, State | None] = request.__dict__.setdefault("_feed_state", {})
    if "state" in memo:
        return memo["state"]
    try:
        asked = window(request)
    except BadWindow:
        memo["state"] = None
        return None
    feed = _feed(kind, pk)
    rows = list(asked.applied(feed.engagements).values_list("pk", "updated_at").order_by("pk"))
    digest = hashlib.sha256(repr((feed.key, asked, rows)).encode()).hexdigest()[:32]
    latest = max((updated for _pk, updated in rows), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    # A record leaving the feed (deleted, made confidential) changes no updated_at that is still
    # in it: Last-Modified moves on whenever the content differs from what was last served.
    key = f"feed-state:{feed.key}:{asked.start}:{asked.end}"
    seen = cache.get(key)
    if seen is not None and seen[0] == digest:
        stamp = seen[1]
    else:
        stamp = latest if seen is None else max(latest, seen[1] + dt.timedelta(seconds=1))
        cache.set(key, (digest, stamp), timeout=None)
    memo["state"] = State(f'"{digest}"', stamp)
    return memo["state"]


def _etag(request: HttpRequest, kind: str = "all", pk: int | None = None) -> str | None:
    state = _state(request, kind, pk)
    return state.etag if state else None


def _last_modified(
    request: HttpRequest, kind: str = "all", pk: int | None = None
) -> dt.datetime | None:
    state = _state(request, kind, pk)
    return state.last_modified if state else None


@condition(etag_func=_etag, last_modified_func=_last_modified)
def feed(request: HttpRequest, kind: str = "all", pk: int | None = None) -> HttpResponse:
    try:
        asked = window(request)
    except BadWindow as bad:
        return HttpResponseBadRequest(str(bad), content_type="text/plain; charset=utf-8")
    chosen = _feed(kind, pk)
    engagements = asked.applied(chosen.engagements).order_by("start", "id")
    response = HttpResponse(
        "".join(exporter.ics_chunks(engagements, name=chosen.name)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="summitry.ics"'
    # Calendar clients poll; a shared cache may keep a copy for a few minutes.
    response["Cache-Control"] = "public, max-age=300"
    return response


def calendar_feed(request: HttpRequest) -> HttpResponse:
    return feed(request)


def person_feed(request: HttpRequest, pk: int) -> HttpResponse:
    return feed(request, "person", pk)


def topic_feed(request: HttpRequest, pk: int) -> HttpResponse:
    return feed(request, "topic", pk)
