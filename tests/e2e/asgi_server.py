"""Summitry's ASGI application (HTTP and WebSockets) served by uvicorn in a thread.

pytest-django's ``live_server`` is WSGI only: no WebSockets. Running uvicorn in
a daemon thread of the test process keeps one database for the test and the
server (the test database's settings are already in place), and one in-memory
channel layer.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_asgi(
    host: str = "127.0.0.1", timeout: float = 20.0, port: int | None = None
) -> Iterator[str]:
    """Serve ``summitry.asgi:application``; yields its base URL, stops it afterwards."""
    from summitry.asgi import application

    config = uvicorn.Config(
        application, host=host, port=port or free_port(host), lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="summitry-asgi", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
