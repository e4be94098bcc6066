"""A repository held in a list: what the protocol layer is tested against (the knowledge app's
repository is tested through /oai with a harvesting client)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from summitry.oai import (
    SECONDS,
    DublinCore,
    Header,
    OaiSet,
    Page,
    Record,
    RepositoryInfo,
    Selection,
)

START = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def item(n: int, *, sets: tuple[str, ...] = ("work", "work:protocol")) -> Record:
    return Record(
        header=Header(f"oai:example.org:{n}", START + dt.timedelta(days=n), sets),
        metadata=DublinCore(title=(f"Edition {n}",), language=("en",)),
    )


@dataclass
class MemoryRepository:
    items: list[Record] = field(default_factory=list)
    set_list: list[OaiSet] = field(
        default_factory=lambda: [OaiSet("work", "Works"), OaiSet("work:protocol", "Protocol")]
    )
    granularity: str = SECONDS

    def info(self) -> RepositoryInfo:
        return RepositoryInfo(
            name="Example",
            base_url="http://example.org/oai",
            admin_emails=("oai@example.org",),
            earliest_datestamp=START,
            namespace="example.org",
            sample_identifier="oai:example.org:1",
            granularity=self.granularity,
        )

    def sets(self) -> Sequence[OaiSet]:
        return self.set_list

    def record(self, identifier: str) -> Record | None:
        return next((r for r in self.items if r.header.identifier == identifier), None)

    def _selected(self, selection: Selection) -> list[Record]:
        return sorted(
            (
                r
                for r in self.items
                if (selection.start is None or r.header.datestamp >= selection.start)
                and (selection.until is None or r.header.datestamp <= selection.until)
                and (selection.set_spec is None or selection.set_spec in r.header.set_specs)
            ),
            key=lambda r: (r.header.datestamp, r.header.identifier),
        )

    def page(self, selection: Selection, after: str | None, size: int) -> Page:
        chosen = self._selected(selection)
        first = int(after) if after is not None else 0
        following = first + size
        return Page(chosen[first:following], str(following) if following < len(chosen) else None)

    def count(self, selection: Selection) -> int:
        return len(self._selected(selection))
