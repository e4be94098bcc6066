"""What a page sees: the room's state (one public part, each invitation's own part) and the
floor's delta, read in a few queries and serialised once for every page."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from summitry.rooms import instances
from summitry.rooms.models import Invitation, Room, RoomEvent, SpeakerRequest
from summitry.rooms.rules import NO_LONGER_OPENS, link_refusal

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


@dataclass
class StateParts:
    """The room's state: one public part, and each invitation's own part."""

    version: int
    ended: bool
    public: dict[str, Any]
    private: dict[int, dict[str, Any]]
    floor_ends_at: dt.datetime | None
    press_janus: dict[str, Any] | None
    #: Invitations whose link no longer opens the room (expired), with the reason their page
    #: is closed; they have no private part.
    closed: dict[int, _StrOrPromise] = field(default_factory=dict)


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _speaking_in(requests: Sequence[SpeakerRequest]) -> SpeakerRequest | None:
    return next((r for r in requests if r.state == SpeakerRequest.State.SPEAKING), None)


def _ends_at(requests: Sequence[SpeakerRequest]) -> dt.datetime | None:
    speaking = _speaking_in(requests)
    if speaking is None or not speaking.started_at or not speaking.limit_seconds:
        return None
    return speaking.started_at + dt.timedelta(seconds=speaking.limit_seconds)


def _floor_parts(
    room: Room, requests: Sequence[SpeakerRequest], names: dict[int, str]
) -> dict[str, Any]:
    """The ``speakers`` and ``floor`` of the state (waiting and speaking requests in order)."""
    speaking = _speaking_in(requests)
    return {
        "speakers": [
            {
                "id": r.pk,
                "participant": r.invitation_id,
                "name": names.get(r.invitation_id, ""),
                "state": r.state,
                "requested_at": iso(r.requested_at),
            }
            for r in requests
        ],
        "floor": {
            "speaker": speaking.invitation_id if speaking else None,
            "since": iso(speaking.started_at) if speaking else None,
            "limit": speaking.limit_seconds if speaking else room.speaking_limit_seconds,
            "ends_at": iso(_ends_at(requests)),
            "expired": bool(speaking and speaking.expired_at),
        },
    }


def floor_message(room_id: int, version: int) -> str:
    """The ``floor`` delta of ``version``: the floor, the speakers' list and who is muted."""
    room = Room.objects.get(pk=room_id)
    requests = list(
        room.speaker_requests.filter(
            state__in=[SpeakerRequest.State.WAITING, SpeakerRequest.State.SPEAKING]
        )
        .select_related("invitation__person")
        .order_by("position", "id")
    )
    names = {
        r.invitation_id: r.invitation.person.name
        for r in requests
        if r.invitation.revoked_at is None
    }
    muted = list(
        room.invitations.filter(revoked_at__isnull=True, muted=True)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    parts = _floor_parts(room, requests, names)
    return compact({"type": "floor", "version": version, **parts, "muted": muted})


def state_parts(room_id: int) -> StateParts:
    """Everything the clients of a room need, in five queries."""
    room = Room.objects.select_related("engagement").get(pk=room_id)
    now = timezone.now()
    # Rows, not model instances: at 2,000 invitations building the models was most of the time.
    invitations = list(
        room.invitations.filter(revoked_at__isnull=True).order_by("order", "id").values(*_FIELDS)
    )
    working = set(room.invitations.link_works(now).values_list("pk", flat=True))
    present = set(room.invitations.may_be_in_room(now).values_list("pk", flat=True))
    requests = list(
        room.speaker_requests.filter(
            state__in=[SpeakerRequest.State.WAITING, SpeakerRequest.State.SPEAKING]
        ).order_by("position", "id")
    )
    names = {inv["pk"]: inv["person__name"] for inv in invitations}
    ends_at = _ends_at(requests)
    engagement = room.engagement
    participants, lobby = [], []
    for inv in invitations:
        entry = {
            "id": inv["pk"],
            "name": inv["person__name"],
            "country": inv["person__country__code"],
            "role": inv["role"],
            "state": inv["state"],
            "order": inv["order"],
            "online": inv["online"],
            "muted": inv["muted"],
            "publisher_id": inv["janus_publisher_id"],
            "language_from": inv["language_from"] or None,
            "language_to": inv["language_to"] or None,
            "screen": inv["sharing_screen"] and inv["online"],
            "screen_allowed": inv["screen_allowed"],
        }
        if inv["state"] == Invitation.State.WAITING:
            entry["since"] = iso(inv["waiting_since"])
            lobby.append(entry)
        elif inv["state"] != Invitation.State.BANNED:
            participants.append(entry)
    public: dict[str, Any] = {
        "version": room.version,
        "room": {
            "id": room.pk,
            "engagement": {
                "id": engagement.pk,
                "title": engagement.title,
                "kind": engagement.kind,
                "start": iso(engagement.start),
            },
            # How the ending went, for the chair's page to say in words (actions.ending).
            "outcome": _outcome(room),
            "layout": room.layout,
            "status": room.status,
            "speaking_limit_seconds": room.speaking_limit_seconds,
            "auto_advance": room.auto_advance,
            "floor_control": room.floor_control,
            "interpretation_languages": list(room.interpretation_languages),
        },
        "participants": participants,
        "lobby": lobby,
        **_floor_parts(room, requests, names),
    }
    ended = room.status == Room.Status.ENDED
    janus_base: dict[str, Any] | None = None
    if not ended:
        try:
            endpoint = instances.endpoint_named(room.janus_instance)
        except LookupError:
            endpoint = None
        if endpoint is not None:
            interpreters = {
                inv["language_to"]: inv["pk"]
                for inv in invitations
                if inv["role"] == Invitation.Role.INTERPRETER and inv["pk"] in present
            }
            janus_base = {
                "api_url": endpoint.browser_api_url,
                "room": room.videoroom_id,
                "audio_only": room.layout == Room.Layout.AUDIO,
                "ice_servers": instances.ice_servers(),
                "audiobridge_room": room.audiobridge_id,
                "interpretation": {
                    code: {"audiobridge_room": bridge, "interpreter": interpreters.get(code)}
                    for code, bridge in room.interpretation_rooms.items()
                },
            }
    private: dict[int, dict[str, Any]] = {}
    closed: dict[int, _StrOrPromise] = {}
    unworking = [
        inv["pk"]
        for inv in invitations
        if not ended and inv["pk"] not in working and inv["state"] != Invitation.State.BANNED
    ]
    for closing in Invitation.objects.filter(pk__in=unworking):  # rare: links just expired
        closing.room = room
        closed[closing.pk] = link_refusal(closing, now) or NO_LONGER_OPENS
    for inv in invitations:
        pk = inv["pk"]
        if pk in closed:
            continue
        janus = None
        if janus_base is not None and pk in present and inv["janus_token"]:
            janus = {
                **janus_base,
                "token": inv["janus_token"],
                "publisher_id": inv["janus_publisher_id"],
                "publish_to": inv["language_to"] or None
                if inv["role"] == Invitation.Role.INTERPRETER
                else None,
            }
        private[pk] = {
            "you": {
                "id": pk,
                "name": inv["person__name"],
                "role": inv["role"],
                "state": inv["state"],
                "muted": inv["muted"],
                "is_chair": inv["role"] == Invitation.Role.CHAIR,
                "publisher_id": inv["janus_publisher_id"],
                "language_from": inv["language_from"] or None,
                "language_to": inv["language_to"] or None,
            },
            "janus": janus,
        }
    press_janus = (
        {**janus_base, "token": room.press_janus_token, "publisher_id": None, "view_only": True}
        if janus_base is not None
        else None
    )
    return StateParts(room.version, ended, public, private, ends_at, press_janus, closed)


#: What the state reads of each invitation.
_FIELDS = (
    "pk",
    "person__name",
    "person__country__code",
    "role",
    "state",
    "order",
    "online",
    "muted",
    "janus_publisher_id",
    "janus_token",
    "language_from",
    "language_to",
    "sharing_screen",
    "screen_allowed",
    "waiting_since",
)

PRESS_YOU = {"id": None, "name": "Press", "role": "press", "state": "watching", "is_chair": False}


def room_state(room: Room, for_invitation: Invitation | None) -> dict[str, Any]:
    """The whole state message for one participant (``None``: the press view)."""
    parts = state_parts(room.pk)
    if for_invitation is None:
        own: dict[str, Any] = {"you": PRESS_YOU, "janus": parts.press_janus}
    else:
        own = parts.private.get(for_invitation.pk) or {"you": None, "janus": None}
    return {"type": "state", **parts.public, **own}


def _outcome(room: Room) -> str | None:
    if room.status != Room.Status.ENDED:
        return None
    ended = room.events.filter(kind=RoomEvent.Kind.ENDED).order_by("-at", "-id").first()
    return str(ended.data.get("outcome", "")) or None if ended else None
