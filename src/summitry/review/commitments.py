"""The review's commitments section: the commitments made in the year (as the viewer may see
them) and how far each got, as of today."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils.translation import ngettext

from summitry.commitments import records, tracker
from summitry.commitments.models import Commitment, ProgressReport
from summitry.commitments.progress import Status
from summitry.commitments.queries import visible_to
from summitry.web.formats import format_percent


@dataclass(frozen=True)
class Section:
    year: int
    rows: list[tracker.Row]
    by_status: list[tuple[str, str, int]]  # (value, label, count), every status

    @property
    def total(self) -> int:
        return len(self.rows)


def section(year: int, user: Any, today: dt.date | None = None) -> Section:
    return section_over(visible_to(user), year, today)


def section_over(
    commitments: QuerySet[Commitment], year: int, today: dt.date | None = None
) -> Section:
    """The section over `commitments` (already narrowed by an access rule, or the whole
    register for the operator's command line)."""
    pairs = records.selection(commitments, year=year, today=today or tracker.today())
    counts = Counter(str(p.status) for _c, p in pairs)
    return Section(
        year,
        tracker.rows(pairs),
        [(s.value, str(s.label), counts.get(s.value, 0)) for s in Status],
    )


def section_data(found: Section) -> dict[str, Any]:
    """The section as data (the review's JSON and API): counts by status, then each record."""
    return {
        "total": found.total,
        "by_status": {value: count for value, _label, count in found.by_status},
        "items": [records.as_record(row.commitment, row.progress) for row in found.rows],
    }


def section_lines(found: Section) -> list[str]:
    """The section as lines of text, in the active language."""
    lines = [
        ngettext(
            "%(count)d commitment was made this year; its status as of today:",
            "%(count)d commitments were made this year; their status as of today:",
            found.total,
        )
        % {"count": found.total}
    ]
    lines += [f"  {label}: {count}" for _value, label, count in found.by_status if count]
    for row in found.rows:
        c = row.commitment
        share = row.progress.share
        progress = format_percent(share) if share is not None else "—"
        lines.append(f"  {c.made_on.isoformat()}  {records.code(c.maker)}  {progress}  {c.text}")
    return lines


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
