"""Choose the Janus instance a new room goes to: the least loaded one.

:func:`pick_least_loaded` is a pure function over load reports;
:func:`query_loads` asks every instance (Admin API) for its load, in
parallel, and marks those that do not answer as unreachable.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from summitry.rooms.janus.client import JanusError
from summitry.rooms.janus.control import JanusEndpoint


class NoJanusAvailable(RuntimeError):
    """No configured Janus instance can take a room now."""


@dataclass(frozen=True)
class InstanceLoad:
    """What one Janus instance carries, as reported by its Admin API."""

    name: str
    #: VideoRoom and AudioBridge rooms.
    rooms: int = 0
    #: Participants in those rooms (VideoRoom counts publishers, active or not).
    participants: int = 0
    #: Janus API sessions: one or more per connected browser.
    sessions: int = 0
    reachable: bool = True
    #: Relative capacity: 2.0 takes twice the load of 1.0.
    weight: float = 1.0
    error: str = ""

    def score(self) -> float:
        # Participants cost media; sessions stand in for subscribers, which
        # VideoRoom does not count; an empty room still costs a little.
        raw = self.participants + 0.25 * self.sessions + 0.1 * self.rooms
        return raw / self.weight if self.weight > 0 else float("inf")


def pick_least_loaded(loads: Sequence[InstanceLoad], exclude: Collection[str] = ()) -> str:
    """Name of the reachable instance with the lowest load score.

    Ties go to the first in ``loads`` order (the configured order), so
    placement is deterministic. ``exclude`` names instances being drained.
    """
    candidates = [
        (load.score(), index, load.name)
        for index, load in enumerate(loads)
        if load.reachable and load.name not in exclude and load.weight > 0
    ]
    if not candidates:
        names = ", ".join(f"{load.name} ({load.error or 'excluded'})" for load in loads)
        raise NoJanusAvailable(f"no Janus instance can take a room: {names or 'none configured'}")
    return min(candidates)[2]


def query_load(endpoint: JanusEndpoint, timeout: float = 3.0) -> InstanceLoad:
    """Ask one instance for its load; unreachable or refusing is reported, not raised."""
    try:
        videoroom = endpoint.videoroom(timeout)
        audiobridge = endpoint.audiobridge(timeout)
        sessions = len(videoroom.admin.list_sessions())
        video_rooms = videoroom.list_rooms()
        audio_rooms = audiobridge.list_rooms()
    except JanusError as exc:
        return InstanceLoad(endpoint.name, reachable=False, weight=endpoint.weight, error=str(exc))
    participants = sum(int(r.get("num_participants", 0)) for r in (*video_rooms, *audio_rooms))
    return InstanceLoad(
        name=endpoint.name,
        rooms=len(video_rooms) + len(audio_rooms),
        participants=participants,
        sessions=sessions,
        weight=endpoint.weight,
    )


def query_loads(endpoints: Sequence[JanusEndpoint], timeout: float = 3.0) -> list[InstanceLoad]:
    """Loads of all instances, asked in parallel, in the order given."""
    if not endpoints:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(endpoints))) as pool:
        return list(pool.map(lambda e: query_load(e, timeout), endpoints))


def choose_instance(
    endpoints: Sequence[JanusEndpoint], exclude: Collection[str] = (), timeout: float = 3.0
) -> JanusEndpoint:
    """The endpoint a new room should be created on."""
    by_name = {e.name: e for e in endpoints}
    if len(by_name) != len(endpoints):
        raise ValueError("Janus instance names must be unique")
    return by_name[pick_least_loaded(query_loads(endpoints, timeout), exclude)]
