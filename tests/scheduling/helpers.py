"""Small builders shared by the scheduling tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from summitry.scheduling.model import Participant, Request


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def request(
    participants: list[Participant], duration: int, first_day: date, days: int, **options: object
) -> Request:
    return Request.over_days(participants, duration, first_day, days, **options)
