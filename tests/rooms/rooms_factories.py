"""Builders for live-room tests: engagements and people without directory data."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from summitry.directory.models import Person
from summitry.engagements.models import Engagement
from summitry.engagements.services import EngagementInput, ParticipantInput, create_engagement
from summitry.rooms.actions import links
from summitry.rooms.actions.lobby import admit, arrive
from summitry.rooms.models import Invitation, Room

_serial = itertools.count(1)


def people(count: int) -> list[Person]:
    return [Person.objects.create(name=f"Room person {next(_serial)}") for _ in range(count)]


def engagement(
    kind: str = "virtual_summit", start: dt.datetime | None = None, status: str = "scheduled"
) -> Engagement:
    participants = people(3)
    return create_engagement(
        EngagementInput(
            title=f"Live engagement {next(_serial)}",
            kind=kind,
            status=status,
            start=start or timezone.now() - dt.timedelta(minutes=10),
            participants=[ParticipantInput(person=p) for p in participants],
        ),
        by=None,
    )


def open_room(
    kind: str = "virtual_summit", **options: object
) -> tuple[Room, dict[str, tuple[Invitation, str]]]:
    """A room with a chair and two participants: {"chair"|"a"|"b": (invitation, token)}."""
    found = engagement(kind)
    chair, a, b = [p.person for p in found.participations.all()]
    room, tokens = links.open_room(
        found,
        None,
        chair=chair,
        invitees=[a, b],
        **options,  # type: ignore[arg-type]
    )
    by_person = {inv.person_id: inv for inv in room.invitations.all()}
    return room, {
        label: (by_person[person.pk], tokens[person.pk])
        for label, person in (("chair", chair), ("a", a), ("b", b))
    }


def admitted(room: Room, *labels: str, invitations: dict[str, tuple[Invitation, str]]) -> None:
    chair = invitations["chair"][0]
    arrive(chair)
    for label in labels:
        arrive(invitations[label][0])
        admit(chair, invitations[label][0])
