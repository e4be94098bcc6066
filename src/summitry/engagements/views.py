from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from summitry.directory.models import Country
from summitry.engagements import exporter, rows
from summitry.engagements.forms import (
    SORT_KEYS,
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
from summitry.keyset import BadCursor, Order, paginate
from summitry.web import formats


def _visible_or_404(request: HttpRequest, pk: int) -> Engagement:
    return get_object_or_404(with_related(visible_to(request.user)), pk=pk)


PAGE_SIZE = 50
# Counting a whole large register would cost more than the page: past this, "more than".
COUNT_LIMIT = 1_000
EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", "engagements.csv"),
    "json": ("application/json; charset=utf-8", "engagements.json"),
    "ics": ("text/calendar; charset=utf-8", "engagements.ics"),
}


def _listed(request: HttpRequest, form: FilterForm) -> tuple[QuerySet[Engagement], dict[str, Any]]:
    """The records the viewer may see that the filters keep: the one selection that the page,
    its count and its exports all read."""
    engagements = visible_to(request.user)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            k: v
            for k, v in form.cleaned_data.items()
            if v not in (None, "") and k not in FilterForm.PRESENTATION
        }
        engagements = filtered(engagements, **filters)
    return engagements, filters


def _link(query: QueryDict, **changes: str | None) -> str:
    changed = query.copy()
    for name, value in changes.items():
        changed.pop(name, None)
        if value is not None:
            changed[name] = value
    return "?" + changed.urlencode()


def engagement_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    engagements, filters = _listed(request, form)
    sort = (form.cleaned_data.get("sort") if form.is_valid() else None) or "-date"
    column = sort.lstrip("-")
    order = Order(SORT_KEYS[column], descending=sort.startswith("-"))
    try:
        page = paginate(
            rows.for_rows(engagements),
            order,
            PAGE_SIZE,
            after=request.GET.get("after") or None,
            before=request.GET.get("before") or None,
        )
    except BadCursor:
        return HttpResponseBadRequest(
            _("The page asked for (after or before) is not a page of this list."),
            content_type="text/plain; charset=utf-8",
        )
    # Counted in the page's order, so that the database reads the same index as for the page;
    # a search is counted from the text index's matches, read by id, which need no order.
    if filters.get("q"):
        counted = filtered(visible_to(request.user), **filters, ordered=False).order_by()
    else:
        counted = engagements.order_by(f"{'-' if order.descending else ''}{order.key}")
    count = counted[: COUNT_LIMIT + 1].count()
    # Links keep the filters and the sort; a new sort or filter starts from the first page.
    query = request.GET.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    columns = []
    for key, label in (
        ("date", _("Date")),
        ("title", _("Engagement")),
        ("kind", _("Kind")),
        (None, _("Counterparts")),
        ("status", _("Status")),
    ):
        state = None
        link = None
        if key is not None:
            if key == column:
                state = "descending" if order.descending else "ascending"
            # Dates open newest first; the other columns from A.
            following = (
                ("" if order.descending else "-")
                if key == column
                else ("-" if key == "date" else "")
            )
            link = _link(query, sort=f"{following}{key}")
        columns.append({"label": label, "sort": state, "link": link})
    exports = query.copy()
    exports.pop("sort", None)
    return render(
        request,
        "engagements/list.html",
        {
            "form": form,
            "rows": rows.rows(page.items),
            "count": min(count, COUNT_LIMIT),
            "more": count > COUNT_LIMIT,
            "filters": filters,
            "columns": columns,
            "first_link": _link(query)
            if (request.GET.get("after") or request.GET.get("before"))
            else None,
            "next_link": _link(query, after=page.next) if page.next else None,
            "previous_link": _link(query, before=page.previous) if page.previous else None,
            "export_query": exports.urlencode(),
            "regions": Country.objects.exclude(region="")
            .values_list("region", flat=True)
            .distinct()
            .order_by("region"),
            "topics": topics_visible_to(request.user).values_list("name", flat=True),
            "can_create": getattr(request.user, "is_editor", False),
        },
    )


def engagement_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered list as a file, written as the records are read (any size, flat memory)."""
    if fmt not in EXPORT_TYPES:
        raise Http404(_("Exports are CSV, JSON or iCalendar (csv, json, ics)."))
    form = FilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
        )
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    engagements, _filters = _listed(request, form)
    content_type, filename = EXPORT_TYPES[fmt]
    response = StreamingHttpResponse(
        exporter.CHUNKS[fmt](exporter.selection_for_export(engagements)),
        content_type=content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


def engagement_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Add to calendar": the one engagement as an iCalendar file, for readers of the record."""
    engagement = _visible_or_404(request, pk)
    if engagement.start is None:
        raise Http404(_("This engagement has no date yet."))
    body = "".join(exporter.ics_chunks([engagement], name=engagement.title))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="engagement-{engagement.pk}.ics"'
    return response
