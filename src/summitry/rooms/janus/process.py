"""Run a Janus instance as a child process, and keep it running.

:class:`JanusProcess` writes the instance's configuration folder, starts
``janus -C <folder>/janus.jcfg -F <folder>``, waits until both the Janus API
and the Admin API answer, and stops it. :class:`JanusSupervisor` watches the
process from a thread and starts it again when it dies or stops answering;
an ``on_restart`` callback lets the rooms layer put back what a restart
loses (stored tokens and rooms live only in Janus's memory).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from summitry.rooms.janus.client import JanusAdmin, JanusError, server_info
from summitry.rooms.janus.config import (
    LOOPBACK_MEDIA_ADDRESS,
    LOOPBACK_MEDIA_INTERFACE,
    LOOPBACK_MEDIA_PEER,
    JanusInstanceConfig,
    write_config,
)
from summitry.rooms.janus.environment import instance_dir, local_instance

logger = logging.getLogger(__name__)


class JanusStartError(RuntimeError):
    """Janus could not be started or did not answer in time."""


def janus_binary() -> str:
    found = shutil.which("janus") or ("/usr/bin/janus" if Path("/usr/bin/janus").exists() else None)
    if found is None:
        raise JanusStartError("the janus program is not installed (Debian: apt-get install janus)")
    return found


def _interface_addresses(name: str) -> list[str]:
    try:
        out = subprocess.run(
            ["ip", "-o", "-4", "addr", "show", "dev", name],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return []
    addresses = []
    for line in out.stdout.splitlines():
        parts = line.split()
        if "inet" in parts:
            addresses.append(parts[parts.index("inet") + 1].split("/")[0])
    return addresses


def ensure_loopback_media_interface(
    name: str = LOOPBACK_MEDIA_INTERFACE,
    address: str = LOOPBACK_MEDIA_ADDRESS,
    peer: str = LOOPBACK_MEDIA_PEER,
) -> str:
    """Make sure ``name`` exists, is up and carries ``address``; return the address.

    A veth pair is used because the kernel may lack the dummy driver. Media
    sent to a 127/8 address never leaves the machine. Needs root (or
    CAP_NET_ADMIN) the first time; afterwards it is a cheap check.
    """
    if address in _interface_addresses(name):
        return address

    def ip(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["ip", *args], capture_output=True, text=True, check=False)

    if not Path(f"/sys/class/net/{name}").exists():
        made = ip("link", "add", name, "type", "veth", "peer", "name", peer)
        if made.returncode != 0:
            raise OSError(
                errno.EPERM,
                f"cannot create the media interface {name} ({made.stderr.strip()}); "
                "run once as root, or set SUMMITRY_JANUS_ICE_INTERFACES to a real interface",
            )
    for dev in (name, peer):
        # No IPv6 link-local addresses: Janus and test peers use IPv4 only.
        with contextlib.suppress(OSError):
            Path(f"/proc/sys/net/ipv6/conf/{dev}/disable_ipv6").write_text("1")
        ip("link", "set", dev, "up")
    added = ip("addr", "add", f"{address}/32", "dev", name)
    if added.returncode != 0 and address not in _interface_addresses(name):
        raise OSError(errno.EPERM, f"cannot add {address} to {name}: {added.stderr.strip()}")
    return address


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class JanusProcess:
    """One Janus instance run by Summitry from its own configuration folder."""

    def __init__(
        self,
        config: JanusInstanceConfig,
        folder: Path,
        *,
        startup_timeout: float = 15.0,
        binary: str | None = None,
    ) -> None:
        self.config = config
        self.folder = Path(folder)
        self.startup_timeout = startup_timeout
        self._binary = binary
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def api_url(self) -> str:
        return self.config.api_url()

    @property
    def admin_url(self) -> str:
        return self.config.admin_url()

    @property
    def output_path(self) -> Path:
        """stdout/stderr of Janus: what it says before its own log is open."""
        return self.folder / "janus.out"

    @property
    def log_path(self) -> Path:
        return self.folder / self.config.log_file_name

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def admin(self) -> JanusAdmin:
        return JanusAdmin(self.admin_url, self.config.admin_secret)

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def returncode(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    def start(self) -> None:
        """Write the configuration, start Janus and wait until it answers."""
        with self._lock:
            if self.is_running():
                return
            self._check_ports()
            config_file = write_config(self.config, self.folder)
            # Janus logs requests (tokens, secrets) above debug level 4: keep logs private.
            os.close(os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            out = os.fdopen(
                os.open(self.output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab"
            )
            try:
                self._proc = subprocess.Popen(
                    [
                        self._binary or janus_binary(),
                        "-C",
                        str(config_file),
                        "-F",
                        str(self.folder),
                    ],
                    cwd=self.folder,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    # Own process group: a Ctrl-C meant for Summitry must not kill
                    # Janus before Summitry stops it in order.
                    start_new_session=True,
                )
            finally:
                out.close()
        try:
            self.wait_ready(self.startup_timeout)
        except JanusStartError:
            self.stop()
            raise
        logger.info("Janus %s started (pid %s) on %s", self.config.name, self.pid, self.api_url)

    def _check_ports(self) -> None:
        wanted = {
            "HTTP": (self.config.bind_ip, self.config.http_port),
            "Admin": (self.config.admin_bind_ip, self.config.admin_port),
        }
        if self.config.websocket_port is not None:
            wanted["WebSocket"] = (self.config.bind_ip, self.config.websocket_port)
        busy = [
            f"{label} port {port}"
            for label, (host, port) in wanted.items()
            if not port_is_free(port, host if host not in ("", "::") else "0.0.0.0")  # noqa: S104
        ]
        if busy:
            raise JanusStartError(
                f"Janus {self.config.name}: {', '.join(busy)} already in use "
                "(another Janus, e.g. Debian's janus service, or a stale instance?)"
            )

    def wait_ready(self, timeout: float) -> None:
        """Wait until ``GET /janus/info`` and the Admin API ``ping`` both answer."""
        deadline = time.monotonic() + timeout
        admin = self.admin()
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                code = None if self._proc is None else self._proc.returncode
                raise JanusStartError(
                    f"Janus {self.config.name} exited with code {code} while starting:\n"
                    + self.log_tail()
                )
            try:
                server_info(self.api_url, timeout=1.0)
                if admin.ping():
                    return
            except JanusError as exc:
                last_error = str(exc)
            time.sleep(0.1)
        raise JanusStartError(
            f"Janus {self.config.name} did not answer within {timeout} s ({last_error}):\n"
            + self.log_tail()
        )

    def stop(self, timeout: float = 10.0) -> None:
        """Ask Janus to stop (SIGTERM), then kill it if it lingers."""
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        logger.info("Janus %s stopped", self.config.name)

    def kill(self) -> None:
        """Kill Janus at once (SIGKILL): for a hung instance, or to test a crash."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(5)

    def log_tail(self, lines: int = 30) -> str:
        chunks = []
        for path in (self.output_path, self.log_path):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            chunks.append(f"--- {path.name}\n" + "\n".join(text.splitlines()[-lines:]))
        return "\n".join(chunks)

    def __enter__(self) -> JanusProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class JanusSupervisor:
    """Keeps a :class:`JanusProcess` running from a background thread.

    Janus is restarted when its process exits, or when it stops answering
    ``/janus/info`` for ``unhealthy_after`` checks in a row. Failed restarts
    back off up to ``max_backoff`` seconds. ``on_restart`` runs (in the
    supervisor thread) after every successful restart.
    """

    def __init__(
        self,
        process: JanusProcess,
        *,
        interval: float = 1.0,
        unhealthy_after: int = 5,
        check_timeout: float = 2.0,
        max_backoff: float = 30.0,
        on_restart: Callable[[JanusProcess], None] | None = None,
    ) -> None:
        self.process = process
        self.interval = interval
        self.unhealthy_after = unhealthy_after
        self.check_timeout = check_timeout
        self.max_backoff = max_backoff
        self.on_restart = on_restart
        self.restarts = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._restarted = threading.Condition()

    def start(self) -> None:
        self.process.start()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._watch, name=f"janus-supervisor-{self.process.config.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.process.startup_timeout + 15)
            self._thread = None
        self.process.stop()

    def __enter__(self) -> JanusSupervisor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_restart(self, after: int, timeout: float) -> bool:
        """Wait until more than ``after`` restarts happened; false on timeout."""
        deadline = time.monotonic() + timeout
        with self._restarted:
            while self.restarts <= after:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._restarted.wait(remaining)
        return True

    def check_once(self) -> bool:
        """One health check; true when Janus is running and answering."""
        if not self.process.is_running():
            return False
        try:
            server_info(self.process.api_url, timeout=self.check_timeout)
        except JanusError:
            return False
        return True

    def _watch(self) -> None:
        failures = 0
        backoff = self.interval
        while not self._stop.wait(self.interval):
            if self.process.is_running() and self.check_once():
                failures = 0
                continue
            failures += 1
            if self.process.is_running() and failures < self.unhealthy_after:
                continue  # alive but slow: give it a few more checks
            logger.warning(
                "Janus %s is down (exit code %s); restarting",
                self.process.config.name,
                self.process.returncode(),
            )
            # A hung Janus gets no graceful stop: it would not honour it.
            self.process.kill()
            self.process.stop()
            try:
                self.process.start()
            except (JanusStartError, OSError) as exc:
                logger.error("restarting Janus %s failed: %s", self.process.config.name, exc)
                if self._stop.wait(backoff):
                    return
                backoff = min(backoff * 2, self.max_backoff)
                continue
            failures = 0
            backoff = self.interval
            if self.on_restart is not None:
                try:
                    self.on_restart(self.process)
                except Exception:
                    logger.exception(
                        "on_restart hook failed for Janus %s", self.process.config.name
                    )
            with self._restarted:
                self.restarts += 1
                self._restarted.notify_all()


#: Local ports, away from Debian's janus service defaults (8088, 7088, 8188).
DEFAULT_HTTP_PORT = 18088
DEFAULT_ADMIN_PORT = 17088


def main(argv: list[str] | None = None) -> int:
    """Run one supervised local Janus until SIGTERM or Ctrl-C (for ``make run``)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m summitry.rooms.janus.process", description=main.__doc__
    )
    parser.add_argument("--data-dir", type=Path, default=Path("var"))
    parser.add_argument("--name", default="local")
    parser.add_argument("--http-port", type=int, default=DEFAULT_HTTP_PORT)
    parser.add_argument("--admin-port", type=int, default=DEFAULT_ADMIN_PORT)
    parser.add_argument("--websocket-port", type=int, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    config = local_instance(
        args.name,
        args.data_dir,
        http_port=args.http_port,
        admin_port=args.admin_port,
        websocket_port=args.websocket_port,
    )
    if config.ice_enforce_list == (LOOPBACK_MEDIA_INTERFACE,):
        try:
            ensure_loopback_media_interface()
        except OSError as exc:
            logger.warning("no local media interface, browsers will not get media: %s", exc)
    supervisor = JanusSupervisor(JanusProcess(config, instance_dir(args.data_dir, args.name)))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    supervisor.start()
    logger.info("Janus API %s, Admin API %s", config.api_url(), config.admin_url())
    stop.wait()
    supervisor.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
