"""Recurring meetings: a ledger of past inconvenience makes the night rotate.

Each meeting of a series is chosen with every participant's accumulated
cost so far added to their cost in the candidate slot before taking the
worst (see `Request.prior`). Whoever took the night last time starts the next
choice that much worse off, so the next night falls to someone else, as
RFC 9400 rotates the IETF's online meeting times across regions. Slots
acceptable to everyone still come first: the ledger only decides who pays
when someone must.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from .cost import HARD_FLOOR
from .model import Ranking, Request, Slot
from .solver import solve


@dataclass(frozen=True)
class Meeting:
    start: datetime
    costs: Mapping[str, int]


@dataclass
class Ledger:
    """Costs each participant paid in the meetings of a series so far.

    With `memory` set, only the last `memory` meetings count, so that old
    sacrifices fade as in a rotation.
    """

    memory: int | None = None
    meetings: list[Meeting] = field(default_factory=list)

    def record(self, slot: Slot) -> None:
        self.meetings.append(
            Meeting(
                start=slot.start,
                costs=MappingProxyType({a.participant.name: a.cost for a in slot.attendance}),
            )
        )

    def _counted(self) -> list[Meeting]:
        if self.memory is None:
            return self.meetings
        return self.meetings[-self.memory :] if self.memory else []

    def burden(self) -> dict[str, int]:
        """Accumulated cost per participant name."""
        totals: dict[str, int] = {}
        for meeting in self._counted():
            for name, cost in meeting.costs.items():
                totals[name] = totals.get(name, 0) + cost
        return totals

    def nights(self) -> dict[str, int]:
        """How many counted meetings each participant attended outside what they accept."""
        counts: dict[str, int] = {}
        for meeting in self._counted():
            for name, cost in meeting.costs.items():
                counts[name] = counts.get(name, 0) + (cost >= HARD_FLOOR)
        return counts

    def prepare(self, request: Request) -> Request:
        """`request` with this ledger's burden as its prior."""
        return replace(request, prior=MappingProxyType(self.burden()))

    def schedule(self, request: Request) -> Ranking:
        """Choose the next meeting of the series and record its best slot."""
        ranking = solve(self.prepare(request))
        self.record(ranking.best)
        return ranking


def schedule_series(requests: Iterable[Request], ledger: Ledger | None = None) -> list[Ranking]:
    """Schedule the meetings of a series in order, each window after the last."""
    book = ledger if ledger is not None else Ledger()
    return [book.schedule(request) for request in requests]
