"""Typed client for the Janus HTTP API and the Admin API.

Two ways in, on purpose:

* :class:`JanusAdmin` talks to the Admin API (``admin_secret``). Summitry's
  server uses it to manage stored tokens and, through ``message_plugin``, to
  drive the VideoRoom and AudioBridge rooms (:mod:`summitry.rooms.janus.control`)
  without holding a Janus session.
* :class:`JanusSession` / :class:`JanusHandle` speak the Janus API as a
  participant does (with a token): create a session, attach a plugin, send
  messages, long-poll events. Tests and server-side media peers use it.

Only the standard library is used (``urllib``): requests are small and few.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Json = dict[str, Any]

VIDEOROOM = "janus.plugin.videoroom"
AUDIOBRIDGE = "janus.plugin.audiobridge"
ROOM_PLUGINS: tuple[str, ...] = (VIDEOROOM, AUDIOBRIDGE)

#: Janus core error codes Summitry looks at.
ERROR_UNAUTHORIZED = 403
ERROR_UNAUTHORIZED_PLUGIN = 405
ERROR_SESSION_NOT_FOUND = 458
#: VideoRoom plugin error codes.
VIDEOROOM_ERROR_NO_SUCH_ROOM = 426
VIDEOROOM_ERROR_ROOM_EXISTS = 427
VIDEOROOM_ERROR_NO_SUCH_FEED = 428
VIDEOROOM_ERROR_MISSING_ELEMENT = 429
VIDEOROOM_ERROR_UNAUTHORIZED = 433
#: AudioBridge plugin error codes.
AUDIOBRIDGE_ERROR_NO_SUCH_ROOM = 485
AUDIOBRIDGE_ERROR_UNAUTHORIZED = 489


class JanusError(Exception):
    """Janus answered with an error (or could not be reached, ``code`` 0)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"Janus error {code}: {reason}")
        self.code = code
        self.reason = reason


class JanusUnreachable(JanusError):
    """No answer: connection refused, reset or timed out."""

    def __init__(self, reason: str) -> None:
        super().__init__(0, reason)


class JanusAuthError(JanusError):
    """The Janus core refused the request: wrong or missing secret/token."""


class JanusPluginError(JanusError):
    """A plugin (VideoRoom, AudioBridge) refused the request."""

    def __init__(self, plugin: str, code: int, reason: str) -> None:
        super().__init__(code, reason)
        self.plugin = plugin
        self.args = (f"{plugin} error {code}: {reason}",)

    @property
    def unauthorized(self) -> bool:
        return self.code in (VIDEOROOM_ERROR_UNAUTHORIZED, AUDIOBRIDGE_ERROR_UNAUTHORIZED)


def signed_token(
    secret: str,
    expires_at: float,
    descriptors: Sequence[str] = ROOM_PLUGINS,
    realm: str = "janus",
) -> str:
    """An HMAC-SHA1 signed token, for a Janus run with ``token_auth_secret``.

    Format: ``<expiry>,<realm>,<descriptor>...:<base64 signature>``. For the
    core the realm is ``janus`` and the descriptors are the plugins the
    token may attach to; Janus refuses it after ``expires_at`` (Unix time).
    Signed tokens cannot be revoked before they expire: keep them short.
    """
    for part in (realm, *descriptors):
        if not part or any(c in part for c in ",:"):
            raise ValueError(f"invalid token part {part!r}")
    data = ",".join([str(int(expires_at)), realm, *descriptors])
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()
    return f"{data}:{base64.b64encode(digest).decode()}"


def new_transaction() -> str:
    return secrets.token_hex(8)


def _http(url: str, payload: Json | None, timeout: float) -> Any:
    """POST ``payload`` (or GET when ``None``) and decode the JSON answer."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(  # noqa: S310 - URLs come from Summitry's settings
        url,
        data=data,
        method="GET" if payload is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as exc:
        # Janus reports some errors with an HTTP status and a JSON body.
        body = exc.read()
        if not body:
            raise JanusError(exc.code, str(exc.reason)) from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise JanusUnreachable(f"{url}: {exc}") from exc
    try:
        return json.loads(body)
    except ValueError as exc:
        raise JanusError(0, f"{url}: answer is not JSON: {body[:200]!r}") from exc


def _http_json(url: str, payload: Json | None, timeout: float) -> Json:
    decoded = _http(url, payload, timeout)
    if not isinstance(decoded, dict):
        raise JanusError(0, f"{url}: answer is not a JSON object")
    return decoded


def _raise_for_error(reply: Json) -> Json:
    if reply.get("janus") == "error":
        error = reply.get("error") or {}
        code = int(error.get("code", 0))
        reason = str(error.get("reason", "unknown error"))
        if code in (ERROR_UNAUTHORIZED, ERROR_UNAUTHORIZED_PLUGIN):
            raise JanusAuthError(code, reason)
        raise JanusError(code, reason)
    return reply


def _raise_for_plugin_error(plugin: str, data: Json) -> Json:
    if "error_code" in data:
        raise JanusPluginError(plugin, int(data["error_code"]), str(data.get("error", "")))
    return data


def server_info(api_url: str, timeout: float = 5.0) -> Json:
    """``GET /janus/info``: answered without a token, used as a liveness check."""
    return _raise_for_error(_http_json(api_url.rstrip("/") + "/info", None, timeout))


# -- Admin API ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredToken:
    token: str
    allowed_plugins: tuple[str, ...]


class JanusAdmin:
    """The Admin API of one Janus instance (keep it on a private address)."""

    def __init__(self, admin_url: str, admin_secret: str, timeout: float = 10.0) -> None:
        self.admin_url = admin_url.rstrip("/")
        self._admin_secret = admin_secret
        self.timeout = timeout

    def request(self, janus: str, path: str = "", **fields: Any) -> Json:
        payload: Json = {
            "janus": janus,
            "transaction": new_transaction(),
            "admin_secret": self._admin_secret,
            **fields,
        }
        url = self.admin_url + (f"/{path}" if path else "")
        return _raise_for_error(_http_json(url, payload, self.timeout))

    def info(self) -> Json:
        return self.request("info")

    def ping(self) -> bool:
        return self.request("ping").get("janus") == "pong"

    def add_token(self, token: str, plugins: Sequence[str] = ROOM_PLUGINS) -> tuple[str, ...]:
        """Store a token that may use ``plugins``; returns the plugins it may use."""
        reply = self.request("add_token", token=token, plugins=list(plugins))
        return tuple(reply.get("data", {}).get("plugins", ()))

    def allow_token(self, token: str, plugins: Sequence[str]) -> tuple[str, ...]:
        reply = self.request("allow_token", token=token, plugins=list(plugins))
        return tuple(reply.get("data", {}).get("plugins", ()))

    def disallow_token(self, token: str, plugins: Sequence[str]) -> tuple[str, ...]:
        reply = self.request("disallow_token", token=token, plugins=list(plugins))
        return tuple(reply.get("data", {}).get("plugins", ()))

    def remove_token(self, token: str) -> None:
        self.request("remove_token", token=token)

    def list_tokens(self) -> list[StoredToken]:
        reply = self.request("list_tokens")
        return [
            StoredToken(str(item["token"]), tuple(item.get("allowed_plugins", ())))
            for item in reply.get("data", {}).get("tokens", [])
        ]

    def list_sessions(self) -> list[int]:
        return [int(s) for s in self.request("list_sessions").get("sessions", [])]

    def list_handles(self, session_id: int) -> list[int]:
        reply = self.request("list_handles", path=str(session_id))
        return [int(h) for h in reply.get("handles", [])]

    def handle_info(self, session_id: int, handle_id: int) -> Json:
        reply = self.request("handle_info", path=f"{session_id}/{handle_id}")
        info = reply.get("info", {})
        return info if isinstance(info, dict) else {}

    def message_plugin(self, plugin: str, request: Json) -> Json:
        """Send a synchronous request to a plugin and return its answer.

        Raises :class:`JanusPluginError` when the plugin reports an error.
        """
        reply = self.request("message_plugin", plugin=plugin, request=request)
        response = reply.get("response")
        if not isinstance(response, dict):
            raise JanusError(0, f"{plugin} gave no response to {request.get('request')!r}")
        return _raise_for_plugin_error(plugin, response)


# -- Janus API (participant side) -------------------------------------------------------------


@dataclass
class PluginEvent:
    """An asynchronous event from a plugin, with the SDP it may carry."""

    sender: int
    data: Json
    jsep: Json | None = None
    transaction: str | None = None
    raw: Json = field(default_factory=dict)


class JanusSession:
    """A Janus API session, authorised by a token or by the API secret.

    Events are long-polled by a background thread (started on first wait)
    so that waiting for one never drops another.
    """

    def __init__(
        self,
        api_url: str,
        session_id: int,
        *,
        token: str | None = None,
        api_secret: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.session_id = session_id
        self._token = token
        self._api_secret = api_secret
        self.timeout = timeout
        self._events: list[Json] = []
        self._cond = threading.Condition()
        self._poller: threading.Thread | None = None
        self._closed = False
        self._poll_error: JanusError | None = None

    @classmethod
    def create(
        cls,
        api_url: str,
        *,
        token: str | None = None,
        api_secret: str | None = None,
        timeout: float = 10.0,
    ) -> JanusSession:
        payload = _auth({"janus": "create", "transaction": new_transaction()}, token, api_secret)
        reply = _raise_for_error(_http_json(api_url.rstrip("/"), payload, timeout))
        session_id = int(reply["data"]["id"])
        return cls(api_url, session_id, token=token, api_secret=api_secret, timeout=timeout)

    def __enter__(self) -> JanusSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.destroy()

    def _post(self, path: str, payload: Json) -> Json:
        payload = _auth(payload, self._token, self._api_secret)
        payload.setdefault("transaction", new_transaction())
        return _raise_for_error(_http_json(f"{self.api_url}/{path}", payload, self.timeout))

    def attach(self, plugin: str, opaque_id: str | None = None) -> JanusHandle:
        body: Json = {"janus": "attach", "plugin": plugin}
        if opaque_id:
            body["opaque_id"] = opaque_id
        reply = self._post(str(self.session_id), body)
        return JanusHandle(self, int(reply["data"]["id"]), plugin)

    def keepalive(self) -> None:
        self._post(str(self.session_id), {"janus": "keepalive"})

    def destroy(self) -> None:
        if self._closed:
            return
        self._closed = True
        # Already gone (timed out, Janus restarted): nothing left to free.
        with contextlib.suppress(JanusError):
            self._post(str(self.session_id), {"janus": "destroy"})
        with self._cond:
            self._cond.notify_all()

    def poll(self, max_events: int = 10, timeout: float = 35.0) -> list[Json]:
        """One long-poll ``GET``: Janus answers with events or a keepalive after ~30 s."""
        query = {"maxev": str(max_events), "rid": str(int(time.time() * 1000))}
        if self._token:
            query["token"] = self._token
        if self._api_secret:
            query["apisecret"] = self._api_secret
        url = f"{self.api_url}/{self.session_id}?{urllib.parse.urlencode(query)}"
        reply = _http(url, None, timeout)
        # With maxev > 1 Janus may answer with an array of events.
        items = reply if isinstance(reply, list) else [reply]
        events = []
        for item in items:
            if not isinstance(item, dict):
                continue
            _raise_for_error(item)
            if item.get("janus") != "keepalive":
                events.append(item)
        return events

    def _poll_forever(self) -> None:
        while not self._closed:
            try:
                events = self.poll()
            except JanusError as exc:
                if self._closed:
                    return
                with self._cond:
                    self._poll_error = exc
                    self._cond.notify_all()
                return
            self._deliver(*events)

    def _deliver(self, *events: Json) -> None:
        with self._cond:
            self._events.extend(events)
            self._cond.notify_all()

    def wait_for(self, match: Callable[[Json], bool], timeout: float = 10.0) -> Json:
        """The first event (raw Janus message) for which ``match`` is true."""
        if self._poller is None:
            self._poller = threading.Thread(
                target=self._poll_forever, name=f"janus-poll-{self.session_id}", daemon=True
            )
            self._poller.start()
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for index, event in enumerate(self._events):
                    if match(event):
                        return self._events.pop(index)
                if self._poll_error is not None:
                    raise self._poll_error
                if self._closed:
                    raise JanusError(0, "session closed")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no matching Janus event within {timeout} s")
                self._cond.wait(remaining)

    def pending_events(self) -> list[Json]:
        """Events received and not yet consumed by :meth:`wait_for` (a copy)."""
        with self._cond:
            return list(self._events)


def _auth(payload: Json, token: str | None, api_secret: str | None) -> Json:
    payload = dict(payload)
    if token:
        payload["token"] = token
    if api_secret:
        payload["apisecret"] = api_secret
    return payload


class JanusHandle:
    """A handle attached to a plugin within a session."""

    def __init__(self, session: JanusSession, handle_id: int, plugin: str) -> None:
        self.session = session
        self.handle_id = handle_id
        self.plugin = plugin

    def _path(self) -> str:
        return f"{self.session.session_id}/{self.handle_id}"

    def request(self, body: Json) -> Json:
        """A synchronous plugin request (create, list, exists, ...): its answer."""
        reply = self.session._post(self._path(), {"janus": "message", "body": body})
        data = reply.get("plugindata", {}).get("data", {})
        return _raise_for_plugin_error(self.plugin, data if isinstance(data, dict) else {})

    def send(self, body: Json, jsep: Json | None = None) -> str:
        """An asynchronous plugin request; returns its transaction (see :meth:`call`)."""
        transaction = new_transaction()
        message: Json = {"janus": "message", "body": body, "transaction": transaction}
        if jsep is not None:
            message["jsep"] = jsep
        reply = self.session._post(self._path(), message)
        if reply.get("janus") == "success":
            # Some requests are answered at once even when sent this way.
            data = reply.get("plugindata", {}).get("data", {})
            self.session._deliver(
                {
                    "janus": "event",
                    "sender": self.handle_id,
                    "transaction": transaction,
                    "plugindata": {"plugin": self.plugin, "data": data},
                }
            )
        return transaction

    def call(self, body: Json, jsep: Json | None = None, timeout: float = 10.0) -> PluginEvent:
        """Send an asynchronous request and wait for the event that answers it."""
        transaction = self.send(body, jsep)
        raw = self.session.wait_for(
            lambda e: e.get("transaction") == transaction and e.get("janus") == "event",
            timeout,
        )
        event = _plugin_event(raw)
        _raise_for_plugin_error(self.plugin, event.data)
        return event

    def wait_event(
        self, match: Callable[[PluginEvent], bool] | None = None, timeout: float = 10.0
    ) -> PluginEvent:
        """The next plugin event on this handle for which ``match`` is true."""

        def matches(raw: Json) -> bool:
            if raw.get("sender") != self.handle_id or raw.get("janus") != "event":
                return False
            return match is None or match(_plugin_event(raw))

        return _plugin_event(self.session.wait_for(matches, timeout))

    def wait_janus(self, kind: str, timeout: float = 10.0) -> Json:
        """The next core event of ``kind`` on this handle (webrtcup, media, hangup...)."""
        return self.session.wait_for(
            lambda e: e.get("sender") == self.handle_id and e.get("janus") == kind, timeout
        )

    def trickle(self, candidate: Json | None) -> None:
        """Send one ICE candidate, or ``None`` for end of candidates."""
        body: Json = {"janus": "trickle"}
        body["candidate"] = {"completed": True} if candidate is None else candidate
        self.session._post(self._path(), body)

    def hangup(self) -> None:
        self.session._post(self._path(), {"janus": "hangup"})

    def detach(self) -> None:
        self.session._post(self._path(), {"janus": "detach"})


def jsep(kind: Literal["offer", "answer"], sdp: str, trickle: bool = False) -> Json:
    """A JSEP object for Janus. ``trickle=False`` says all candidates are in the SDP.

    Without it Janus waits for trickled candidates that a non-trickling peer
    (aiortc, a server-side bot) never sends, and ICE fails.
    """
    return {"type": kind, "sdp": sdp, "trickle": trickle}


def _plugin_event(raw: Json) -> PluginEvent:
    data = raw.get("plugindata", {}).get("data", {})
    return PluginEvent(
        sender=int(raw.get("sender", 0)),
        data=data if isinstance(data, dict) else {},
        jsep=raw.get("jsep"),
        transaction=raw.get("transaction"),
        raw=raw,
    )
