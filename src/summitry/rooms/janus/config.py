"""Write the configuration folder of one Janus instance run by Summitry.

Summitry never touches /etc/janus: each instance gets its own folder
(e.g. ``var/janus/<name>/``) holding ``janus.jcfg``, the transport and the
plugin files, and is started with ``janus -C <folder>/janus.jcfg -F <folder>``.
"""

from __future__ import annotations

import json
import os
import sysconfig
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from summitry.rooms.janus.control import JanusEndpoint

JcfgScalar = str | int | bool
JcfgValue = JcfgScalar | Sequence[str]
JcfgSection = Mapping[str, JcfgValue]

#: Janus skips loopback interfaces when it gathers ICE candidates, so media
#: kept on this machine needs a non-loopback interface carrying a 127/8
#: address: Summitry makes this one (see ``ensure_loopback_media_interface``).
LOOPBACK_MEDIA_INTERFACE = "smt-janus0"
LOOPBACK_MEDIA_PEER = "smt-janus1"
LOOPBACK_MEDIA_ADDRESS = "127.42.0.1"

#: Plugin libraries Summitry uses; every other plugin found is disabled.
ENABLED_PLUGINS: tuple[str, ...] = ("libjanus_videoroom.so", "libjanus_audiobridge.so")

#: What Debian 12's janus 1.1.x ships, used when the folders cannot be listed.
_KNOWN_PLUGINS = (
    "libjanus_audiobridge.so",
    "libjanus_duktape.so",
    "libjanus_echotest.so",
    "libjanus_lua.so",
    "libjanus_nosip.so",
    "libjanus_recordplay.so",
    "libjanus_sip.so",
    "libjanus_streaming.so",
    "libjanus_textroom.so",
    "libjanus_videocall.so",
    "libjanus_videoroom.so",
    "libjanus_voicemail.so",
)
_KNOWN_TRANSPORTS = (
    "libjanus_http.so",
    "libjanus_mqtt.so",
    "libjanus_nanomsg.so",
    "libjanus_pfunix.so",
    "libjanus_rabbitmq.so",
    "libjanus_websockets.so",
)
_KNOWN_EVENT_HANDLERS = (
    "libjanus_gelfevh.so",
    "libjanus_mqttevh.so",
    "libjanus_nanomsgevh.so",
    "libjanus_rabbitmqevh.so",
    "libjanus_sampleevh.so",
    "libjanus_wsevh.so",
)
_KNOWN_LOGGERS = ("libjanus_jsonlog.so",)
#: The event handler Summitry uses (HTTP POST of JSON) and the user name it authenticates with.
EVENT_HANDLER = "libjanus_sampleevh.so"
EVENTS_USER = "janus"

# Janus refuses to write recordings or captures into these.
_PROTECTED_FOLDERS = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/initrd",
    "/lib",
    "/lib32",
    "/lib64",
    "/proc",
    "/sbin",
    "/sys",
    "/usr",
    "/var",
)


def default_janus_lib_dir() -> Path:
    """Where Debian puts the Janus modules (``/usr/lib/<multiarch>/janus``)."""
    multiarch = sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu"
    candidate = Path("/usr/lib") / str(multiarch) / "janus"
    if candidate.is_dir():
        return candidate
    found = sorted(Path("/usr/lib").glob("*/janus/plugins"))
    return found[0].parent if found else candidate


@dataclass(frozen=True)
class TurnServer:
    """A TURN server Janus itself gathers relay candidates from.

    Only for a Janus sitting behind a restrictive firewall; browsers get
    their own STUN/TURN list from Summitry (see ``browser_ice_servers``).
    """

    host: str
    port: int = 3478
    transport: Literal["udp", "tcp", "tls"] = "udp"
    username: str = ""
    password: str = ""


@dataclass(frozen=True)
class JanusInstanceConfig:
    """Everything Summitry decides about one Janus instance."""

    name: str
    http_port: int
    admin_port: int
    admin_secret: str
    #: ``admin_key`` of the VideoRoom and AudioBridge plugins: needed to create rooms.
    room_admin_key: str
    #: Lets Summitry's own server use the Janus API without a stored token.
    #: Never handed to browsers; ``None`` leaves tokens as the only way in.
    api_secret: str | None = None
    websocket_port: int | None = None
    #: Address the Janus API (HTTP and WebSocket) listens on.
    bind_ip: str = "127.0.0.1"
    #: Address the Admin API listens on: keep it private.
    admin_bind_ip: str = "127.0.0.1"
    token_auth: bool = True
    #: Set to switch from stored tokens (Admin API) to HMAC-signed tokens.
    token_auth_secret: str | None = None
    #: Interfaces (or address prefixes) Janus gathers candidates on. Empty: all
    #: but loopback. Default: the local-only media interface.
    ice_enforce_list: tuple[str, ...] = (LOOPBACK_MEDIA_INTERFACE,)
    ice_ignore_list: tuple[str, ...] = ("vmnet",)
    #: Public address(es) written into host candidates (1:1 NAT, e.g. a cloud VM).
    nat_1_1_mapping: tuple[str, ...] = ()
    keep_private_host: bool = False
    #: ``host:port`` of a STUN server Janus uses to learn its public address.
    stun_server: str | None = None
    turn: TurnServer | None = None
    #: ``(min, max)`` UDP ports for media, e.g. to open in a firewall.
    rtp_port_range: tuple[int, int] | None = None
    ipv6: bool = False
    #: Origin allowed to call the Janus API from a browser (CORS); ``None`` is ``*``.
    cors_allow_origin: str | None = None
    session_timeout: int = 60
    #: Where Janus posts the VideoRoom's events (HTTP, basic auth ``janus``/``events_password``):
    #: Summitry moderates a new publisher the moment it publishes, not at the next sweep.
    events_url: str | None = None
    events_password: str | None = None
    debug_level: int = 4
    string_ids: bool = False
    lib_dir: Path = field(default_factory=default_janus_lib_dir)
    log_file_name: str = "janus.log"

    def __post_init__(self) -> None:
        if not self.name or any(c in self.name for c in "/\\\0") or self.name in {".", ".."}:
            raise ValueError(f"invalid Janus instance name: {self.name!r}")
        ports = [self.http_port, self.admin_port]
        if self.websocket_port is not None:
            ports.append(self.websocket_port)
        if len(set(ports)) != len(ports):
            raise ValueError("the HTTP, Admin and WebSocket ports of a Janus instance must differ")
        for port in ports:
            if not 0 < port < 65536:
                raise ValueError(f"invalid port {port}")
        for secret_name in ("admin_secret", "room_admin_key"):
            if len(getattr(self, secret_name)) < 16:
                raise ValueError(f"{secret_name} must be at least 16 characters long")
        if self.rtp_port_range is not None:
            low, high = self.rtp_port_range
            if not 0 < low < high < 65536:
                raise ValueError(f"invalid RTP port range {self.rtp_port_range}")

    @property
    def plugin_dir(self) -> Path:
        return self.lib_dir / "plugins"

    @property
    def transport_dir(self) -> Path:
        return self.lib_dir / "transports"

    @property
    def events_dir(self) -> Path:
        return self.lib_dir / "events"

    @property
    def loggers_dir(self) -> Path:
        return self.lib_dir / "loggers"

    def api_url(self, host: str | None = None) -> str:
        return f"http://{_url_host(host or self.bind_ip)}:{self.http_port}/janus"

    def admin_url(self, host: str | None = None) -> str:
        return f"http://{_url_host(host or self.admin_bind_ip)}:{self.admin_port}/admin"

    def endpoint(self, host: str | None = None, public_api_url: str | None = None) -> JanusEndpoint:
        """How Summitry reaches this instance (``host`` overrides the bind addresses)."""
        return JanusEndpoint(
            name=self.name,
            api_url=self.api_url(host),
            admin_url=self.admin_url(host),
            admin_secret=self.admin_secret,
            room_admin_key=self.room_admin_key,
            api_secret=self.api_secret,
            public_api_url=public_api_url,
        )

    def websocket_url(self, host: str | None = None) -> str | None:
        if self.websocket_port is None:
            return None
        return f"ws://{_url_host(host or self.bind_ip)}:{self.websocket_port}"


def _url_host(host: str) -> str:
    if host in {"0.0.0.0", ""}:  # noqa: S104 - a wildcard bind is reached via loopback
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


# -- jcfg rendering ---------------------------------------------------------------------------


def _render_string(value: str) -> str:
    if any(ord(c) < 32 for c in value):
        raise ValueError(f"control characters are not allowed in Janus settings: {value!r}")
    # libconfig strings understand \" and \\ like JSON but not \uXXXX.
    return json.dumps(value, ensure_ascii=False)


def _render_value(value: JcfgValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _render_string(value)
    return "[" + ", ".join(_render_string(item) for item in value) + "]"


def render_jcfg(sections: Mapping[str, JcfgSection], header: str = "") -> str:
    """Render sections of settings in Janus's libconfig (``.jcfg``) syntax."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for section, settings in sections.items():
        lines.append(f"{section}: {{")
        lines.extend(f"\t{key} = {_render_value(value)}" for key, value in settings.items())
        lines.append("}")
        lines.append("")
    return "\n".join(lines)


def _libraries(folder: Path, known: Sequence[str]) -> list[str]:
    try:
        found = sorted(p.name for p in folder.glob("libjanus_*.so"))
    except OSError:
        found = []
    return found or list(known)


def _disabled(folder: Path, known: Sequence[str], keep: Sequence[str]) -> str:
    return ",".join(lib for lib in _libraries(folder, known) if lib not in keep)


_HEADER = "Written by Summitry for Janus instance {name}; edits are overwritten at start."


def janus_core_sections(cfg: JanusInstanceConfig, folder: Path) -> dict[str, dict[str, JcfgValue]]:
    general: dict[str, JcfgValue] = {
        "configs_folder": str(folder),
        "plugins_folder": str(cfg.plugin_dir),
        "transports_folder": str(cfg.transport_dir),
        "events_folder": str(cfg.events_dir),
        "loggers_folder": str(cfg.loggers_dir),
        "log_to_stdout": False,
        "log_to_file": str(folder / cfg.log_file_name),
        "debug_level": cfg.debug_level,
        "debug_timestamps": True,
        "debug_colors": False,
        "server_name": f"summitry-{cfg.name}",
        "admin_secret": cfg.admin_secret,
        "token_auth": cfg.token_auth,
        "session_timeout": cfg.session_timeout,
        "hide_dependencies": True,
        "protected_folders": list(_PROTECTED_FOLDERS),
    }
    if cfg.api_secret:
        general["api_secret"] = cfg.api_secret
    if cfg.token_auth_secret:
        general["token_auth_secret"] = cfg.token_auth_secret

    media: dict[str, JcfgValue] = {"ipv6": cfg.ipv6}
    if cfg.rtp_port_range is not None:
        media["rtp_port_range"] = f"{cfg.rtp_port_range[0]}-{cfg.rtp_port_range[1]}"

    nat: dict[str, JcfgValue] = {"nice_debug": False, "full_trickle": False}
    if cfg.ice_enforce_list:
        nat["ice_enforce_list"] = ",".join(cfg.ice_enforce_list)
    elif cfg.ice_ignore_list:  # Janus ignores it when an enforce list is set
        nat["ice_ignore_list"] = ",".join(cfg.ice_ignore_list)
    if cfg.nat_1_1_mapping:
        nat["nat_1_1_mapping"] = ",".join(cfg.nat_1_1_mapping)
        nat["keep_private_host"] = cfg.keep_private_host
    if cfg.stun_server:
        host, _, port = cfg.stun_server.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"STUN server must be host:port, got {cfg.stun_server!r}")
        nat["stun_server"] = host
        nat["stun_port"] = int(port)
    if cfg.turn is not None:
        nat.update(
            turn_server=cfg.turn.host,
            turn_port=cfg.turn.port,
            turn_type=cfg.turn.transport,
            turn_user=cfg.turn.username,
            turn_pwd=cfg.turn.password,
        )

    keep_transports = ["libjanus_http.so"]
    if cfg.websocket_port is not None:
        keep_transports.append("libjanus_websockets.so")
    return {
        "general": general,
        "certificates": {},
        "media": media,
        "nat": nat,
        "plugins": {"disable": _disabled(cfg.plugin_dir, _KNOWN_PLUGINS, ENABLED_PLUGINS)},
        "transports": {"disable": _disabled(cfg.transport_dir, _KNOWN_TRANSPORTS, keep_transports)},
        "loggers": {"disable": _disabled(cfg.loggers_dir, _KNOWN_LOGGERS, ())},
        "events": {
            "broadcast": bool(cfg.events_url),
            "disable": _disabled(
                cfg.events_dir, _KNOWN_EVENT_HANDLERS, (EVENT_HANDLER,) if cfg.events_url else ()
            ),
        },
    }


def http_transport_sections(cfg: JanusInstanceConfig) -> dict[str, dict[str, JcfgValue]]:
    cors: dict[str, JcfgValue] = {}
    if cfg.cors_allow_origin:
        cors = {"allow_origin": cfg.cors_allow_origin, "enforce_cors": True}
    return {
        "general": {
            "events": False,
            "json": "compact",
            "base_path": "/janus",
            "http": True,
            "port": cfg.http_port,
            "ip": cfg.bind_ip,
            "https": False,
        },
        "admin": {
            "admin_base_path": "/admin",
            "admin_http": True,
            "admin_port": cfg.admin_port,
            "admin_ip": cfg.admin_bind_ip,
            "admin_https": False,
        },
        "cors": cors,
    }


def websocket_transport_sections(cfg: JanusInstanceConfig) -> dict[str, dict[str, JcfgValue]]:
    assert cfg.websocket_port is not None
    return {
        "general": {
            "events": False,
            "json": "compact",
            "ws": True,
            "ws_port": cfg.websocket_port,
            "ws_ip": cfg.bind_ip,
            "wss": False,
        },
        # The Admin API stays on HTTP only, bound to admin_bind_ip.
        "admin": {"admin_ws": False, "admin_wss": False},
    }


def videoroom_sections(cfg: JanusInstanceConfig) -> dict[str, dict[str, JcfgValue]]:
    # No room-<id> sections: rooms exist only when Summitry creates them.
    return {
        "general": {
            "admin_key": cfg.room_admin_key,
            "lock_rtp_forward": True,
            "events": bool(cfg.events_url),
            "string_ids": cfg.string_ids,
        }
    }


def audiobridge_sections(cfg: JanusInstanceConfig) -> dict[str, dict[str, JcfgValue]]:
    return {
        "general": {
            "admin_key": cfg.room_admin_key,
            "lock_rtp_forward": True,
            "lock_play_file": True,
            "events": bool(cfg.events_url),
            "string_ids": cfg.string_ids,
        }
    }


def event_handler_sections(cfg: JanusInstanceConfig) -> dict[str, dict[str, JcfgValue]]:
    """Janus's HTTP event handler, posting plugin events (only) to Summitry."""
    assert cfg.events_url
    return {
        "general": {
            "enabled": True,
            "events": "plugins",
            "grouping": True,
            "json": "compact",
            "backend": cfg.events_url,
            "backend_user": EVENTS_USER,
            "backend_pwd": cfg.events_password or "",
            "max_retransmissions": 3,
            "retransmissions_backoff": 100,
        }
    }


def config_files(cfg: JanusInstanceConfig, folder: Path) -> dict[str, str]:
    """File name -> content of the whole configuration folder."""
    header = _HEADER.format(name=cfg.name)
    files = {
        "janus.jcfg": render_jcfg(janus_core_sections(cfg, folder), header),
        "janus.transport.http.jcfg": render_jcfg(http_transport_sections(cfg), header),
        "janus.plugin.videoroom.jcfg": render_jcfg(videoroom_sections(cfg), header),
        "janus.plugin.audiobridge.jcfg": render_jcfg(audiobridge_sections(cfg), header),
    }
    if cfg.events_url:
        files["janus.eventhandler.sampleevh.jcfg"] = render_jcfg(
            event_handler_sections(cfg), header
        )
    if cfg.websocket_port is not None:
        files["janus.transport.websockets.jcfg"] = render_jcfg(
            websocket_transport_sections(cfg), header
        )
    return files


def write_config(cfg: JanusInstanceConfig, folder: Path) -> Path:
    """Write the instance's configuration folder and return the ``janus.jcfg`` path.

    Files are private to the user (they hold secrets); stale ``.jcfg`` files
    from an earlier configuration are removed so Janus cannot pick them up.
    """
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    files = config_files(cfg, folder)
    for stale in folder.glob("*.jcfg"):
        if stale.name not in files:
            stale.unlink()
    for name, text in files.items():
        path = folder / name
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        tmp.replace(path)
    return folder / "janus.jcfg"
