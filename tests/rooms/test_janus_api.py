"""Janus refuses whoever Summitry has not authorised (real Janus, no media)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import pytest

from summitry.rooms.janus.client import (
    AUDIOBRIDGE,
    VIDEOROOM,
    VIDEOROOM_ERROR_UNAUTHORIZED,
    JanusAdmin,
    JanusAuthError,
    JanusError,
    JanusPluginError,
    JanusSession,
    server_info,
    signed_token,
)
from summitry.rooms.janus.control import AudioBridgeOptions, JanusEndpoint, RoomId, VideoRoomOptions
from summitry.rooms.janus.process import JanusProcess

pytestmark = [pytest.mark.integration, pytest.mark.janus]

UNAUTHORIZED = "Unauthorized request (wrong or missing secret/token)"


def eventually(check: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def room_options(allowed: list[str], **extra: object) -> VideoRoomOptions:
    return VideoRoomOptions(secret=secrets.token_urlsafe(12), allowed=allowed, **extra)  # type: ignore[arg-type]


def test_info_shows_the_configuration_took_effect(janus: JanusProcess) -> None:
    info = server_info(janus.api_url)
    assert info["version_string"].startswith("1.")
    assert info["auth_token"] is True
    assert info["api_secret"] is True
    assert info["event_handlers"] is False
    assert sorted(info["plugins"]) == [AUDIOBRIDGE, VIDEOROOM]
    assert sorted(info["transports"]) == ["janus.transport.http"]
    assert info["server-name"] == "summitry-main"


def test_janus_api_without_token_is_refused(endpoint: JanusEndpoint) -> None:
    with pytest.raises(JanusAuthError) as refused:
        JanusSession.create(endpoint.api_url)
    assert refused.value.code == 403
    assert refused.value.reason == UNAUTHORIZED
    with pytest.raises(JanusAuthError, match="wrong or missing secret/token"):
        JanusSession.create(endpoint.api_url, token="made-up-token")


def test_admin_api_needs_the_admin_secret(endpoint: JanusEndpoint) -> None:
    with pytest.raises(JanusAuthError):
        JanusAdmin(endpoint.admin_url, "not-the-secret").list_tokens()


def test_stored_token_works_until_removed(admin: JanusAdmin, endpoint: JanusEndpoint) -> None:
    token = secrets.token_urlsafe(16)
    assert admin.add_token(token, [VIDEOROOM]) == (VIDEOROOM,)
    listed = {t.token: t.allowed_plugins for t in admin.list_tokens()}
    assert listed[token] == (VIDEOROOM,)

    session = JanusSession.create(endpoint.api_url, token=token)
    session.attach(VIDEOROOM)
    session.keepalive()

    admin.remove_token(token)
    assert token not in {t.token for t in admin.list_tokens()}
    with pytest.raises(JanusAuthError, match="wrong or missing secret/token"):
        JanusSession.create(endpoint.api_url, token=token)
    # A session opened before the removal is cut off too.
    with pytest.raises(JanusAuthError):
        session.keepalive()


def test_token_only_reaches_its_plugins(
    endpoint: JanusEndpoint, new_token: Callable[..., str]
) -> None:
    token = new_token((VIDEOROOM,))
    with (
        JanusSession.create(endpoint.api_url, token=token) as session,
        pytest.raises(JanusAuthError, match="can't access plugin"),
    ):
        session.attach(AUDIOBRIDGE)


def test_room_creation_needs_the_admin_key(
    endpoint: JanusEndpoint, new_token: Callable[..., str]
) -> None:
    videoroom = endpoint.videoroom()
    # No demo rooms from Debian's sample configuration.
    assert not videoroom.exists(1234)
    assert not endpoint.audiobridge().exists(1234)

    token = new_token()
    with JanusSession.create(endpoint.api_url, token=token) as session:
        handle = session.attach(VIDEOROOM)
        with pytest.raises(JanusPluginError, match="admin_key") as missing:
            handle.request({"request": "create", "secret": "x"})
        assert missing.value.code == 429
        with pytest.raises(JanusPluginError) as wrong:
            handle.request({"request": "create", "admin_key": "guess", "secret": "x"})
        assert wrong.value.unauthorized

    options = room_options([token])
    room = videoroom.create_room(options)
    try:
        assert videoroom.exists(room)
        listed = {r["room"]: r for r in videoroom.list_rooms()}
        assert listed[room]["require_pvtid"] is True
        assert listed[room]["audiocodec"] == "opus"
    finally:
        videoroom.destroy_room(room, options.secret)
    assert not videoroom.exists(room)


def join(
    endpoint: JanusEndpoint, core_token: str, room: RoomId, room_token: str | None
) -> dict[str, object]:
    with JanusSession.create(endpoint.api_url, token=core_token) as session:
        body: dict[str, object] = {"request": "join", "ptype": "publisher", "room": room}
        if room_token is not None:
            body["token"] = room_token
        return session.attach(VIDEOROOM).call(body).data


def test_join_needs_a_token_on_the_rooms_list(
    endpoint: JanusEndpoint, new_token: Callable[..., str]
) -> None:
    videoroom = endpoint.videoroom()
    alice, mallory = new_token(), new_token()
    options = room_options([alice])
    room = videoroom.create_room(options)
    try:
        assert join(endpoint, alice, room, alice)["videoroom"] == "joined"
        for presented in (None, mallory):
            with pytest.raises(JanusPluginError, match="not in the allowed list") as refused:
                join(endpoint, mallory, room, presented)
            assert refused.value.code == VIDEOROOM_ERROR_UNAUTHORIZED
    finally:
        videoroom.destroy_room(room, options.secret)


def test_token_for_another_room_is_refused(
    endpoint: JanusEndpoint, new_token: Callable[..., str]
) -> None:
    videoroom = endpoint.videoroom()
    first_token, second_token = new_token(), new_token()
    first, second = room_options([first_token]), room_options([second_token])
    first_room = videoroom.create_room(first)
    second_room = videoroom.create_room(second)
    try:
        with pytest.raises(JanusPluginError, match="not in the allowed list"):
            join(endpoint, first_token, second_room, first_token)
        assert join(endpoint, second_token, second_room, second_token)["videoroom"] == "joined"
    finally:
        videoroom.destroy_room(first_room, first.secret)
        videoroom.destroy_room(second_room, second.secret)


def test_ban_removes_from_the_list_and_kicks(
    endpoint: JanusEndpoint, new_token: Callable[..., str]
) -> None:
    videoroom = endpoint.videoroom()
    chair_token, delegate_token = new_token(), new_token()
    options = room_options([chair_token, delegate_token])
    room = videoroom.create_room(options)
    try:
        with JanusSession.create(endpoint.api_url, token=delegate_token) as session:
            handle = session.attach(VIDEOROOM)
            joined = handle.call(
                {"request": "join", "ptype": "publisher", "room": room, "token": delegate_token}
            ).data
            participant = joined["id"]
            assert [p.id for p in videoroom.list_participants(room)] == [participant]

            with pytest.raises(JanusPluginError) as wrong_secret:
                videoroom.kick(room, "not-the-secret", participant)
            assert wrong_secret.value.unauthorized

            assert videoroom.disallow(room, options.secret, [delegate_token]) == [chair_token]
            videoroom.kick(room, options.secret, participant)
            event = handle.wait_event(lambda e: e.data.get("leaving") == "ok", timeout=15)
            assert event.data["reason"] == "kicked"
            assert videoroom.list_participants(room) == []

        with pytest.raises(JanusPluginError, match="not in the allowed list"):
            join(endpoint, delegate_token, room, delegate_token)
        # Letting them back in works through the same list.
        videoroom.allow(room, options.secret, [delegate_token])
        assert join(endpoint, delegate_token, room, delegate_token)["videoroom"] == "joined"
    finally:
        videoroom.destroy_room(room, options.secret)


def test_moderation_needs_the_room_secret(
    endpoint: JanusEndpoint, new_token: Callable[..., str]
) -> None:
    videoroom = endpoint.videoroom()
    token = new_token()
    options = room_options([token])
    room = videoroom.create_room(options)
    try:
        with JanusSession.create(endpoint.api_url, token=token) as session:
            handle = session.attach(VIDEOROOM)
            me = handle.call(
                {"request": "join", "ptype": "publisher", "room": room, "token": token}
            )
            # A participant cannot moderate, even themselves, without the secret.
            with pytest.raises(JanusPluginError) as refused:
                handle.request(
                    {
                        "request": "moderate",
                        "room": room,
                        "id": me.data["id"],
                        "mid": "0",
                        "mute": False,
                    }
                )
            assert refused.value.code in (VIDEOROOM_ERROR_UNAUTHORIZED, 429)
            with pytest.raises(JanusPluginError) as refused:
                handle.request(
                    {
                        "request": "allowed",
                        "room": room,
                        "action": "add",
                        "allowed": ["x"],
                        "secret": "y",
                    }
                )
            assert refused.value.unauthorized
    finally:
        videoroom.destroy_room(room, options.secret)


def test_audiobridge_room_admin_key_acl_mute_and_kick(
    endpoint: JanusEndpoint, new_token: Callable[..., str]
) -> None:
    audiobridge = endpoint.audiobridge()
    token, outsider = new_token(), new_token()
    with (
        JanusSession.create(endpoint.api_url, token=token) as session,
        pytest.raises(JanusPluginError, match="admin_key"),
    ):
        session.attach(AUDIOBRIDGE).request({"request": "create", "secret": "x"})

    options = AudioBridgeOptions(secret=secrets.token_urlsafe(12), allowed=[token])
    room = audiobridge.create_room(options)
    try:
        with JanusSession.create(endpoint.api_url, token=outsider) as session:
            with pytest.raises(JanusPluginError, match="not in the allowed list") as refused:
                session.attach(AUDIOBRIDGE).call(
                    {"request": "join", "room": room, "token": outsider, "display": "x"}
                )
            assert refused.value.unauthorized

        with JanusSession.create(endpoint.api_url, token=token) as session:
            handle = session.attach(AUDIOBRIDGE)
            joined = handle.call(
                {"request": "join", "room": room, "token": token, "display": "caller"}
            )
            participant = joined.data["id"]
            audiobridge.mute(room, options.secret, participant)
            assert [p.muted for p in audiobridge.list_participants(room)] == [True]
            audiobridge.mute(room, options.secret, participant, mute=False)
            assert [p.muted for p in audiobridge.list_participants(room)] == [False]
            with pytest.raises(JanusPluginError):
                audiobridge.mute(room, "not-the-secret", participant)
            audiobridge.kick(room, options.secret, participant)
            # The AudioBridge lets the kicked participant go asynchronously.
            assert eventually(lambda: audiobridge.list_participants(room) == [])
    finally:
        audiobridge.destroy_room(room, options.secret)


def test_signed_tokens_expire_and_name_their_plugins(
    start_janus: Callable[..., JanusProcess],
) -> None:
    secret = secrets.token_urlsafe(24)
    signed = start_janus("signed", token_auth_secret=secret).config.endpoint()
    api = signed.api_url
    now = time.time()

    with JanusSession.create(api, token=signed_token(secret, now + 60, [VIDEOROOM])) as session:
        session.attach(VIDEOROOM)
        with pytest.raises(JanusAuthError, match="can't access plugin"):
            session.attach(AUDIOBRIDGE)
    for refused in (
        signed_token(secret, now - 1, [VIDEOROOM]),  # expired
        signed_token("another secret", now + 60, [VIDEOROOM]),  # forged
        signed_token(secret, now + 60, [VIDEOROOM]) + "x",  # tampered
    ):
        with pytest.raises(JanusAuthError, match="wrong or missing secret/token"):
            JanusSession.create(api, token=refused)
    # Stored tokens are off in this mode.
    with pytest.raises(JanusError):
        signed.admin().add_token("stored", [VIDEOROOM])


def test_api_secret_lets_the_server_in_but_not_past_room_lists(endpoint: JanusEndpoint) -> None:
    assert endpoint.api_secret
    videoroom = endpoint.videoroom()
    options = room_options(["bot-token"])
    room = videoroom.create_room(options)
    try:
        with JanusSession.create(endpoint.api_url, api_secret=endpoint.api_secret) as session:
            handle = session.attach(VIDEOROOM)
            with pytest.raises(JanusPluginError, match="not in the allowed list"):
                handle.call({"request": "join", "ptype": "publisher", "room": room})
            joined = handle.call(
                {"request": "join", "ptype": "publisher", "room": room, "token": "bot-token"}
            )
            assert joined.data["videoroom"] == "joined"
        with pytest.raises(JanusAuthError):
            JanusSession.create(endpoint.api_url, api_secret="not-the-secret")
    finally:
        videoroom.destroy_room(room, options.secret)
