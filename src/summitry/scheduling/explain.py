"""Words for a ranking: who pays most and why, and what to relax when nothing fits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from .cost import HARD_FLOOR
from .model import MINUTES_PER_DAY, Participant, Ranking, Slot, format_clock
from .public_holidays import public_holidays
from .solver import Evaluation, describe
from .weekends import weekly_days_off
from .zones import country_name

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class DayOff:
    day: date
    reason: str  # "weekly day off" or the holiday's name


@dataclass(frozen=True)
class Breakdown:
    """Where one participant's minutes in one slot fall."""

    participant: Participant
    local_start: datetime
    local_end: datetime
    preferred_minutes: int
    soft_minutes: int  # acceptable but outside preferred hours
    night_minutes: int  # outside acceptable hours
    earliest_needed: int | None  # clock minute acceptable hours would have to start at
    latest_needed: int | None  # clock minute acceptable hours would have to end at
    days_off: tuple[DayOff, ...]
    clashes: tuple[str, ...]
    # How far the slot reaches outside preferred (working) hours, in minutes, on each side.
    before_preferred: int = 0
    after_preferred: int = 0


def _day_off_reason(person: Participant, day: date) -> str | None:
    holidays = (
        person.holidays
        if person.holidays is not None
        else public_holidays(person.country, {day.year})
    )
    if day in holidays:
        return holidays[day]
    weekly = (
        person.days_off if person.days_off is not None else weekly_days_off(person.country, day)
    )
    if day.weekday() in weekly:
        return "weekly day off"
    return None


def breakdown(person: Participant, start: datetime, end: datetime) -> Breakdown:
    """Classify every minute of [start, end) for `person`."""
    tz = ZoneInfo(person.zone)
    acceptable, preferred = person.acceptable, person.preferred
    preferred_minutes = soft = night = 0
    early_depth = late_depth = 0
    before_preferred = after_preferred = 0
    days: dict[date, str | None] = {}
    instant = start.astimezone(UTC)
    while instant < end:
        local = instant.astimezone(tz)
        minute = local.hour * 60 + local.minute
        if not preferred.contains(minute):
            before = (preferred.start - minute) % MINUTES_PER_DAY
            after = (minute - preferred.end) % MINUTES_PER_DAY + 1
            if before <= after:
                before_preferred = max(before_preferred, before)
            else:
                after_preferred = max(after_preferred, after)
        if not acceptable.contains(minute):
            night += 1
            before = (acceptable.start - minute) % MINUTES_PER_DAY
            after = (minute - acceptable.end) % MINUTES_PER_DAY + 1
            if before <= after:
                early_depth = max(early_depth, before)
            else:
                late_depth = max(late_depth, after)
        elif preferred.contains(minute):
            preferred_minutes += 1
        else:
            soft += 1
        if local.date() not in days:
            days[local.date()] = _day_off_reason(person, local.date())
        instant += timedelta(minutes=1)
    clashes = tuple(
        busy.label or "another engagement"
        for busy in person.busy
        if busy.start < end and busy.end > start
    )
    return Breakdown(
        participant=person,
        local_start=start.astimezone(tz),
        local_end=end.astimezone(tz),
        preferred_minutes=preferred_minutes,
        soft_minutes=soft,
        night_minutes=night,
        earliest_needed=(acceptable.start - early_depth) % MINUTES_PER_DAY if early_depth else None,
        latest_needed=(acceptable.end + late_depth) % MINUTES_PER_DAY if late_depth else None,
        days_off=tuple(DayOff(day, reason) for day, reason in days.items() if reason is not None),
        clashes=clashes,
        before_preferred=before_preferred,
        after_preferred=after_preferred,
    )


class HourState:
    """Where a local hour falls for one participant."""

    PREFERRED = "preferred"
    ACCEPTABLE = "acceptable"
    NIGHT = "night"


@dataclass(frozen=True)
class LocalHour:
    participant: Participant
    local: datetime
    state: str  # a HourState value
    day_off: str | None  # "weekly day off", a holiday's name, or None


@dataclass(frozen=True)
class TimelineRow:
    """One hour of the timeline: its UTC start, whether the meeting runs in it, everyone's clock."""

    start: datetime
    meeting: bool
    hours: tuple[LocalHour, ...]


def local_hour(person: Participant, instant: datetime) -> LocalHour:
    local = instant.astimezone(ZoneInfo(person.zone))
    minute = local.hour * 60 + local.minute
    if person.preferred.contains(minute):
        state = HourState.PREFERRED
    elif person.acceptable.contains(minute):
        state = HourState.ACCEPTABLE
    else:
        state = HourState.NIGHT
    return LocalHour(person, local, state, _day_off_reason(person, local.date()))


def timeline(slot: Slot, before: int = 4, after: int = 4) -> tuple[TimelineRow, ...]:
    """Everyone's local clock hour by hour, `before` hours ahead of the slot to `after` past it."""
    first = slot.start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    first -= timedelta(hours=before)
    last = slot.end.astimezone(UTC) + timedelta(hours=after)
    people = [seat.participant for seat in slot.attendance]
    rows = []
    instant = first
    while instant < last:
        meeting = instant < slot.end and instant + timedelta(hours=1) > slot.start
        rows.append(TimelineRow(instant, meeting, tuple(local_hour(p, instant) for p in people)))
        instant += timedelta(hours=1)
    return tuple(rows)


def _where(person: Participant) -> str:
    """The country whose calendar applies, for day-off reasons."""
    if person.country is not None:
        return country_name(person.country)
    return person.display


def _local_span(b: Breakdown) -> str:
    start, end = b.local_start, b.local_end
    text = f"{start:%a %H:%M}–{end:%H:%M}"
    if end.date() != start.date() and (end.hour or end.minute):
        text = f"{start:%a %H:%M}–{end:%a %H:%M}"
    return f"{text} local time ({b.participant.zone})"


def _minutes(n: int) -> str:
    return "1 minute" if n == 1 else f"{n} minutes"


def reasons(b: Breakdown) -> list[str]:
    """Why this participant pays anything, most serious first."""
    person = b.participant
    found: list[str] = []
    for clash in b.clashes:
        found.append(f"it clashes with {clash}")
    if b.night_minutes:
        found.append(f"{_minutes(b.night_minutes)} outside acceptable hours ({person.acceptable})")
    for off in b.days_off:
        if off.reason == "weekly day off":
            found.append(f"{_WEEKDAYS[off.day.weekday()]} is a weekly day off in {_where(person)}")
        else:
            found.append(f"{off.day:%d %b} is a public holiday in {_where(person)} ({off.reason})")
    if b.soft_minutes:
        found.append(f"{_minutes(b.soft_minutes)} outside preferred hours ({person.preferred})")
    return found


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def explain_slot(slot: Slot) -> str:
    """One sentence: who pays most in `slot`, and why."""
    worst = max(seat.cost for seat in slot.attendance)
    if worst == 0:
        return "Everyone meets within preferred hours on a working day: nobody pays."
    payers = [seat for seat in slot.attendance if seat.cost == worst]
    names = [
        seat.participant.display + ("" if seat.participant.required else " (optional)")
        for seat in payers
    ]
    shown = _join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    verb = "pays" if len(payers) == 1 else "pay"
    each = "" if len(payers) == 1 else " each"
    first = breakdown(payers[0].participant, slot.start, slot.end)
    why = _join(reasons(first))
    whose = "" if len(payers) == 1 else f"for {first.participant.display}, "
    return f"{shown} {verb} most ({worst:,} points{each}): {whose}{_local_span(first)}, {why}."


def explain(ranking: Ranking) -> str:
    """The sentence for the best slot, preceded by a warning if nothing is acceptable."""
    sentence = explain_slot(ranking.best)
    if ranking.feasible:
        return sentence
    return "No slot is acceptable to every must-attend participant. " + sentence


@dataclass(frozen=True)
class Change:
    """One accommodation; besides the English `text`, the facts another language words it from."""

    participant: str  # name
    kind: str  # "hours", "day off" or "engagement"
    text: str
    display: str = ""  # the participant as shown
    earliest: int | None = None  # hours: the clock minute acceptable hours would start at
    latest: int | None = None  # hours: the clock minute acceptable hours would end at
    day: date | None = None  # day off: the local day
    reason: str | None = None  # day off: "weekly day off" or the holiday's name
    country: str | None = None  # day off: whose calendar (ISO 3166 alpha-2), if known
    clash: str | None = None  # engagement: the one to move


@dataclass(frozen=True)
class Relaxation:
    """Changes that together make `slot` acceptable; `alternatives` are the simpler outs."""

    slot: Slot
    changes: tuple[Change, ...]
    alternatives: tuple[str, ...]
    text: str
    excused: tuple[str, ...] = ()  # the must-attend participants (as shown) to make optional


def _changes(b: Breakdown) -> list[Change]:
    person = b.participant
    where = _where(person)
    found: list[Change] = []
    if b.night_minutes:
        if b.earliest_needed is not None and b.latest_needed is not None:
            span = f"{format_clock(b.earliest_needed)}–{format_clock(b.latest_needed)}"
            text = f"allow {span} for {person.display}"
        elif b.earliest_needed is not None:
            text = f"allow {format_clock(b.earliest_needed)} for {person.display}"
        else:
            assert b.latest_needed is not None
            text = f"allow until {format_clock(b.latest_needed)} for {person.display}"
        found.append(
            Change(
                person.name,
                "hours",
                text,
                display=person.display,
                earliest=b.earliest_needed,
                latest=b.latest_needed,
            )
        )
    for off in b.days_off:
        what = "weekly day off" if off.reason == "weekly day off" else off.reason
        found.append(
            Change(
                person.name,
                "day off",
                f"meet on {off.day:%a %d %b} ({what} in {where})",
                display=person.display,
                day=off.day,
                reason=off.reason,
                country=person.country,
            )
        )
    for clash in b.clashes:
        found.append(
            Change(
                person.name,
                "engagement",
                f"move {clash} for {person.display}",
                display=person.display,
                clash=clash,
            )
        )
    return found


def relax(evaluation: Evaluation) -> Relaxation | None:
    """The smallest relaxation that makes some slot acceptable, or None if one already is.

    Smallest means: fewest must-attend participants to accommodate, then the
    least severity (their costs in units of HARD_FLOOR, about half a night
    minute, so soft costs do not decide), then the lowest total, then the earliest.
    """
    if evaluation.acceptable.any() or not evaluation.required.any():
        return None
    must = evaluation.costs[evaluation.required]
    hard = must >= HARD_FLOOR
    people = hard.sum(axis=0)
    excess = np.where(hard, must // HARD_FLOOR, 0).sum(axis=0)
    index = int(np.lexsort((evaluation.total, excess, people))[0])
    slot = describe(evaluation, index)
    changes: list[Change] = []
    alternatives: list[str] = []
    excused: list[str] = []
    for seat in slot.attendance:
        if seat.participant.required and not seat.acceptable:
            b = breakdown(seat.participant, slot.start, slot.end)
            changes.extend(_changes(b))
            alternatives.append(f"make {seat.participant.display} optional")
            excused.append(seat.participant.display)
    when = f"{slot.start:%a %d %b %H:%M}–{slot.end:%H:%M} UTC"
    if slot.end.date() != slot.start.date() and (slot.end.hour or slot.end.minute):
        when = f"{slot.start:%a %d %b %H:%M}–{slot.end:%a %d %b %H:%M} UTC"
    text = f"To meet {when}: {_join([c.text for c in changes])}"
    text += f"; or make {_join(excused)} optional." if excused else "."
    return Relaxation(
        slot=slot,
        changes=tuple(changes),
        alternatives=tuple(alternatives),
        text=text,
        excused=tuple(excused),
    )
