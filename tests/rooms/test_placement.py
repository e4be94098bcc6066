"""Rooms go to the least loaded Janus instance."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest

from summitry.rooms.janus.client import VIDEOROOM, JanusSession
from summitry.rooms.janus.control import JanusEndpoint, VideoRoomOptions
from summitry.rooms.janus.process import JanusProcess
from summitry.rooms.placement import (
    InstanceLoad,
    NoJanusAvailable,
    choose_instance,
    pick_least_loaded,
    query_load,
)
from tests.rooms.helpers import free_ports


@pytest.mark.unit
def test_pick_least_loaded_prefers_fewer_participants() -> None:
    loads = [
        InstanceLoad("a", rooms=2, participants=10, sessions=12),
        InstanceLoad("b", rooms=5, participants=3, sessions=4),
    ]
    assert pick_least_loaded(loads) == "b"


@pytest.mark.unit
def test_pick_least_loaded_skips_unreachable_and_excluded() -> None:
    loads = [
        InstanceLoad("a", reachable=False, error="connection refused"),
        InstanceLoad("b", participants=50),
        InstanceLoad("c", participants=1),
    ]
    assert pick_least_loaded(loads) == "c"
    assert pick_least_loaded(loads, exclude={"c"}) == "b"
    with pytest.raises(NoJanusAvailable, match="connection refused"):
        pick_least_loaded(loads, exclude={"b", "c"})
    with pytest.raises(NoJanusAvailable, match="none configured"):
        pick_least_loaded([])


@pytest.mark.unit
def test_pick_least_loaded_weights_and_ties() -> None:
    # A bigger machine (weight 4) carries more before it counts as busier.
    loads = [InstanceLoad("small", participants=10), InstanceLoad("big", participants=30, weight=4)]
    assert pick_least_loaded(loads) == "big"
    # Equal load: the first configured wins, so placement is reproducible.
    assert pick_least_loaded([InstanceLoad("x"), InstanceLoad("y")]) == "x"


@pytest.mark.integration
def test_rooms_go_to_the_emptier_live_instance(
    janus: JanusProcess, start_janus: Callable[..., JanusProcess], new_token: Callable[..., str]
) -> None:
    busy = janus.config.endpoint()
    quiet = start_janus("second").config.endpoint()
    http_port, admin_port = free_ports(2)
    dead = JanusEndpoint(
        name="dead",
        api_url=f"http://127.0.0.1:{http_port}/janus",
        admin_url=f"http://127.0.0.1:{admin_port}/admin",
        admin_secret="x" * 16,
        room_admin_key="y" * 16,
    )
    assert not query_load(dead, timeout=1).reachable

    token = new_token()
    options = VideoRoomOptions(secret=secrets.token_urlsafe(12), allowed=[token])
    room = busy.videoroom().create_room(options)
    try:
        with JanusSession.create(busy.api_url, token=token) as session:
            session.attach(VIDEOROOM).call(
                {"request": "join", "ptype": "publisher", "room": room, "token": token}
            )
            load = query_load(busy)
            assert load.rooms >= 1 and load.participants >= 1 and load.sessions >= 1
            # (A dead instance refuses the connection at once; live ones get time to answer.)
            assert choose_instance([dead, busy, quiet], timeout=10).name == "second"
            assert choose_instance([busy, dead], timeout=10).name == "main"
            with pytest.raises(NoJanusAvailable):
                choose_instance([dead], timeout=10)
    finally:
        busy.videoroom().destroy_room(room, options.secret)
