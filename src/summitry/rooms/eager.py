"""Start a coroutine at once, without a task unless it has to wait.

A floor change sends one text to every page of a room: 2,000 sends, each of which completes
without waiting when the socket is writable. A task per send (scheduling, a loop turn, then
the send) costs several times the send itself; Python 3.12's eager tasks do what this does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Generator
from typing import Any


def run_eagerly(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
    """Run ``coro`` up to its first wait. ``None``: it finished (an exception it raised is
    raised here); else the task that finishes it."""
    try:
        waiting = coro.send(None)
    except StopIteration:
        return None
    return asyncio.get_running_loop().create_task(_finish(_Resumed(coro, waiting)))


class _Resumed:
    """``coro`` after its first step: hands what it waits on to the task driving this, and
    resumes it (or throws into it, when the task is cancelled) once that is done."""

    def __init__(self, coro: Coroutine[Any, Any, None], waiting: Any) -> None:
        self.coro = coro
        self.waiting = waiting

    def __await__(self) -> Generator[Any, None, None]:
        waiting = self.waiting
        while True:
            try:
                yield waiting
            except BaseException as exc:
                try:
                    waiting = self.coro.throw(exc)
                except StopIteration:
                    return
                continue
            try:
                waiting = self.coro.send(None)
            except StopIteration:
                return


async def _finish(resumed: _Resumed) -> None:
    await resumed
