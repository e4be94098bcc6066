"""A local Janus instance's secrets and network settings (from the environment), and the
ICE servers handed to browsers."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from summitry.rooms.janus.config import JanusInstanceConfig, TurnServer


@dataclass(frozen=True)
class JanusSecrets:
    admin_secret: str
    room_admin_key: str
    api_secret: str


def load_or_create_secrets(path: Path) -> JanusSecrets:
    """Read the instance's secrets from ``path``, creating them on first use.

    Kept on disk so that a restarted Janus and Summitry agree without an
    operator having to set anything.
    """
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        return JanusSecrets(
            admin_secret=str(data["admin_secret"]),
            room_admin_key=str(data["room_admin_key"]),
            api_secret=str(data["api_secret"]),
        )
    made = JanusSecrets(
        admin_secret=secrets.token_urlsafe(32),
        room_admin_key=secrets.token_urlsafe(32),
        api_secret=secrets.token_urlsafe(32),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(made.__dict__, handle)
    return made


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _port_range(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    low, sep, high = value.partition("-")
    if not sep or not low.strip().isdigit() or not high.strip().isdigit():
        raise ValueError(f"RTP port range must look like 20000-40000, got {value!r}")
    return int(low), int(high)


def network_settings_from_env(env: Mapping[str, str]) -> dict[str, object]:
    """Network settings an operator sets through ``SUMMITRY_JANUS_*`` variables.

    Returns keyword arguments for :class:`JanusInstanceConfig`; see docs/janus.md.
    """
    settings: dict[str, object] = {}
    if "SUMMITRY_JANUS_ICE_INTERFACES" in env:
        settings["ice_enforce_list"] = _split(env["SUMMITRY_JANUS_ICE_INTERFACES"])
    if env.get("SUMMITRY_JANUS_PUBLIC_IP"):
        settings["nat_1_1_mapping"] = _split(env["SUMMITRY_JANUS_PUBLIC_IP"])
        settings["keep_private_host"] = env.get("SUMMITRY_JANUS_KEEP_PRIVATE_HOST", "") in {
            "1",
            "true",
            "yes",
        }
    if env.get("SUMMITRY_JANUS_STUN"):
        settings["stun_server"] = env["SUMMITRY_JANUS_STUN"]
    if env.get("SUMMITRY_JANUS_TURN"):
        host, _, port = env["SUMMITRY_JANUS_TURN"].rpartition(":")
        if not host or not port.isdigit():
            raise ValueError("SUMMITRY_JANUS_TURN must be host:port")
        transports: dict[str, Literal["udp", "tcp", "tls"]] = {
            "udp": "udp",
            "tcp": "tcp",
            "tls": "tls",
        }
        transport = transports.get(env.get("SUMMITRY_JANUS_TURN_TRANSPORT", "udp"))
        if transport is None:
            raise ValueError("SUMMITRY_JANUS_TURN_TRANSPORT must be udp, tcp or tls")
        settings["turn"] = TurnServer(
            host=host,
            port=int(port),
            transport=transport,
            username=env.get("SUMMITRY_JANUS_TURN_USER", ""),
            password=env.get("SUMMITRY_JANUS_TURN_PASSWORD", ""),
        )
    if env.get("SUMMITRY_JANUS_RTP_PORTS"):
        settings["rtp_port_range"] = _port_range(env["SUMMITRY_JANUS_RTP_PORTS"])
    if env.get("SUMMITRY_JANUS_BIND_IP"):
        settings["bind_ip"] = env["SUMMITRY_JANUS_BIND_IP"]
    if env.get("SUMMITRY_JANUS_CORS_ORIGIN"):
        settings["cors_allow_origin"] = env["SUMMITRY_JANUS_CORS_ORIGIN"]
    if env.get("SUMMITRY_JANUS_EVENTS_URL"):
        settings["events_url"] = env["SUMMITRY_JANUS_EVENTS_URL"]
    return settings


def local_instance(
    name: str,
    data_dir: Path,
    *,
    http_port: int,
    admin_port: int,
    websocket_port: int | None = None,
    env: Mapping[str, str] | None = None,
    events_password: str | None = None,
) -> JanusInstanceConfig:
    """The configuration of a Janus that Summitry runs on this machine.

    Secrets are kept in ``<data_dir>/janus/<name>/secrets.json``; network
    settings come from the environment (loopback only when none are set).
    """
    cfg_secrets = load_or_create_secrets(instance_dir(data_dir, name) / "secrets.json")
    base = JanusInstanceConfig(
        name=name,
        http_port=http_port,
        admin_port=admin_port,
        websocket_port=websocket_port,
        admin_secret=cfg_secrets.admin_secret,
        room_admin_key=cfg_secrets.room_admin_key,
        api_secret=cfg_secrets.api_secret,
        events_password=events_password,
    )
    overrides = network_settings_from_env(os.environ if env is None else env)
    return replace(base, **overrides)  # type: ignore[arg-type]


def instance_dir(data_dir: Path, name: str) -> Path:
    """``<data_dir>/janus/<name>``: the instance's folder (config, log, secrets)."""
    return data_dir / "janus" / name


def browser_ice_servers(
    stun_urls: Sequence[str] = (),
    turn_urls: Sequence[str] = (),
    turn_username: str = "",
    turn_credential: str = "",
) -> list[dict[str, object]]:
    """The ``iceServers`` list to give browsers (RTCPeerConnection configuration)."""
    servers: list[dict[str, object]] = []
    if stun_urls:
        servers.append({"urls": list(stun_urls)})
    if turn_urls:
        servers.append(
            {"urls": list(turn_urls), "username": turn_username, "credential": turn_credential}
        )
    return servers
