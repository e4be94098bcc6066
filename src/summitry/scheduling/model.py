"""Plain data for the scheduling core: what is asked and what is answered.

All instants are timezone-aware datetimes; the core works in UTC and shows
local times only on the way out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from .solver import Evaluation

MINUTES_PER_DAY = 1440
MAX_DURATION_MINUTES = MINUTES_PER_DAY  # the cost tiers rely on this bound

_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


def _clock(hours: int, minutes: int) -> int:
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"not a clock time: {hours:02d}:{minutes:02d}")
    return hours * 60 + minutes


def format_clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class Hours:
    """A daily range of local minutes [start, end); it wraps midnight if end <= start.

    ``end`` may be 1440 (24:00). Whole days are ``Hours(0, 1440)``.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < MINUTES_PER_DAY or not 0 < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"hours out of range: {self.start}..{self.end}")
        if self.start == self.end:
            raise ValueError("empty hours")

    @classmethod
    def parse(cls, text: str) -> Hours:
        """Parse ``"HH:MM-HH:MM"``."""
        match = _HOURS.match(text)
        if match is None:
            raise ValueError(f"hours must look like 07:00-23:00, not {text!r}")
        h0, m0, h1, m1 = (int(part) for part in match.groups())
        return cls(_clock(h0, m0) % MINUTES_PER_DAY, _clock(h1, m1) or MINUTES_PER_DAY)

    def contains(self, minute: int) -> bool:
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def distance(self, minute: int) -> int:
        """Minutes from `minute` to the range: 0 inside, 1 for the minute just outside."""
        if self.contains(minute):
            return 0
        before = (self.start - minute) % MINUTES_PER_DAY
        after = (minute - self.end) % MINUTES_PER_DAY + 1
        return min(before, after)

    def __str__(self) -> str:
        return f"{format_clock(self.start)}–{format_clock(self.end)}"


DEFAULT_ACCEPTABLE = Hours(7 * 60, 23 * 60)
DEFAULT_PREFERRED = Hours(9 * 60, 18 * 60)


@dataclass(frozen=True)
class Busy:
    """An interval [start, end) in which the participant has another engagement."""

    start: datetime
    end: datetime
    label: str = ""

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("busy intervals need timezone-aware datetimes")
        if self.end <= self.start:
            raise ValueError("busy interval ends before it starts")


@dataclass(frozen=True)
class Participant:
    """One seat at the meeting.

    ``country`` (ISO alpha-2) selects weekly days off and public holidays;
    ``days_off`` and ``holidays`` override them when given. ``name`` must be
    unique within a request: ledgers and relaxations refer to it.
    """

    name: str
    zone: str
    country: str | None = None
    acceptable: Hours = DEFAULT_ACCEPTABLE
    preferred: Hours = DEFAULT_PREFERRED
    days_off: frozenset[int] | None = None
    holidays: Mapping[date, str] | None = None
    allow_days_off: bool = False
    busy: tuple[Busy, ...] = ()
    required: bool = True
    label: str = ""

    def __post_init__(self) -> None:
        ZoneInfo(self.zone)  # fail early on a misspelt zone

    @property
    def display(self) -> str:
        return self.label or self.name

    @classmethod
    def for_code(cls, code: str, **options: object) -> Participant:
        """A participant for a country (alpha-2/alpha-3) or organisation seat."""
        from .zones import seat

        where = seat(code)
        values: dict[str, object] = {
            "name": where.code,
            "zone": where.zone,
            "country": where.country,
            "label": where.name,
        }
        values.update(options)
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Request:
    """Find `duration_minutes` for `participants` starting in [start, end - duration].

    Slot starts are ``start + k * step_minutes``. ``prior`` is each
    participant's inconvenience carried over from earlier meetings of a
    series (see `series.Ledger`); it only shifts the worst-cost criterion.
    With ``spread`` the slots shown first start at distinct times of day
    (see `solver.pick`), so that five options are not one hour on five days.
    """

    participants: tuple[Participant, ...]
    duration_minutes: int
    start: datetime
    end: datetime
    step_minutes: int = 5
    limit: int = 5
    distinct: bool = True
    spread: bool = False
    prior: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("the window needs timezone-aware datetimes")
        if not 0 < self.duration_minutes <= MAX_DURATION_MINUTES:
            raise ValueError(f"duration must be 1..{MAX_DURATION_MINUTES} minutes")
        if self.step_minutes <= 0:
            raise ValueError("step must be positive")
        if self.limit <= 0:
            raise ValueError("limit must be positive")
        if self.end - self.start < timedelta(minutes=self.duration_minutes):
            raise ValueError("the window is shorter than the meeting")
        names = [p.name for p in self.participants]
        if len(set(names)) != len(names):
            raise ValueError("participant names must be unique")
        if not self.participants:
            raise ValueError("no participants")

    @classmethod
    def over_days(
        cls,
        participants: tuple[Participant, ...] | list[Participant],
        duration_minutes: int,
        first_day: date,
        days: int,
        **options: object,
    ) -> Request:
        """Window of `days` whole UTC days from 00:00 UTC on `first_day`."""
        start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
        return cls(
            participants=tuple(participants),
            duration_minutes=duration_minutes,
            start=start,
            end=start + timedelta(days=days),
            **options,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Attendance:
    """What one slot means for one participant."""

    participant: Participant
    local_start: datetime
    local_end: datetime
    cost: int
    acceptable: bool


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime  # UTC
    worst: int  # highest cost among must-attend participants, prior included
    total: int  # sum of all participants' costs in this slot
    acceptable: bool
    attendance: tuple[Attendance, ...]

    def cost_of(self, name: str) -> int:
        for seat in self.attendance:
            if seat.participant.name == name:
                return seat.cost
        raise KeyError(name)

    def local(self, name: str) -> Attendance:
        for seat in self.attendance:
            if seat.participant.name == name:
                return seat
        raise KeyError(name)


@dataclass(frozen=True)
class Ranking:
    """The answer: the best slots, best first, and how many were looked at."""

    request: Request
    slots: tuple[Slot, ...]
    candidates: int
    acceptable_count: int
    evaluation: Evaluation = field(repr=False, compare=False)

    @property
    def best(self) -> Slot:
        return self.slots[0]

    @property
    def feasible(self) -> bool:
        return self.acceptable_count > 0
