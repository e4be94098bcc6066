"""Starting a send at once: no task when it does not wait, a task that finishes it when it does."""

from __future__ import annotations

import asyncio

import pytest

from summitry.rooms.eager import run_eagerly

pytestmark = pytest.mark.unit


def test_a_coroutine_that_does_not_wait_finishes_at_once_without_a_task() -> None:
    done: list[str] = []

    async def send() -> None:
        done.append("sent")

    async def main() -> None:
        before = len(asyncio.all_tasks())
        assert run_eagerly(send()) is None
        assert done == ["sent"]
        assert len(asyncio.all_tasks()) == before

    asyncio.run(main())


def test_an_error_before_any_wait_is_raised_to_the_caller() -> None:
    async def send() -> None:
        raise ConnectionError("gone")

    async def main() -> None:
        with pytest.raises(ConnectionError):
            run_eagerly(send())

    asyncio.run(main())


def test_a_coroutine_that_waits_is_finished_by_a_task_with_what_it_waited_for() -> None:
    got: list[object] = []

    async def main() -> None:
        writable = asyncio.Event()
        answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        async def send() -> None:
            got.append("started")
            await writable.wait()
            got.append(await answer)
            await asyncio.sleep(0)
            got.append("sent")

        task = run_eagerly(send())
        assert task is not None and got == ["started"]
        writable.set()
        answer.set_result("answer")
        await task
        assert got == ["started", "answer", "sent"]

    asyncio.run(main())


def test_cancelling_the_task_cancels_the_coroutine_where_it_waits() -> None:
    seen: list[str] = []

    async def main() -> None:
        never = asyncio.Event()

        async def send() -> None:
            try:
                await never.wait()
            except asyncio.CancelledError:
                seen.append("cancelled inside")
                raise

        task = run_eagerly(send())
        assert task is not None
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert seen == ["cancelled inside"]

    asyncio.run(main())
