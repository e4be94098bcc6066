"""The fan-out's set-up cost: what lets 2,000 pages join one room on one worker."""

from __future__ import annotations

import asyncio

from channels.layers import get_channel_layer
from django.db import connection
from django.test import override_settings

from summitry.rooms import broadcast


def test_presence_batches_gather_longer_while_joins_keep_coming() -> None:
    # Each batch costs a message to every page: in a join storm they come about once a second,
    # not every 50 ms, and a quiet room is back to the short delay.
    room_id = 4242

    async def scenario() -> None:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(broadcast.room_group(room_id), channel)
        loop = asyncio.get_running_loop()
        with override_settings(SUMMITRY_ROOMS_BROADCAST_DELAY=0.05):
            assert broadcast._window(room_id, loop) == 0.05
            for version in range(1, 9):
                broadcast._gather(layer, room_id, version, "presence", (version, True))
            event = await asyncio.wait_for(layer.receive(channel), 15)
            assert event["scope"] == "presence" and event["version"] == 8
            assert broadcast._window(room_id, loop) == 0.4  # eight joins: 8 x 50 ms
            broadcast._last[room_id] = (loop.time(), 400)
            assert broadcast._window(room_id, loop) == broadcast.LONGEST_BATCH
            broadcast._last[room_id] = (loop.time() - 2 * broadcast.LONGEST_BATCH, 400)
            assert broadcast._window(room_id, loop) == 0.05
        await layer.group_discard(broadcast.room_group(room_id), channel)

    try:
        asyncio.run(scenario())
    finally:
        broadcast._last.pop(room_id, None)


def test_sqlite_connections_are_kept_between_calls_from_the_async_side() -> None:
    # Opening one (with its pragmas) at every database_sync_to_async call was a third of a
    # room join's database time.
    if connection.vendor == "sqlite":
        assert connection.settings_dict["CONN_MAX_AGE"] > 0
