"""Helpers shared by the rooms tests."""

from __future__ import annotations

import secrets
import socket

from summitry.rooms.janus.config import JanusInstanceConfig


def free_ports(count: int) -> list[int]:
    """Ports free on 127.0.0.1 right now (kept open together so they differ)."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [s.getsockname()[1] for s in socks]
    finally:
        for sock in socks:
            sock.close()


def make_config(name: str, **overrides: object) -> JanusInstanceConfig:
    http_port, admin_port = free_ports(2)
    settings: dict[str, object] = {
        "name": name,
        "http_port": http_port,
        "admin_port": admin_port,
        "admin_secret": secrets.token_urlsafe(24),
        "room_admin_key": secrets.token_urlsafe(24),
        "api_secret": secrets.token_urlsafe(24),
        # Short timeouts keep leaked test sessions from piling up.
        "session_timeout": 30,
    }
    settings.update(overrides)
    return JanusInstanceConfig(**settings)  # type: ignore[arg-type]
