"""Room WebSockets in tests: connect, read until a condition holds, apply deltas as a page does.

Every wait reads messages until the one it needs arrives, bounded by a deadline generous enough
for a loaded machine; nothing assumes which message comes next.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from summitry.rooms.broadcast import current_version
from summitry.rooms.routing import websocket_urlpatterns

Json = dict[str, Any]

#: Seconds any one wait may take before the test fails (a deadline, not a pause).
DEADLINE = 15.0


def client(path: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)


async def connected(path: str) -> WebsocketCommunicator:
    ws = client(path)
    accepted, _ = await ws.connect(timeout=DEADLINE)
    assert accepted
    return ws


async def joined(token: str) -> tuple[WebsocketCommunicator, Json]:
    ws = await connected(f"/ws/rooms/{token}/")
    return ws, await until(ws, lambda m: m["type"] == "state")


async def until(
    ws: WebsocketCommunicator, match: Callable[[Json], bool], timeout: float = DEADLINE
) -> Json:
    """The first message that matches, skipping the others."""

    async def wait() -> Json:
        while True:
            message: Json = await ws.receive_json_from(timeout)
            if match(message):
                return message

    return await asyncio.wait_for(wait(), timeout)


async def leave(ws: WebsocketCommunicator) -> None:
    """Close the page and wait until the server has done what a closed page makes it do."""
    await ws.disconnect(timeout=DEADLINE)


async def closed_with(ws: WebsocketCommunicator, timeout: float = DEADLINE) -> tuple[str, Json]:
    """Read until the server closes the socket: the last error's message, and the close."""

    async def wait() -> tuple[str, Json]:
        message = ""
        while True:
            output: Json = await ws.receive_output(timeout)
            if output["type"] == "websocket.close":
                return message, output
            payload = json.loads(output.get("text") or "{}")
            if payload.get("type") == "error":
                message = payload["message"]

    return await asyncio.wait_for(wait(), timeout)


def applied(state: Json, message: Json) -> Json:
    """The page's state after one message, as room.js applies it (full states and deltas)."""
    kind, version = message["type"], message.get("version", 0)
    if kind not in ("state", "floor", "presence") or version <= state["version"]:
        return state
    if kind == "state":
        return message
    base = version - 1 if kind == "floor" else message["base"]
    assert state["version"] >= base, f"the server sent a delta the page cannot apply: {message}"
    state = {**state, "version": version}
    if kind == "floor":
        muted = set(message["muted"])
        state.update(floor=message["floor"], speakers=message["speakers"])
        for key in ("participants", "lobby"):
            state[key] = [{**p, "muted": p["id"] in muted} for p in state[key]]
        if state["you"].get("id") is not None:
            state["you"] = {**state["you"], "muted": state["you"]["id"] in muted}
    else:
        online, offline = set(message["online"]), set(message["offline"])
        for key in ("participants", "lobby"):
            state[key] = [
                {**p, "online": p["id"] in online or (p["online"] and p["id"] not in offline)}
                for p in state[key]
            ]
    return state


class View:
    """What a page holds, applying messages as room.js does (and keeping what came)."""

    def __init__(self, ws: WebsocketCommunicator, state: Json) -> None:
        self.ws, self.state = ws, state
        self.received: list[Json] = [state]

    def apply(self, message: Json) -> None:
        self.received.append(message)
        self.state = applied(self.state, message)

    async def until(self, match: Callable[[Json], bool], timeout: float = DEADLINE) -> Json:
        """Apply messages until the page's state matches; the state then."""

        async def wait() -> Json:
            while not match(self.state):
                self.apply(await self.ws.receive_json_from(timeout))
            return self.state

        return await asyncio.wait_for(wait(), timeout)

    async def settled(self, room_id: int) -> Json:
        """Wait until the page holds the room's newest version: nothing it waits for is left
        on the way, so the next message it gets comes from what the test does next."""
        newest = await database_sync_to_async(current_version)(room_id)
        return await self.until(lambda s: s["version"] >= newest)


async def viewing(token: str) -> View:
    ws, state = await joined(token)
    return View(ws, state)
