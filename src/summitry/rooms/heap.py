"""Full garbage collections kept off the fan-out: the heap of held sockets is frozen as they
join.

A worker holding 2000 room sockets tracks about 375,000 long-lived objects (some 185 a socket:
the server's connection, the consumer, their tasks). CPython's full collection walks all of them
(170 ms on two cores) and runs whenever a quarter as many again have survived younger
collections, which a busy meeting reaches within seconds: every page then waits that long for
the floor. So a little after enough sockets have joined, what the worker holds is frozen
(:func:`gc.freeze`) and full collections walk only what came after.

Frozen objects are still freed when their last reference goes; only cycles among them wait.
Once as many sockets have closed as a quarter of those frozen, the heap is thawed
(:func:`gc.unfreeze`) and collected in full there and then, the pause CPython would have taken
anyway; those still held are frozen again a little later.
"""

from __future__ import annotations

import asyncio
import gc

from django.conf import settings


def settle_seconds() -> float:
    """Seconds from enough joins to the freeze: joins under way finish, their young garbage goes."""
    return float(getattr(settings, "SUMMITRY_ROOMS_HEAP_SETTLE", 2.0))


def min_joins() -> int:
    """Joins since the last freeze worth freezing for (a small heap is quick to collect); 0 never
    freezes."""
    return int(getattr(settings, "SUMMITRY_ROOMS_HEAP_MIN_JOINS", 200))


class _Heap:
    held = 0  # sockets open in this worker
    joined = 0  # sockets opened since the last freeze (or thaw)
    frozen_with = 0  # sockets frozen since the last thaw (0: nothing frozen by us)
    closed = 0  # of those, closed since
    timer: asyncio.TimerHandle | None = None
    timer_loop: asyncio.AbstractEventLoop | None = None


_heap = _Heap()


def joined() -> None:
    """A socket joined its room: freeze a little later if enough came since the last freeze
    (in a long trickle of joins too, not only once they stop)."""
    _heap.held += 1
    _heap.joined += 1
    _schedule()


def left() -> None:
    """A socket closed: thaw once a quarter of what was frozen has gone."""
    _heap.held = max(0, _heap.held - 1)
    if not _heap.frozen_with:
        return
    _heap.closed += 1
    if _heap.closed * 4 >= _heap.frozen_with:
        gc.unfreeze()
        gc.collect()  # before a new freeze keeps what the closed sockets left
        _heap.frozen_with = _heap.closed = 0
        _heap.joined = _heap.held
        _schedule()


def frozen_with() -> int:
    """Sockets frozen since the last thaw, open or closed since (0: not frozen)."""
    return _heap.frozen_with


def _schedule() -> None:
    wanted = min_joins()
    if not wanted or _heap.joined < wanted:
        return
    loop = asyncio.get_running_loop()
    if _heap.timer is not None and _heap.timer_loop is loop and not _heap.timer.cancelled():
        return
    _heap.timer, _heap.timer_loop = loop.call_later(settle_seconds(), _freeze), loop


def _freeze() -> None:
    _heap.timer = _heap.timer_loop = None
    if not min_joins() or _heap.joined < min_joins():
        return
    gc.collect(1)  # the young garbage of the joins, not frozen with the rest
    gc.freeze()
    # Closes before a second freeze still count: churn does not put the thaw off for ever.
    _heap.frozen_with = _heap.held + _heap.closed
    _heap.joined = 0
