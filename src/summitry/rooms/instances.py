"""Which Janus instances Summitry places rooms on.

``SUMMITRY_JANUS_INSTANCES`` (a Django setting, or the environment variable
holding JSON) lists them, each an object with the fields of
:class:`~summitry.rooms.janus.control.JanusEndpoint` (``name``, ``api_url``,
``admin_url``, ``admin_secret``, ``room_admin_key``, optional ``api_secret``,
``public_api_url``, ``weight``). Without it there is one local instance,
run by Summitry itself (see :mod:`summitry.rooms.local`), whose folder is
``<data dir>/janus/local`` and whose secrets are kept there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import urllib.parse
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from summitry.rooms.janus.config import JanusInstanceConfig
from summitry.rooms.janus.control import JanusEndpoint
from summitry.rooms.janus.environment import browser_ice_servers, local_instance
from summitry.rooms.janus.process import DEFAULT_ADMIN_PORT, DEFAULT_HTTP_PORT

LOCAL_NAME = "local"
_FIELDS = {
    "name",
    "api_url",
    "admin_url",
    "admin_secret",
    "room_admin_key",
    "api_secret",
    "public_api_url",
    "weight",
}


def configured_instances() -> list[dict[str, Any]] | None:
    """The instances configured explicitly, or ``None`` for the local default."""
    raw: Any = getattr(settings, "SUMMITRY_JANUS_INSTANCES", None)
    if raw is None:
        raw = os.environ.get("SUMMITRY_JANUS_INSTANCES") or None
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = json.loads(raw)
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ValueError("SUMMITRY_JANUS_INSTANCES must be a JSON list of objects")
    return raw


def local_config() -> JanusInstanceConfig:
    """The local instance Summitry runs when no instances are configured."""
    websocket = os.environ.get("SUMMITRY_JANUS_WEBSOCKET_PORT")
    return local_instance(
        LOCAL_NAME,
        settings.DATA_DIR,
        http_port=int(os.environ.get("SUMMITRY_JANUS_HTTP_PORT", DEFAULT_HTTP_PORT)),
        admin_port=int(os.environ.get("SUMMITRY_JANUS_ADMIN_PORT", DEFAULT_ADMIN_PORT)),
        websocket_port=int(websocket) if websocket else None,
        events_password=events_password(),
    )


#: The local Janus's ports sit this far above the site's (8000: 18088 and 17088): two
#: instances served on different ports get different Janus ports without any setting.
PORT_OFFSETS = {
    "SUMMITRY_JANUS_HTTP_PORT": DEFAULT_HTTP_PORT - 8000,
    "SUMMITRY_JANUS_ADMIN_PORT": DEFAULT_ADMIN_PORT - 8000,
}


def local_ports_for_site(site_port: int, env: Mapping[str, str]) -> dict[str, str]:
    """The local Janus's port variables not set in ``env``, derived from the site's port.

    Past the top of the port range a free port is taken instead.
    """
    derived = {}
    for name, offset in PORT_OFFSETS.items():
        if env.get(name):
            continue
        port = site_port + offset
        if not 0 < port < 65536:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        derived[name] = str(port)
    return derived


def browser_origins() -> list[str]:
    """The origins a live-room page may connect to: every instance's browser URL(s)."""
    urls = [endpoint.browser_api_url for endpoint in endpoints()]
    if configured_instances() is None:
        websocket = local_config().websocket_url()
        if websocket is not None:
            urls.append(websocket)
    origins = []
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme and parts.netloc:  # a relative URL is the site's own origin
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return list(dict.fromkeys(origins))


def events_password() -> str:
    """The password Janus's event handler sends: shared by every worker, from the secret key."""
    configured = getattr(settings, "SUMMITRY_JANUS_EVENTS_PASSWORD", "")
    if configured:
        return str(configured)
    return hmac.new(settings.SECRET_KEY.encode(), b"janus-events", hashlib.sha256).hexdigest()


def endpoints() -> list[JanusEndpoint]:
    configured = configured_instances()
    if configured is None:
        public = os.environ.get("SUMMITRY_JANUS_PUBLIC_URL") or None
        return [local_config().endpoint(public_api_url=public)]
    found = []
    for item in configured:
        unknown = set(item) - _FIELDS
        if unknown:
            raise ValueError(f"unknown Janus instance fields: {', '.join(sorted(unknown))}")
        found.append(JanusEndpoint(**item))
    names = [e.name for e in found]
    if len(set(names)) != len(names):
        raise ValueError("Janus instance names must be unique")
    return found


def endpoint_named(name: str) -> JanusEndpoint:
    for endpoint in endpoints():
        if endpoint.name == name:
            return endpoint
    raise LookupError(f"no Janus instance named {name!r} is configured")


def ice_servers() -> list[dict[str, object]]:
    """STUN/TURN servers for browsers (``SUMMITRY_STUN_URLS``, ``SUMMITRY_TURN_URLS``...)."""

    def split(name: str) -> list[str]:
        return [p.strip() for p in os.environ.get(name, "").split(",") if p.strip()]

    return browser_ice_servers(
        split("SUMMITRY_STUN_URLS"),
        split("SUMMITRY_TURN_URLS"),
        os.environ.get("SUMMITRY_TURN_USERNAME", ""),
        os.environ.get("SUMMITRY_TURN_CREDENTIAL", ""),
    )
