"""The room's journal: every action writes one :class:`RoomEvent`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from summitry.rooms.models import Invitation, Room, RoomEvent


def record(
    room: Room,
    kind: str,
    actor: Invitation | None = None,
    subject: Invitation | None = None,
    at: dt.datetime | None = None,
    **data: Any,
) -> RoomEvent:
    return RoomEvent.objects.create(
        room=room, kind=kind, actor=actor, subject=subject, at=at or timezone.now(), data=data
    )
