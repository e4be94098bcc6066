"""The register's side of scheduling: an engagement in, a ranking out.

It stands with the register so that `summitry.scheduling` imports neither
Django nor the register: the core stays plain Python, which the CLI and the
known-answer tests run without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext, ngettext

from summitry.directory.models import Country, Person
from summitry.engagements.models import Engagement, Participation, Role, Status
from summitry.engagements.queries import visible_to
from summitry.scheduling.explain import Relaxation, relax
from summitry.scheduling.model import Busy, Participant, Ranking, Request
from summitry.scheduling.solver import solve
from summitry.scheduling.zones import ORGANISATION_SEATS, capital_zone

# Interpreters can be replaced and observers only listen: the meeting can go ahead without them.
OPTIONAL_ROLES: frozenset[str] = frozenset({Role.INTERPRETER, Role.OBSERVER})
BUSY_STATUSES = (Status.SCHEDULED, Status.HELD)
# Records often give a start and no end; a call rarely runs past an hour.
DEFAULT_BUSY = dt.timedelta(hours=1)


class CannotSchedule(ValueError):
    """The engagement cannot be searched; the message is meant for the user."""


@dataclass(frozen=True)
class Seat:
    """Where one participation sits, or ``zone=None`` when nothing says where."""

    participation: Participation
    zone: str | None
    country: str | None  # alpha-2 whose days off apply; None for an organisation


def _valid(zone: str | None) -> str | None:
    if not zone:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return zone


def _capital(country: Country | None) -> str | None:
    if country is None:
        return None
    if country.capital_zone:
        return _valid(country.capital_zone)
    try:
        return capital_zone(country.code)
    except LookupError:
        return None


def seat_of(participation: Participation) -> Seat:
    """Zone and calendar of one participant.

    A zone given on the person wins (they are known to work elsewhere), then
    the capital of the country they represent, then the seat of their
    organisation, then the capital of their own country.
    """
    person: Person = participation.person
    represented = participation.country
    organisation = participation.organisation
    if represented is not None:
        country: str | None = represented.code
    elif organisation is not None:
        country = None  # organisations keep their own holidays
    else:
        country = person.country.code if person.country is not None else None
    zone = _valid(person.time_zone) or _capital(represented)
    if zone is None and organisation is not None:
        zone = _capital(organisation.seat)
        if zone is None and organisation.acronym.upper() in ORGANISATION_SEATS:
            zone = ORGANISATION_SEATS[organisation.acronym.upper()][1]
    if zone is None:
        zone = _capital(person.country)
    return Seat(participation=participation, zone=zone, country=country)


def seats_of(engagement: Engagement) -> list[Seat]:
    """Every participation's seat, the principal first, then in the record's order."""
    principal_first = Case(When(role=Role.PRINCIPAL, then=Value(0)), default=Value(1))
    participations = engagement.participations.select_related(
        "person__country", "country", "organisation__seat"
    ).order_by(principal_first, "order", "id")
    return [seat_of(p) for p in participations]


def default_optional(engagement: Engagement) -> set[int]:
    """Person ids that need not attend unless the editor says otherwise."""
    return {p.person_id for p in engagement.participations.all() if p.role in OPTIONAL_ROLES}


def window(first_day: dt.date, days: int, zone: str = "UTC") -> tuple[dt.datetime, dt.datetime]:
    """From midnight of `first_day` to midnight `days` later, as the clocks of `zone` read."""
    tz = ZoneInfo(zone)
    last_day = first_day + dt.timedelta(days=days)
    start = dt.datetime.combine(first_day, dt.time(), tz).astimezone(dt.UTC)
    return start, dt.datetime.combine(last_day, dt.time(), tz).astimezone(dt.UTC)


def busy_intervals(
    engagement: Engagement,
    people: Collection[int],
    start: dt.datetime,
    end: dt.datetime,
    viewer: Any = None,
) -> dict[int, list[Busy]]:
    """Each person's other scheduled or held engagements that overlap [start, end).

    Titles the viewer may not read become "another engagement": the clash
    still counts, but a confidential title must not leak through a sentence.
    """
    # A superset is harmless: an interval outside the window costs nothing.
    overlapping = Q(engagement__end__gt=start) | Q(engagement__start__gt=start - DEFAULT_BUSY)
    rows = (
        Participation.objects.filter(
            overlapping,
            person_id__in=people,
            engagement__status__in=BUSY_STATUSES,
            engagement__time_known=True,
            engagement__start__isnull=False,
            engagement__start__lt=end,
        )
        .exclude(engagement_id=engagement.pk)
        .select_related("engagement")
        .order_by("engagement__start")
    )
    readable = set(
        visible_to(viewer)
        .filter(pk__in={row.engagement_id for row in rows})
        .values_list("pk", flat=True)
    )
    found: dict[int, list[Busy]] = {}
    for row in rows:
        other = row.engagement
        assert other.start is not None
        until = other.end if other.end is not None and other.end > other.start else None
        label = other.title if other.pk in readable else gettext("another engagement")
        found.setdefault(row.person_id, []).append(
            Busy(other.start, until or other.start + DEFAULT_BUSY, label)
        )
    return found


def participants_for(
    engagement: Engagement,
    optional_person_ids: Collection[int] | None = None,
    *,
    first_day: dt.date | None = None,
    days: int = 14,
    viewer: Any = None,
    zone: str = "UTC",
) -> list[Participant]:
    """The core's participants for every participation whose zone is known.

    ``optional_person_ids`` None means the role decides (interpreters and
    observers are optional); a collection names exactly who is optional.
    Busy intervals are read for the window of `days` from `first_day`
    (default: tomorrow) in `zone`.
    """
    seats = [seat for seat in seats_of(engagement) if seat.zone is not None]
    if optional_person_ids is None:
        optional = {
            s.participation.person_id for s in seats if s.participation.role in OPTIONAL_ROLES
        }
    else:
        optional = set(optional_person_ids)
    if first_day is None:
        first_day = dt.datetime.now(ZoneInfo(zone)).date() + dt.timedelta(days=1)
    start, end = window(first_day, days, zone)
    busy = busy_intervals(
        engagement, {s.participation.person_id for s in seats}, start, end, viewer
    )
    participants = []
    for seat in seats:
        person = seat.participation.person
        assert seat.zone is not None
        participants.append(
            Participant(
                name=person.name,  # unique in the directory
                zone=seat.zone,
                country=seat.country,
                busy=tuple(busy.get(person.pk, ())),
                required=person.pk not in optional,
                label=person.name,
            )
        )
    return participants


def find_times(
    engagement: Engagement,
    duration_minutes: int,
    first_day: dt.date,
    days: int,
    step: int = 5,
    limit: int = 5,
    optional: Collection[int] | None = None,
    viewer: Any = None,
    not_before: dt.datetime | None = None,
    zone: str = "UTC",
    spread: bool = True,
) -> tuple[Ranking, Relaxation | None]:
    """The best `limit` slots for the engagement, and the smallest relaxation if none fits.

    The window is `days` whole days from `first_day`, midnight to midnight in
    `zone` (the viewer's, so that "from Monday" means their Monday); with
    `not_before` (usually now) it starts no earlier than that, on the step grid.
    Raises CannotSchedule when fewer than two participants have a known zone
    or nothing of the window is left. With `spread` (the default) the options
    start at distinct times of day before any hour repeats on another day.
    """
    participants = participants_for(
        engagement, optional, first_day=first_day, days=days, viewer=viewer, zone=zone
    )
    if len(participants) < 2:
        raise CannotSchedule(
            ngettext(
                "Finding a time needs at least two participants whose time zone is known; "
                "this engagement has %(count)d.",
                "Finding a time needs at least two participants whose time zone is known; "
                "this engagement has %(count)d.",
                len(participants),
            )
            % {"count": len(participants)}
        )
    start, end = window(first_day, days, zone)
    if not_before is not None and not_before > start:
        # Round up to the grid so that slots still start on whole steps from midnight.
        steps = -(-(not_before - start) // dt.timedelta(minutes=step))
        start += dt.timedelta(minutes=step * steps)
    if end - start < dt.timedelta(minutes=duration_minutes):
        raise CannotSchedule(gettext("What is left of the window is shorter than the meeting."))
    request = Request(
        participants=tuple(participants),
        duration_minutes=duration_minutes,
        start=start,
        end=end,
        step_minutes=step,
        limit=limit,
        spread=spread,
    )
    ranking = solve(request)
    return ranking, relax(ranking.evaluation)
