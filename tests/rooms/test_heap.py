"""The heap of held sockets is frozen as they join and thawed once enough have closed."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator

import pytest
from django.test import override_settings

from summitry.rooms import heap, relay
from summitry.rooms.actions.links import issue_press_link
from tests.rooms.rooms_factories import open_room
from tests.rooms.sockets import DEADLINE, joined, leave


@pytest.fixture(autouse=True)
def fresh_heap() -> Iterator[None]:
    gc.unfreeze()
    heap._heap = heap._Heap()
    relay._snapshots.clear()
    yield
    gc.unfreeze()
    heap._heap = heap._Heap()
    relay._snapshots.clear()


def walked(obj: object) -> bool:
    """Whether full collections walk ``obj`` (frozen objects are outside every generation)."""
    return any(o is obj for o in gc.get_objects())


async def until(condition: Callable[[], bool]) -> None:
    async def wait() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(wait(), DEADLINE)


@pytest.mark.integration
@pytest.mark.janus
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("rooms_on_janus")
def test_held_sockets_leave_full_collections_and_come_back_once_a_quarter_closed() -> None:
    room, invs = open_room()
    press_token = issue_press_link(room)

    async def scenario() -> None:
        chair, _ = await joined(invs["chair"][1])
        a, _ = await joined(invs["a"][1])
        held = next(iter(relay._relays[room.pk].members))
        assert walked(held) and gc.get_freeze_count() == 0
        b, _ = await joined(invs["b"][1])  # the third join: frozen a moment later
        await until(lambda: heap.frozen_with() == 3)
        assert gc.get_freeze_count() > 0 and not walked(held)
        # What comes after the freeze is walked as before.
        before = set(relay._relays[room.pk].members)
        press, _ = await joined(f"watch/{press_token}")
        (newest,) = set(relay._relays[room.pk].members) - before
        assert walked(newest) and heap.frozen_with() == 3
        # One of the three frozen closes: a quarter, so the heap is thawed and collected.
        await leave(a)
        await until(lambda: heap.frozen_with() == 0)
        assert gc.get_freeze_count() == 0 and walked(held)
        for ws in (chair, b, press):
            await leave(ws)

    with override_settings(SUMMITRY_ROOMS_HEAP_MIN_JOINS=3, SUMMITRY_ROOMS_HEAP_SETTLE=0.01):
        asyncio.run(scenario())


def test_closes_between_freezes_still_bring_the_thaw() -> None:
    # Under churn (a few leave, as many join, the heap is frozen again) the closes add up: the
    # cycles the closed sockets left are not kept frozen for ever.
    async def scenario() -> None:

        async def settled() -> None:
            await until(lambda: heap._heap.timer is None)

        for _ in range(8):
            heap.joined()
        await settled()
        assert heap.frozen_with() == 8 and gc.get_freeze_count() > 0
        heap.left()
        for _ in range(2):
            heap.joined()
        await settled()
        assert heap.frozen_with() == 10  # nine held and one closed since the first freeze
        heap.left()
        assert heap.frozen_with() == 10 and gc.get_freeze_count() > 0
        heap.left()  # three of ten: a quarter
        assert heap.frozen_with() == 0 and gc.get_freeze_count() == 0

    with override_settings(SUMMITRY_ROOMS_HEAP_MIN_JOINS=2, SUMMITRY_ROOMS_HEAP_SETTLE=0.01):
        asyncio.run(scenario())


def test_small_workers_and_a_setting_of_zero_never_freeze() -> None:
    async def scenario(joins: int) -> None:
        for _ in range(joins):
            heap.joined()
        assert heap._heap.timer is None
        await asyncio.sleep(0)
        assert heap.frozen_with() == 0 and gc.get_freeze_count() == 0

    with override_settings(SUMMITRY_ROOMS_HEAP_MIN_JOINS=5, SUMMITRY_ROOMS_HEAP_SETTLE=0.01):
        asyncio.run(scenario(4))
    with override_settings(SUMMITRY_ROOMS_HEAP_MIN_JOINS=0, SUMMITRY_ROOMS_HEAP_SETTLE=0.01):
        asyncio.run(scenario(50))
