from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from summitry.directory.models import Country
from summitry.engagements import exporter
from summitry.engagements.forms import (
    EngagementForm,
    FilterForm,
    ParticipantFormSet,
    VersionsSection,
    participants_from,
)
from summitry.engagements.links import is_web_url
from summitry.engagements.models import Engagement, Kind, Status
from summitry.engagements.queries import (
    can_edit,
    filtered,
    revisions_visible_to,
    topics_visible_to,
    visible_to,
    with_related,
)
from summitry.engagements.services import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    EngagementInvalid,
    create_engagement,
    update_engagement,
)
from summitry.engagements.texts import in_reader_language, text_for, texts_of
from summitry.web import formats


def _visible_or_404(request: HttpRequest, pk: int) -> Engagement:
    return get_object_or_404(with_related(visible_to(request.user)), pk=pk)


def engagement_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    engagements = visible_to(request.user)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        engagements = filtered(engagements, **filters)
    page = Paginator(with_related(engagements), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "engagements/list.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "regions": Country.objects.exclude(region="")
            .values_list("region", flat=True)
            .distinct()
            .order_by("region"),
            "topics": topics_visible_to(request.user).values_list("name", flat=True),
            "can_create": getattr(request.user, "is_editor", False),
        },
    )


VIEWS = ("month", "week", "agenda")
# A short text beside each kind's colour, so that colour is never the only cue.
KIND_MARKS: dict[str, Any] = {
    Kind.TELEPHONE_CALL: pgettext_lazy("calendar mark: telephone call", "Tel"),
    Kind.VIDEO_MEETING: pgettext_lazy("calendar mark: video meeting", "Vid"),
    Kind.VIRTUAL_SUMMIT: pgettext_lazy("calendar mark: virtual summit", "Sum"),
    Kind.VIDEO_CONFERENCE: pgettext_lazy("calendar mark: video conference", "Conf"),
    Kind.VIDEO_ADDRESS: pgettext_lazy("calendar mark: address by video link", "Addr"),
    Kind.WRITTEN_MESSAGE: pgettext_lazy("calendar mark: written message", "Msg"),
    Kind.IN_PERSON: pgettext_lazy("calendar mark: in person", "Pers"),
}


@dataclass(frozen=True)
class Entry:
    engagement: Engagement
    kind: str
    kind_label: str
    mark: str


@dataclass(frozen=True)
class Day:
    day: dt.date
    entries: list[Entry]
    current: bool  # inside the period shown (not a neighbouring month's day in the grid)


def _calendar_entries(
    request: HttpRequest, first: dt.date, last: dt.date
) -> dict[dt.date, list[Entry]]:
    """The engagements the viewer may see from `first` to `last`, by the day they fall on."""
    zone = timezone.get_current_timezone()
    # A day's engagements may be stored up to a day either side in UTC.
    after = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), zone)
    before = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), zone)
    by_day: dict[dt.date, list[Entry]] = {}
    for engagement in (
        visible_to(request.user).filter(start__gte=after, start__lt=before).order_by("start", "id")
    ):
        assert engagement.start is not None
        day = engagement.start.astimezone(zone if engagement.time_known else dt.UTC).date()
        if first <= day <= last:
            by_day.setdefault(day, []).append(
                Entry(
                    engagement,
                    engagement.kind,
                    str(engagement.get_kind_display()),
                    str(KIND_MARKS.get(engagement.kind, "")),
                )
            )
    return by_day


def _calendar_day(request: HttpRequest, today: dt.date) -> tuple[str, dt.date]:
    """The view asked for and a day in the period, from ?view=&year=&month=&day=."""
    view = request.GET.get("view", "month")
    if view not in VIEWS:
        raise Http404(gettext("No such calendar view."))
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        explicit = "month" in request.GET or "year" in request.GET
        day = int(request.GET.get("day", 1 if explicit else today.day))
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise Http404(
                gettext("The calendar covers the years %(first)d to %(last)d.")
                % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
            )
        return view, dt.date(year, month, day)
    except (ValueError, OverflowError):
        raise Http404(gettext("No such day.")) from None


def _query(view: str, day: dt.date) -> str:
    return urlencode({"view": view, "year": day.year, "month": day.month, "day": day.day})


def engagement_calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    view, anchor = _calendar_day(request, today)
    if view == "week":
        first = anchor - dt.timedelta(days=anchor.weekday())
        last = first + dt.timedelta(days=6)
        previous, following = first - dt.timedelta(days=7), first + dt.timedelta(days=7)
        grid_days = [[first + dt.timedelta(days=i) for i in range(7)]]
        this = today
    else:
        first = anchor.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = last + dt.timedelta(days=1)
        grid_days = month_calendar.Calendar(firstweekday=0).monthdatescalendar(
            first.year, first.month
        )
        this = today.replace(day=1)
    by_day = _calendar_entries(request, grid_days[0][0], grid_days[-1][-1])
    weeks = [
        [Day(day, by_day.get(day, []), first <= day <= last) for day in week] for week in grid_days
    ]
    agenda = [
        Day(day, entries, True)
        for day, entries in sorted(by_day.items())
        if first <= day <= last and entries
    ]
    if view == "week":
        heading = gettext("Week of %(day)s") % {"day": formats.format_date(first, "long")}
    else:
        heading = formats.format_skeleton(first, "yMMMM")
    last_in_range = dt.date(LATEST_YEAR, 12, 31)
    first_in_range = dt.date(EARLIEST_YEAR, 1, 1)
    return render(
        request,
        "engagements/calendar.html",
        {
            "view": view,
            "heading": heading,
            "first": first,
            "last": last,
            "weeks": weeks,
            "agenda": agenda,
            "weekdays": [
                formats.locale().days["format"]["abbreviated"][day.weekday()]
                for day in grid_days[0]
            ],
            "today": today,
            "previous": _query(view, previous) if previous >= first_in_range else None,
            "following": _query(view, following) if following <= last_in_range else None,
            "this_period": _query(view, this),
            "views": [
                (name, label, _query(name, anchor))
                for name, label in (
                    ("month", gettext("Month")),
                    ("week", gettext("Week")),
                    ("agenda", gettext("Agenda")),
                )
            ],
            "months": [(number, MONTHS[number]) for number in range(1, 13)],
            "earliest_year": EARLIEST_YEAR,
            "latest_year": LATEST_YEAR,
            "kinds": [(kind, label, KIND_MARKS[kind]) for kind, label in Kind.choices],
        },
    )


def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _visible_or_404(request, pk)
    # The reader's version, else the original; ?language= opens another version.
    versions = texts_of(engagement)
    asked = request.GET.get("language", "")
    text = next((v for v in versions if v.language == asked), None) or text_for(engagement)
    local_times = []
    for participation in engagement.participations.all():
        represented = participation.country
        zone_name = participation.person.time_zone or (
            represented.capital_zone if represented else participation.person.zone
        )
        # Formatted here: the template's filters would turn them back into the viewer's zone.
        shown = ""
        if engagement.start and engagement.time_known:
            zone = zoneinfo.ZoneInfo(zone_name or "UTC")
            end = engagement.end or engagement.start
            shown = formats.format_range(engagement.start, end, "MMMEd", zone=zone)
            if not engagement.end:
                shown = formats.format_datetime(engagement.start, "medium", zone=zone)
        local_times.append((participation, zone_name or "UTC", shown))
    return render(
        request,
        "engagements/detail.html",
        {
            "engagement": engagement,
            "text": text,
            "versions": versions,
            "original": versions[0],
            "in_reader_language": in_reader_language(text),
            "local_times": local_times,
            "can_edit": can_edit(request.user, engagement),
            "revisions": revisions_visible_to(request.user, engagement).count(),
            # Only web addresses become links, whatever an older import may have stored.
            "sources": [(s, is_web_url(s.url)) for s in engagement.sources.all()],
        },
    )


def engagement_history(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _visible_or_404(request, pk)
    records = list(
        revisions_visible_to(request.user, engagement)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    revisions = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        # Compared with the previous revision shown, never with one withheld from the viewer.
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                changes.append((change.field, _shown(change.old), _shown(change.new)))
        revisions.append((record, changes))
    return render(
        request,
        "engagements/history.html",
        {
            "engagement": engagement,
            "revisions": revisions,
            "withheld": engagement.history.count() - len(records),
        },
    )


def _shown(value: Any) -> str:
    if isinstance(value, list):
        names = []
        for item in value:
            names.append(
                str(next(iter(v for k, v in item.items() if k not in ("engagement", "id"))))
                if isinstance(item, dict)
                else str(item)
            )
        return pgettext("between two names in a list", ", ").join(names) or "—"
    return "—" if value in (None, "") else str(value)


def _require_editor(request: HttpRequest) -> None:
    if not getattr(request.user, "is_editor", False):
        raise PermissionDenied(_("Only editors and administrators can change the register."))


def _viewer_zone(request: HttpRequest) -> str:
    return timezone.get_current_timezone_name()


@login_required
@require_http_methods(["GET", "POST"])
def engagement_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    engagement = _visible_or_404(request, pk)
    return _edit(request, engagement)


def _edit(request: HttpRequest, engagement: Engagement | None) -> HttpResponse:
    if request.method == "POST":
        form = EngagementForm(request.POST)
        formset = ParticipantFormSet(request.POST, prefix="participants")
        texts = VersionsSection(request.POST, engagement)
        if form.is_valid() and formset.is_valid() and texts.is_valid():
            data = form.to_input(participants_from(formset))
            texts.apply(data)
            try:
                if engagement is None:
                    engagement = create_engagement(data, by=request.user)  # type: ignore[arg-type]
                    messages.success(request, _("The engagement was added to the register."))
                else:
                    data.ref = engagement.ref
                    engagement = update_engagement(engagement, data, by=request.user)  # type: ignore[arg-type]
                    messages.success(request, _("Your changes were saved."))
                return redirect(engagement)
            except EngagementInvalid as invalid:
                for name, problems in texts.take_errors(invalid.errors).items():
                    target = name if name in form.fields else None
                    if name == "start":
                        target = "date"
                    for problem in problems:
                        form.add_error(target, problem)
    else:
        zone = _viewer_zone(request)
        texts = VersionsSection(None, engagement)
        if engagement is None:
            form = EngagementForm(initial={"time_zone": zone, "status": Status.PROPOSED})
            formset = ParticipantFormSet(prefix="participants")
        else:
            form = EngagementForm(initial=EngagementForm.initial_from(engagement, zone))
            formset = ParticipantFormSet(
                prefix="participants",
                initial=[
                    {"person": p.person, "role": p.role} for p in engagement.participations.all()
                ],
            )
    return render(
        request,
        "engagements/form.html",
        {"form": form, "formset": formset, "engagement": engagement, "texts": texts},
    )


def calendar_feed(request: HttpRequest) -> HttpResponse:
    """The public feed: calendar clients subscribe to it without signing in."""
    out = io.StringIO()
    exporter.write_ics(out, with_related(visible_to(None)).order_by("start"))
    response = HttpResponse(out.getvalue(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="summitry.ics"'
    return response
