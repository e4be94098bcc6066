"""The review's commitments section: the commitments made in the year (as the viewer may see
them) and how far each got, as of today."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from summitry.commitments import records, tracker
from summitry.commitments.models import Commitment, ProgressReport
from summitry.commitments.progress import Status
from summitry.commitments.queries import visible_to


@dataclass(frozen=True)
class Section:
    year: int
    rows: list[tracker.Row]
    by_status: list[tuple[str, str, int]]  # (value, label, count), every status

    @property
    def total(self) -> int:
        return len(self.rows)


def section(year: int, user: Any, today: dt.date | None = None) -> Section:
    pairs = records.selection(visible_to(user), year=year, today=today or tracker.today())
    counts = Counter(str(p.status) for _c, p in pairs)
    return Section(
        year,
        tracker.rows(pairs),
        [(s.value, str(s.label), counts.get(s.value, 0)) for s in Status],
    )


def stamp(year: int, today: dt.date | None = None) -> str:
    """Changes with any write to the year's commitments or their reports, and with the day
    (a status turns overdue as days pass)."""
    made = Commitment.objects.filter(made_on__year=year).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    reports = ProgressReport.objects.filter(commitment__made_on__year=year).aggregate(
        n=Count("id"), last=Max("created_at")
    )
    return f"{made['n']}:{made['last']}:{reports['n']}:{reports['last']}:{today or tracker.today()}"
