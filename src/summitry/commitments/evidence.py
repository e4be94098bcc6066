"""Evidence of delivery, from any app that records it.

An app registers a provider in its AppConfig.ready: a function that, given commitments, returns
for each commitment's id the dated amounts (in the commitment's unit) it holds, each with a key
unique across providers and its source. The commitments app provides its own progress reports;
the assistance ledger adds deliveries linked to a commitment with an explicit quantity.

Nothing is counted twice: an item whose key another item says it `includes` (a progress report
that cites a recorded delivery) is left out of the sum, and the same key is counted once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from summitry.commitments.models import Commitment


@dataclass(frozen=True)
class Evidence:
    key: str  # unique across providers: "report:3", "delivery:12"
    on: dt.date
    amount: Decimal | None  # in the commitment's unit; None when the item has no figure
    source: str
    url: str = ""
    # Marks the commitment met in full although it has no amount to add up to.
    completes: bool = False
    # Keys of other items this figure already contains.
    includes: frozenset[str] = field(default_factory=frozenset)


Provider = Callable[[Sequence[Commitment]], Mapping[int, Iterable[Evidence]]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register (or replace, so that a reload does not add it twice) a provider by name."""
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


def collect(commitments: Sequence[Commitment]) -> dict[int, list[Evidence]]:
    """Every provider's evidence for these commitments, by commitment id, oldest first."""
    found: dict[int, list[Evidence]] = {c.pk: [] for c in commitments}
    if not commitments:
        return found
    for provider in _providers.values():
        for commitment_id, items in provider(commitments).items():
            found.setdefault(commitment_id, []).extend(items)
    for items in found.values():
        items.sort(key=lambda e: (e.on, e.key))
    return found


def counted(items: Iterable[Evidence]) -> list[Evidence]:
    """The items that add to the total: each key once, and none that another item includes."""
    items = list(items)
    included = frozenset().union(*(e.includes for e in items)) if items else frozenset()
    seen: set[str] = set()
    kept: list[Evidence] = []
    for item in items:
        if item.key in included or item.key in seen:
            continue
        seen.add(item.key)
        kept.append(item)
    return kept


def progress_reports(commitments: Sequence[Commitment]) -> dict[int, list[Evidence]]:
    from summitry.commitments.models import ProgressReport

    found: dict[int, list[Evidence]] = {}
    reports = ProgressReport.objects.filter(commitment__in=[c.pk for c in commitments])
    for report in reports:
        found.setdefault(report.commitment_id, []).append(
            Evidence(
                key=f"report:{report.pk}",
                on=report.on,
                amount=report.amount,
                source=report.source,
                url=report.url,
                completes=report.completes,
                includes=frozenset(str(k) for k in report.includes),
            )
        )
    return found
