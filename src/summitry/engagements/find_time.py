"""Find a time for a proposed engagement, and schedule it there in one click."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel.lists import format_list
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from summitry.directory.names import display_name
from summitry.engagements.models import Engagement, Status
from summitry.engagements.queries import visible_to
from summitry.engagements.scheduling import (
    OPTIONAL_ROLES,
    CannotSchedule,
    Seat,
    find_times,
    seats_of,
)
from summitry.engagements.services import EngagementInvalid, input_from, update_engagement
from summitry.scheduling.explain import (
    Breakdown,
    Change,
    HourState,
    Relaxation,
    breakdown,
    timeline,
)
from summitry.scheduling.model import (
    DEFAULT_ACCEPTABLE,
    DEFAULT_PREFERRED,
    MAX_DURATION_MINUTES,
    Ranking,
    Slot,
    format_clock,
)
from summitry.scheduling.public_holidays import holiday_name, public_holidays
from summitry.scheduling.serialize import utc_iso
from summitry.scheduling.zones import country_name
from summitry.web.formats import (
    format_datetime,
    format_range,
    format_skeleton,
    format_time,
    locale,
)

DEFAULT_DURATION = 60
DEFAULT_DAYS = 14
MAX_DAYS = 31
DEFAULT_STEP = 15  # quarter hours read better in an invitation than 13:05
STEPS = [
    (5, _("5 minutes")),
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (60, _("hour")),
]
OPTIONS_SHOWN = 5


class FindTimeForm(forms.Form):
    duration = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=MAX_DURATION_MINUTES
    )
    first_day = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    days = forms.IntegerField(label=_("Days to search"), min_value=1, max_value=MAX_DAYS)
    step = forms.TypedChoiceField(label=_("Start every"), choices=STEPS, coerce=int)
    optional = forms.TypedMultipleChoiceField(
        label=_("Optional participants"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, seats: list[Seat], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["optional"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [
            (s.participation.person_id, f"{s.participation.person} ({role(s)})") for s in seats
        ]

    def clean_first_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["first_day"]
        if day < timezone.localdate():
            raise forms.ValidationError(gettext("The search cannot start in the past."))
        return day


def role(seat: Seat) -> str:
    return str(seat.participation.get_role_display()).lower()


@dataclass(frozen=True)
class Row:
    """One participant in one candidate slot, ready to show."""

    name: str
    about: str
    principal: bool
    optional: bool
    local: str
    zone: str
    acceptable: bool
    within: bool  # entirely inside the working day, on a working day, without a clash
    notes: str


@dataclass(frozen=True)
class Cell:
    local: str
    state: str
    day_off: str


@dataclass(frozen=True)
class Hour:
    yours: str
    meeting: bool
    cells: list[Cell]


@dataclass(frozen=True)
class Option:
    number: int
    slot: Slot
    utc: str
    when: str  # in the viewer's zone and language
    start_utc: str  # what the "schedule" button posts back
    end_utc: str
    rows: list[Row]
    sentence: str
    suggested: bool  # the slot the relaxation refers to


def duration_words(minutes: int) -> str:
    """ "2 h", "1 h 30 min", "45 min": short, as a planner says them."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    if hours:
        return gettext("%(hours)d h") % {"hours": hours}
    return gettext("%(minutes)d min") % {"minutes": rest}


def _country(code: str) -> str:
    """A country's name in the active language (CLDR), the scheduler's English one in English."""
    if locale().language == "en":
        return country_name(code)
    return str(locale().territories.get(code.upper()) or country_name(code))


def _holiday(country: str | None, day: dt.date, name: str) -> str:
    """A public holiday's name in the reader's language where the holidays package has it; a
    name given by hand (a participant's own holidays) stays as written."""
    if public_holidays(country, [day.year]).get(day) != name:
        return name
    return holiday_name(country, day, get_language() or "en") or name


def _place(b: Breakdown) -> str:
    person = b.participant
    return _country(person.country) if person.country else person.display


def _change_words(change: Change) -> str:
    """One accommodation the relaxation asks for, worded in the active language."""
    if change.kind == "hours":
        if change.earliest is not None and change.latest is not None:
            return gettext("widen the acceptable hours of %(name)s to %(start)s–%(end)s") % {
                "start": format_clock(change.earliest),
                "end": format_clock(change.latest),
                "name": change.display,
            }
        if change.earliest is not None:
            return gettext("let the acceptable hours of %(name)s start at %(clock)s") % {
                "clock": format_clock(change.earliest),
                "name": change.display,
            }
        return gettext("let the acceptable hours of %(name)s end at %(clock)s") % {
            "clock": format_clock(change.latest or 0),
            "name": change.display,
        }
    if change.kind == "day off":
        assert change.day is not None
        day = format_skeleton(change.day, "MMMEd")
        place = _country(change.country) if change.country else change.display
        if change.reason == "weekly day off":
            return gettext("meet %(name)s on %(day)s, a weekly day off in %(place)s") % {
                "name": change.display,
                "day": day,
                "place": place,
            }
        return gettext("meet %(name)s on %(day)s, a public holiday in %(place)s (%(holiday)s)") % {
            "name": change.display,
            "day": day,
            "place": place,
            "holiday": _holiday(change.country, change.day, change.reason or ""),
        }
    return gettext("move %(engagement)s for %(name)s") % {
        "engagement": change.clash,
        "name": change.display,
    }


def relaxation_words(relaxation: Relaxation) -> str:
    """What it takes to hold the relaxation's time, as one sentence in the active language."""
    changes = format_list([_change_words(c) for c in relaxation.changes], locale=locale())
    if not relaxation.excused:
        return gettext("%(changes)s.") % {"changes": capfirst(changes)}
    return gettext("%(changes)s; or make %(names)s optional.") % {
        "changes": capfirst(changes),
        "names": format_list(list(relaxation.excused), locale=locale()),
    }


def cost_words(b: Breakdown) -> list[str]:
    """What a slot costs one participant, in time outside their working day and days off."""
    person = b.participant
    found: list[str] = []
    for clash in b.clashes:
        found.append(gettext("clashes with %(engagement)s") % {"engagement": clash})
    if b.before_preferred:
        found.append(
            gettext("%(duration)s before the working day starts (%(clock)s)")
            % {
                "duration": duration_words(b.before_preferred),
                "clock": format_clock(person.preferred.start),
            }
        )
    if b.after_preferred:
        found.append(
            gettext("%(duration)s after the working day ends (%(clock)s)")
            % {
                "duration": duration_words(b.after_preferred),
                "clock": format_clock(person.preferred.end % 1440),
            }
        )
    if b.night_minutes:
        found.append(
            gettext("outside the hours they accept (%(hours)s)") % {"hours": str(person.acceptable)}
        )
    for off in b.days_off:
        weekday = str(locale().days["format"]["wide"][off.day.weekday()])
        if off.reason == "weekly day off":
            found.append(
                gettext("%(weekday)s, a weekly day off in %(place)s")
                % {"weekday": weekday, "place": _place(b)}
            )
        else:
            found.append(
                gettext("%(weekday)s, a public holiday in %(place)s (%(holiday)s)")
                % {
                    "weekday": weekday,
                    "place": _place(b),
                    "holiday": _holiday(person.country, off.day, off.reason),
                }
            )
    return found


def _offset(moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _span(start: dt.datetime, end: dt.datetime) -> str:
    """A local span, formatted in the zone it carries (not the viewer's) and the active language."""
    return format_range(start, end, "MMMEd", zone=start.tzinfo)


def _option(number: int, slot: Slot, seats: dict[str, Seat], suggested: bool) -> Option:
    rows = []
    for seat in slot.attendance:
        person = seat.participant
        where = seats[person.name]
        about = str(where.participation.get_role_display())
        represented = where.participation.country or where.participation.organisation
        if represented is not None:
            about += f" · {display_name(represented)}"
        words = cost_words(breakdown(person, slot.start, slot.end))
        rows.append(
            Row(
                name=person.display,
                about=about,
                principal=where.participation.role == "principal",
                optional=not person.required,
                local=_span(seat.local_start, seat.local_end),
                zone=f"{person.zone} ({_offset(seat.local_start)})",
                acceptable=seat.acceptable,
                within=not words,
                notes=capfirst(
                    pgettext("between two notes on a participant's time", "; ").join(words)
                )
                if words
                else gettext("Within the working day"),
            )
        )
    start, end = slot.start.astimezone(dt.UTC), slot.end.astimezone(dt.UTC)
    outside = [r for r in rows if not r.within]
    if not outside:
        sentence = gettext("Within everyone's working day, on a working day.")
    else:
        sentence = ngettext(
            "Outside the working day for %(count)d of %(total)d participants: %(names)s.",
            "Outside the working day for %(count)d of %(total)d participants: %(names)s.",
            len(outside),
        ) % {
            "count": len(outside),
            "total": len(rows),
            "names": format_list([r.name for r in outside], locale=locale()),
        }
    return Option(
        number=number,
        slot=slot,
        utc=f"{_span(start, end)} UTC",
        when=format_range(slot.start, slot.end, "yMMMMEEEEd"),
        start_utc=utc_iso(start),
        end_utc=utc_iso(end),
        rows=rows,
        sentence=sentence,
        suggested=suggested,
    )


def _options(ranking: Ranking, relaxation: Relaxation | None, seats: list[Seat]) -> list[Option]:
    by_name = {s.participation.person.name: s for s in seats}
    relaxed = relaxation.slot.start if relaxation is not None else None
    slots = list(ranking.slots)
    if relaxation is not None and not any(slot.start == relaxed for slot in slots):
        slots.append(relaxation.slot)
    if relaxation is not None:
        # Nothing fits: the time the relaxation names is the one to recommend.
        slots.sort(key=lambda slot: slot.start != relaxed)
    return [
        _option(i, slot, by_name, suggested=slot.start == relaxed)
        for i, slot in enumerate(slots, 1)
    ]


STATE_WORDS = {
    HourState.PREFERRED: _("working hours"),
    HourState.ACCEPTABLE: _("outside working hours"),
    HourState.NIGHT: _("night"),
}


def hours_of(slot: Slot, viewer_zone: dt.tzinfo) -> list[Hour]:
    """The timeline of everyone's local hours around `slot`, one row per hour."""
    found = []
    previous_day: dt.date | None = None
    for row in timeline(slot):
        yours = row.start.astimezone(viewer_zone)
        label = format_time(yours, zone=viewer_zone)
        if yours.date() != previous_day:
            label = format_datetime(yours, "medium", zone=viewer_zone)
            previous_day = yours.date()
        cells = []
        for hour in row.hours:
            off = ""
            if hour.day_off is not None:
                off = (
                    gettext("weekly day off") if hour.day_off == "weekly day off" else hour.day_off
                )
            cells.append(Cell(format_time(hour.local, zone=hour.local.tzinfo), hour.state, off))
        found.append(Hour(label, row.meeting, cells))
    return found


def _default_duration(engagement: Engagement) -> int:
    if engagement.start and engagement.end and engagement.end > engagement.start:
        minutes = int((engagement.end - engagement.start) // dt.timedelta(minutes=1))
        if 5 <= minutes <= MAX_DURATION_MINUTES:
            return minutes
    return DEFAULT_DURATION


def _engagement(request: HttpRequest, pk: int) -> Engagement:
    if not getattr(request.user, "is_editor", False):
        raise PermissionDenied(gettext("Only editors and administrators can schedule engagements."))
    return get_object_or_404(visible_to(request.user), pk=pk)


def _not_proposed(request: HttpRequest, engagement: Engagement) -> HttpResponse:
    messages.error(
        request,
        gettext("Only a proposed engagement can be given a time here; this one is %(status)s.")
        % {"status": str(engagement.get_status_display()).lower()},
    )
    return redirect(engagement)


@login_required
@require_http_methods(["GET", "POST"])
def find_time(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    if engagement.status != Status.PROPOSED:
        return _not_proposed(request, engagement)
    if request.method == "POST":
        return _schedule(request, engagement)

    seats = seats_of(engagement)
    placed = [s for s in seats if s.zone is not None]
    initial: dict[str, Any] = {
        "duration": _default_duration(engagement),
        "first_day": timezone.localdate() + dt.timedelta(days=1),
        "days": DEFAULT_DAYS,
        "step": DEFAULT_STEP,
        "optional": [
            s.participation.person_id for s in placed if s.participation.role in OPTIONAL_ROLES
        ],
    }
    form = FindTimeForm(request.GET if request.GET else None, initial=initial, seats=placed)
    context: dict[str, Any] = {
        "engagement": engagement,
        "form": form,
        "unplaced": [s.participation.person for s in seats if s.zone is None],
    }
    if form.is_bound and not form.is_valid():
        return render(request, "engagements/find_time.html", context)
    values = form.cleaned_data if form.is_bound else initial
    try:
        ranking, relaxation = find_times(
            engagement,
            duration_minutes=values["duration"],
            first_day=values["first_day"],
            days=values["days"],
            step=values["step"],
            limit=OPTIONS_SHOWN,
            optional=set(values["optional"]),
            viewer=request.user,
            not_before=timezone.now(),
            zone=timezone.get_current_timezone_name(),
        )
    except CannotSchedule as problem:
        context["problem"] = str(problem)
        return render(request, "engagements/find_time.html", context)
    options = _options(ranking, relaxation, placed)
    context.update(
        ranking=ranking,
        relaxation=relaxation,
        relaxation_text=relaxation_words(relaxation) if relaxation is not None else "",
        recommended=options[0],
        others=options[1:],
        people=[row.name for row in options[0].rows],
        hours=hours_of(options[0].slot, timezone.get_current_timezone()),
        state_words=STATE_WORDS,
        working_hours=str(DEFAULT_PREFERRED),
        acceptable_hours=str(DEFAULT_ACCEPTABLE),
        options=options,
        window_start=format_datetime(ranking.request.start, "medium"),
        window_end=format_datetime(ranking.request.end, "medium"),
        viewer_zone=timezone.get_current_timezone_name(),
    )
    return render(request, "engagements/find_time.html", context)


def _instant(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None or moment.second or moment.microsecond:
        return None
    return moment.astimezone(dt.UTC)


def _slot_problem(start: dt.datetime | None, end: dt.datetime | None) -> str | None:
    if start is None or end is None:
        return gettext("The chosen time could not be read; pick one of the times listed.")
    if end <= start or end - start > dt.timedelta(minutes=MAX_DURATION_MINUTES):
        return gettext("The chosen time does not make a meeting of one minute to one day.")
    if start < timezone.now():
        return gettext("The chosen time has already passed; search again.")
    return None


def _schedule(request: HttpRequest, engagement: Engagement) -> HttpResponse:
    start, end = _instant(request.POST.get("start")), _instant(request.POST.get("end"))
    problem = _slot_problem(start, end)
    if problem is not None:
        messages.error(request, problem)
        return redirect(request.get_full_path())
    assert start is not None and end is not None
    with transaction.atomic():
        # Locked so that two editors cannot both take a proposal out of "proposed".
        current = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if current.status != Status.PROPOSED:
            return _not_proposed(request, current)
        data = input_from(current)
        data.status = Status.SCHEDULED
        data.start, data.end, data.time_known = start, end, True
        try:
            update_engagement(current, data, by=request.user)  # type: ignore[arg-type]
        except EngagementInvalid as invalid:
            for problems in invalid.errors.values():
                for text in problems:
                    messages.error(request, text)
            return redirect(request.get_full_path())
    local = timezone.localtime(start)
    messages.success(
        request,
        gettext("Scheduled for %(when)s (%(zone)s).")
        % {
            "when": format_datetime(local, "full"),
            "zone": timezone.get_current_timezone_name(),
        },
    )
    return redirect(engagement)
