"""The configuration folder Summitry writes for Janus (no Janus needed)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from summitry.rooms.janus.config import JanusInstanceConfig, TurnServer, render_jcfg, write_config
from summitry.rooms.janus.environment import (
    load_or_create_secrets,
    local_instance,
    network_settings_from_env,
)

pytestmark = pytest.mark.unit


def config(**overrides: object) -> JanusInstanceConfig:
    settings: dict[str, object] = {
        "name": "alpha",
        "http_port": 18088,
        "admin_port": 17088,
        "admin_secret": "admin-secret-0123456789",
        "room_admin_key": "room-admin-key-0123456789",
        "api_secret": "api-secret-0123456789",
        "lib_dir": Path("/usr/lib/x86_64-linux-gnu/janus"),
    }
    settings.update(overrides)
    return JanusInstanceConfig(**settings)  # type: ignore[arg-type]


def test_render_jcfg_quotes_strings_and_lists() -> None:
    text = render_jcfg({"general": {"a": 'say "hi"', "b": True, "c": 3, "d": ["x", "y"]}})
    assert 'a = "say \\"hi\\""' in text
    assert "b = true" in text
    assert "c = 3" in text
    assert 'd = ["x", "y"]' in text


def test_render_jcfg_refuses_control_characters() -> None:
    with pytest.raises(ValueError, match="control characters"):
        render_jcfg({"general": {"admin_secret": "line\nbreak"}})


def test_written_folder_has_core_transport_and_plugin_files(tmp_path: Path) -> None:
    jcfg = write_config(config(), tmp_path / "alpha")
    folder = jcfg.parent
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "janus.jcfg",
        "janus.plugin.audiobridge.jcfg",
        "janus.plugin.videoroom.jcfg",
        "janus.transport.http.jcfg",
    ]
    # The files hold secrets.
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    core = jcfg.read_text()
    assert f'configs_folder = "{folder}"' in core
    assert "token_auth = true" in core
    assert 'admin_secret = "admin-secret-0123456789"' in core
    assert 'api_secret = "api-secret-0123456789"' in core
    assert f'log_to_file = "{folder / "janus.log"}"' in core
    assert "broadcast = false" in core
    assert 'ice_enforce_list = "smt-janus0"' in core
    disabled_plugins = next(line for line in core.splitlines() if "libjanus_echotest.so" in line)
    assert "libjanus_videoroom.so" not in disabled_plugins
    assert "libjanus_audiobridge.so" not in disabled_plugins
    assert "libjanus_streaming.so" in disabled_plugins
    disabled_transports = next(line for line in core.splitlines() if "libjanus_mqtt.so" in line)
    assert "libjanus_websockets.so" in disabled_transports
    assert "libjanus_http.so" not in disabled_transports


def test_plugin_configs_have_admin_key_and_no_rooms(tmp_path: Path) -> None:
    folder = write_config(config(), tmp_path).parent
    for plugin in ("videoroom", "audiobridge"):
        text = (folder / f"janus.plugin.{plugin}.jcfg").read_text()
        assert 'admin_key = "room-admin-key-0123456789"' in text
        assert "lock_rtp_forward = true" in text
        sections = [line for line in text.splitlines() if line.endswith("{")]
        assert sections == ["general: {"]


def test_http_transport_binds_loopback_and_enables_admin(tmp_path: Path) -> None:
    folder = write_config(config(), tmp_path).parent
    text = (folder / "janus.transport.http.jcfg").read_text()
    assert "port = 18088" in text
    assert 'ip = "127.0.0.1"' in text
    assert "admin_http = true" in text
    assert "admin_port = 17088" in text
    assert 'admin_ip = "127.0.0.1"' in text


def test_websocket_transport_only_when_a_port_is_given(tmp_path: Path) -> None:
    folder = write_config(config(websocket_port=18188), tmp_path).parent
    text = (folder / "janus.transport.websockets.jcfg").read_text()
    assert "ws_port = 18188" in text
    assert "admin_ws = false" in text
    # Rewriting without WebSocket removes the stale file.
    write_config(config(), folder)
    assert not (folder / "janus.transport.websockets.jcfg").exists()


def test_nat_stun_and_turn(tmp_path: Path) -> None:
    cfg = config(
        ice_enforce_list=(),
        nat_1_1_mapping=("203.0.113.7",),
        stun_server="stun.example.org:3478",
        turn=TurnServer("turn.example.org", 5349, "tls", "u", "p"),
        rtp_port_range=(20000, 20999),
    )
    core = write_config(cfg, tmp_path).read_text()
    assert "ice_enforce_list" not in core
    assert 'ice_ignore_list = "vmnet"' in core
    assert 'nat_1_1_mapping = "203.0.113.7"' in core
    assert 'stun_server = "stun.example.org"' in core
    assert "stun_port = 3478" in core
    assert 'turn_type = "tls"' in core
    assert 'rtp_port_range = "20000-20999"' in core


def test_invalid_configs_are_refused() -> None:
    with pytest.raises(ValueError, match="must differ"):
        config(admin_port=18088)
    with pytest.raises(ValueError, match="at least 16"):
        config(admin_secret="short")
    with pytest.raises(ValueError, match="instance name"):
        config(name="../etc")


def test_environment_overrides() -> None:
    settings = network_settings_from_env(
        {
            "SUMMITRY_JANUS_ICE_INTERFACES": "eth0, eth1",
            "SUMMITRY_JANUS_PUBLIC_IP": "203.0.113.7",
            "SUMMITRY_JANUS_STUN": "stun.example.org:3478",
            "SUMMITRY_JANUS_TURN": "turn.example.org:3478",
            "SUMMITRY_JANUS_TURN_USER": "bob",
            "SUMMITRY_JANUS_TURN_PASSWORD": "pw",
            "SUMMITRY_JANUS_RTP_PORTS": "20000-40000",
        }
    )
    assert settings["ice_enforce_list"] == ("eth0", "eth1")
    assert settings["nat_1_1_mapping"] == ("203.0.113.7",)
    assert settings["turn"] == TurnServer("turn.example.org", 3478, "udp", "bob", "pw")
    assert settings["rtp_port_range"] == (20000, 40000)
    with pytest.raises(ValueError):
        network_settings_from_env(
            {"SUMMITRY_JANUS_TURN_TRANSPORT": "x", "SUMMITRY_JANUS_TURN": "h:1"}
        )


def test_secrets_persist_between_starts(tmp_path: Path) -> None:
    first = load_or_create_secrets(tmp_path / "secrets.json")
    again = load_or_create_secrets(tmp_path / "secrets.json")
    assert first == again
    assert stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode) == 0o600
    cfg = local_instance("beta", tmp_path, http_port=18089, admin_port=17089, env={})
    assert len(cfg.admin_secret) >= 32
    assert cfg.ice_enforce_list == ("smt-janus0",)
    assert (tmp_path / "janus" / "beta" / "secrets.json").exists()
