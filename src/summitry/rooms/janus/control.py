"""How Summitry reaches one Janus instance (:class:`JanusEndpoint`) and manages its
VideoRoom and AudioBridge rooms through the Admin API: one base, :class:`RoomControl`, for
what both plugins share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from summitry.rooms.janus.client import AUDIOBRIDGE, VIDEOROOM, JanusAdmin, JanusError, Json


@dataclass(frozen=True)
class JanusEndpoint:
    """How Summitry reaches one Janus instance, and how browsers do."""

    name: str
    api_url: str
    admin_url: str
    admin_secret: str
    room_admin_key: str
    api_secret: str | None = None
    #: Janus API URL handed to browsers, when it differs from ``api_url``
    #: (e.g. behind a reverse proxy with TLS).
    public_api_url: str | None = None
    #: Relative capacity used by placement: 2.0 takes twice the load of 1.0.
    weight: float = 1.0

    def admin(self, timeout: float = 10.0) -> JanusAdmin:
        return JanusAdmin(self.admin_url, self.admin_secret, timeout)

    def videoroom(self, timeout: float = 10.0) -> VideoRoomControl:
        return VideoRoomControl(self.admin(timeout), self.room_admin_key)

    def audiobridge(self, timeout: float = 10.0) -> AudioBridgeControl:
        return AudioBridgeControl(self.admin(timeout), self.room_admin_key)

    @property
    def browser_api_url(self) -> str:
        return self.public_api_url or self.api_url


# -- VideoRoom ------------------------------------------------------------------------------

RoomId = int | str


@dataclass(frozen=True)
class VideoRoomOptions:
    """What Summitry sets when it creates a VideoRoom room."""

    secret: str
    description: str = ""
    #: Tokens that may join (the room's ACL); ``None`` means no ACL (any token).
    allowed: Sequence[str] | None = ()
    pin: str | None = None
    #: Subscribers must give the private_id of a participant of the room.
    #: Keep it on: Janus 1.1 checks ``allowed`` only when joining as a
    #: publisher, so without it anyone with a core token who knows a feed
    #: id could subscribe to it.
    require_pvtid: bool = True
    publishers: int = 6
    audiocodec: str = "opus"
    videocodec: str = "vp8"
    notify_joining: bool = True
    is_private: bool = True
    bitrate: int = 0
    fir_freq: int = 10
    audiolevel_event: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_request(self) -> Json:
        body: Json = {
            "secret": self.secret,
            "description": self.description,
            "require_pvtid": self.require_pvtid,
            "publishers": self.publishers,
            "audiocodec": self.audiocodec,
            "videocodec": self.videocodec,
            "notify_joining": self.notify_joining,
            "is_private": self.is_private,
            "fir_freq": self.fir_freq,
            "audiolevel_event": self.audiolevel_event,
        }
        if self.bitrate:
            body["bitrate"] = self.bitrate
        if self.allowed is not None:
            body["allowed"] = list(self.allowed)
        if self.pin:
            body["pin"] = self.pin
        body.update(self.extra)
        return body


@dataclass(frozen=True)
class Participant:
    id: RoomId
    display: str | None
    publisher: bool
    talking: bool | None = None
    muted: bool | None = None


@dataclass(frozen=True)
class PublishedStream:
    """One m-line a publisher sends. Janus 1.1 does not report moderation
    here, so Summitry keeps who it muted itself."""

    type: Literal["audio", "video", "data"] | str
    mid: str
    codec: str | None = None
    subscribers: int = 0


class RoomOptions(Protocol):
    def to_request(self) -> Json: ...


class RoomControl:
    """Room management Summitry does on one plugin's rooms, through the Admin API: what the
    VideoRoom and the AudioBridge share (the same requests, the same replies)."""

    plugin: str

    def __init__(self, admin: JanusAdmin, admin_key: str) -> None:
        self.admin = admin
        self._admin_key = admin_key

    def _message(self, request: Json) -> Json:
        return self.admin.message_plugin(self.plugin, request)

    def create_room(self, options: RoomOptions, room: RoomId | None = None) -> RoomId:
        body: Json = {"request": "create", "admin_key": self._admin_key, "permanent": False}
        body.update(options.to_request())
        if room is not None:
            body["room"] = room
        room_id: RoomId = self._message(body)["room"]
        return room_id

    def destroy_room(self, room: RoomId, secret: str) -> None:
        self._message({"request": "destroy", "room": room, "secret": secret, "permanent": False})

    def exists(self, room: RoomId) -> bool:
        return bool(self._message({"request": "exists", "room": room}).get("exists"))

    def list_rooms(self) -> list[Json]:
        # With the admin_key the private rooms are listed too.
        reply = self._message({"request": "list", "admin_key": self._admin_key})
        return [r for r in reply.get("list", []) if isinstance(r, dict)]

    def list_participants(self, room: RoomId) -> list[Participant]:
        reply = self._message({"request": "listparticipants", "room": room})
        return [self._participant(p) for p in reply.get("participants", [])]

    def _participant(self, entry: Json) -> Participant:
        raise NotImplementedError

    def _allowed(
        self,
        room: RoomId,
        secret: str,
        action: Literal["enable", "disable", "add", "remove"],
        tokens: Iterable[str] = (),
    ) -> list[str]:
        body: Json = {"request": "allowed", "room": room, "secret": secret, "action": action}
        if action in ("add", "remove"):
            body["allowed"] = list(tokens)
        return [str(t) for t in self._message(body).get("allowed", [])]

    def allow(self, room: RoomId, secret: str, tokens: Iterable[str]) -> list[str]:
        """Add tokens to the room's ACL; returns the whole ACL."""
        return self._allowed(room, secret, "add", tokens)

    def disallow(self, room: RoomId, secret: str, tokens: Iterable[str]) -> list[str]:
        """Remove tokens from the room's ACL (a ban, once followed by :meth:`kick`)."""
        return self._allowed(room, secret, "remove", tokens)

    def kick(self, room: RoomId, secret: str, participant: RoomId) -> None:
        self._message({"request": "kick", "room": room, "secret": secret, "id": participant})


class VideoRoomControl(RoomControl):
    """VideoRoom rooms (meetings, summits, conferences)."""

    plugin = VIDEOROOM

    def _participant(self, entry: Json) -> Participant:
        return Participant(
            id=entry["id"],
            display=entry.get("display"),
            publisher=bool(entry.get("publisher")),
            talking=entry.get("talking"),
        )

    def enforce_acl(self, room: RoomId, secret: str, enabled: bool = True) -> list[str]:
        return self._allowed(room, secret, "enable" if enabled else "disable")

    def moderate(
        self, room: RoomId, secret: str, participant: RoomId, mid: str, mute: bool
    ) -> None:
        """Block (or unblock) forwarding of one m-line a publisher sends."""
        self._message(
            {
                "request": "moderate",
                "room": room,
                "secret": secret,
                "id": participant,
                "mid": mid,
                "mute": mute,
            }
        )


def publishers_of(admin: JanusAdmin, room: RoomId) -> dict[int, tuple[int, list[PublishedStream]]]:
    """Publisher id → (its Janus handle, the streams it sends) in one VideoRoom, read from the
    Admin API's handle info.

    Needed because ``moderate`` works per m-line (``mid``) and the browser, not Summitry,
    chooses the mids. Walks every handle of the instance (about 2 + N Admin API calls).
    """
    found: dict[int, tuple[int, list[PublishedStream]]] = {}
    for session_id in admin.list_sessions():
        try:
            handles = admin.list_handles(session_id)
        except JanusError:
            continue  # the session went away meanwhile
        for handle_id in handles:
            try:
                info = admin.handle_info(session_id, handle_id)
            except JanusError:
                continue
            specific = info.get("plugin_specific", {})
            if info.get("plugin") != VIDEOROOM or specific.get("type") != "publisher":
                continue
            if specific.get("room") != room or "id" not in specific:
                continue
            found[int(specific["id"])] = (
                int(handle_id),
                [
                    PublishedStream(
                        type=str(s.get("type", "")),
                        mid=str(s.get("mid", "")),
                        codec=s.get("codec"),
                        subscribers=int(s.get("subscribers", 0)),
                    )
                    for s in specific.get("streams", [])
                    if isinstance(s, dict)
                ],
            )
    return found


def publisher_streams(
    admin: JanusAdmin, room: RoomId, participant: RoomId
) -> list[PublishedStream]:
    """The streams one VideoRoom publisher sends (none when it does not publish)."""
    _, streams = publishers_of(admin, room).get(int(participant), (0, []))
    return streams


# -- AudioBridge ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AudioBridgeOptions:
    secret: str
    description: str = ""
    allowed: Sequence[str] | None = ()
    pin: str | None = None
    sampling_rate: int = 16000
    is_private: bool = True
    audiolevel_event: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_request(self) -> Json:
        body: Json = {
            "secret": self.secret,
            "description": self.description,
            "sampling_rate": self.sampling_rate,
            "is_private": self.is_private,
            "audiolevel_event": self.audiolevel_event,
        }
        if self.allowed is not None:
            body["allowed"] = list(self.allowed)
        if self.pin:
            body["pin"] = self.pin
        body.update(self.extra)
        return body


class AudioBridgeControl(RoomControl):
    """Audio-only rooms (telephone calls, interpretation)."""

    plugin = AUDIOBRIDGE

    def _participant(self, entry: Json) -> Participant:
        return Participant(
            id=entry["id"],
            display=entry.get("display"),
            publisher=True,
            talking=entry.get("talking"),
            muted=entry.get("muted"),
        )

    def mute(self, room: RoomId, secret: str, participant: RoomId, mute: bool = True) -> None:
        """Mute (or unmute) a participant in the mix, whatever their page says."""
        self._message(
            {
                "request": "mute" if mute else "unmute",
                "room": room,
                "secret": secret,
                "id": participant,
            }
        )
