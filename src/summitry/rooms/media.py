"""Janus side effects of what Summitry decided, and their enforcement.

Tokens and ``allowed`` lists at admission, cutting a person off, tearing a room down, and the
floor enforced through ``moderate``/``mute``/``kick`` whatever the pages do; after a Janus
restart, everything put back from the database. A failed Janus call never undoes a decision
already committed (the sweep and the restore re-apply it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from summitry.rooms import instances
from summitry.rooms.broadcast import changed
from summitry.rooms.janus.client import AUDIOBRIDGE, VIDEOROOM, JanusError
from summitry.rooms.janus.control import (
    AudioBridgeOptions,
    JanusEndpoint,
    PublishedStream,
    RoomControl,
    VideoRoomOptions,
    publishers_of,
)
from summitry.rooms.journal import record
from summitry.rooms.models import Invitation, Room, RoomEvent

logger = logging.getLogger(__name__)


def _soft(what: str, call: Callable[..., object], *args: Any) -> None:
    """A Janus call whose failure must not undo Summitry's decision (restored later)."""
    try:
        call(*args)
    except JanusError as exc:
        logger.warning("Janus: %s failed: %s", what, exc)


def admitted_tokens(room: Room) -> list[str]:
    """Janus tokens of those who may be in the room now (and the press view's)."""
    tokens = list(
        room.invitations.may_be_in_room(timezone.now())
        .exclude(janus_token="")
        .values_list("janus_token", flat=True)
    )
    return [room.press_janus_token, *tokens]


def create_janus_rooms(
    room: Room, endpoint: JanusEndpoint, capacity: int, *, only_missing: bool = False
) -> None:
    """The room's VideoRoom and AudioBridge rooms on Janus (after a restart, those missing)."""
    allowed = admitted_tokens(room)
    if room.press_janus_token:
        endpoint.admin().add_token(room.press_janus_token)
    description = room.engagement.title[:100]
    video = endpoint.videoroom()
    if room.videoroom_id is not None and not (only_missing and video.exists(room.videoroom_id)):
        video.create_room(
            VideoRoomOptions(
                secret=room.videoroom_secret,
                description=description,
                allowed=allowed,
                require_pvtid=True,
                publishers=max(16, capacity + 4),
            ),
            room.videoroom_id,
        )
    audio = endpoint.audiobridge()
    for bridge in _bridges(room):
        if only_missing and audio.exists(bridge):
            continue
        audio.create_room(
            AudioBridgeOptions(
                secret=room.audiobridge_secret,
                description=description,
                allowed=allowed,
                sampling_rate=48000,
            ),
            bridge,
        )


def _bridges(room: Room) -> list[int]:
    found = [int(r) for r in room.interpretation_rooms.values()]
    if room.audiobridge_id is not None:
        found.insert(0, room.audiobridge_id)
    return found


def _rooms_of(endpoint: JanusEndpoint, room: Room) -> list[tuple[RoomControl, int, str]]:
    """The room's Janus rooms, each with its plugin's control and secret: the VideoRoom (none
    for a call), then the AudioBridge rooms (the call's, the interpretation channels)."""
    found: list[tuple[RoomControl, int, str]] = []
    if room.videoroom_id is not None:
        found.append((endpoint.videoroom(), room.videoroom_id, room.videoroom_secret))
    bridge = endpoint.audiobridge()
    found.extend((bridge, bridge_id, room.audiobridge_secret) for bridge_id in _bridges(room))
    return found


def grant(room: Room, invitation_pk: int) -> None:
    """Give Janus the person's token, if they may (still) be in the room once committed."""
    token = (
        Invitation.objects.may_be_in_room(timezone.now())
        .filter(pk=invitation_pk)
        .exclude(janus_token="")
        .values_list("janus_token", flat=True)
        .first()
    )
    if token is None:
        return
    try:
        endpoint = instances.endpoint_named(room.janus_instance)
    except LookupError as exc:
        logger.warning("%s", exc)
        return
    _soft("add_token", endpoint.admin().add_token, token)
    for control, room_id, secret in _rooms_of(endpoint, room):
        _soft(f"allow in {control.plugin}", control.allow, room_id, secret, [token])


def cut_off_later(inv: Invitation) -> Callable[[], None]:
    room, token, publisher = inv.room, inv.janus_token, inv.janus_publisher_id

    def cut_off() -> None:
        try:
            endpoint = instances.endpoint_named(room.janus_instance)
        except LookupError:
            return
        rooms = _rooms_of(endpoint, room)
        if token:
            for control, room_id, secret in rooms:
                _soft(f"disallow in {control.plugin}", control.disallow, room_id, secret, [token])
            # Removing the stored token also closes the sessions opened with it.
            _soft("remove_token", endpoint.admin().remove_token, token)
        _kick(rooms, publisher)

    return cut_off


def _kick(rooms: list[tuple[RoomControl, int, str]], publisher: int) -> None:
    for control, room_id, secret in rooms:
        _soft(f"kick in {control.plugin}", control.kick, room_id, secret, publisher)


def free_place(inv: Invitation) -> None:
    """Kick whoever holds the person's publisher id: the Janus session of a page that never
    closed (a crash, a closed laptop) keeps it until Janus times the session out (a minute),
    and Janus refuses the id to the person's new page meanwhile. Their token stays."""
    try:
        endpoint = instances.endpoint_named(inv.room.janus_instance)
    except LookupError as exc:
        logger.warning("%s", exc)
        return
    _kick(_rooms_of(endpoint, inv.room), inv.janus_publisher_id)


def tear_down(room: Room, tokens: list[str]) -> None:
    try:
        endpoint = instances.endpoint_named(room.janus_instance)
    except LookupError:
        return
    for control, room_id, secret in _rooms_of(endpoint, room):
        _soft(f"destroy in {control.plugin}", control.destroy_room, room_id, secret)
    admin = endpoint.admin()
    for token in [*tokens, room.press_janus_token]:
        _soft("remove_token", admin.remove_token, token)


# Per worker: what the last walk found, and what was last sent to Janus for each audio line.
# Janus reports neither, and walking every handle costs 5N Admin API calls; a floor change
# uses these, the periodic sweep walks again (a new handle or line gets a key of its own).
_seen_publishers: dict[int, dict[int, tuple[int, list[PublishedStream]]]] = {}
_sent_moderation: dict[tuple[int, int, int, str], bool] = {}


def forget_moderation(room_id: int) -> None:
    """After a Janus restart nothing sent to it before holds."""
    _seen_publishers.pop(room_id, None)
    for key in [k for k in _sent_moderation if k[0] == room_id]:
        del _sent_moderation[key]


def enforce_later(room_id: int, *, walk: bool = False) -> Callable[[], None]:
    return lambda: apply_floor(room_id, walk=walk)


def apply_floor(room_id: int, *, walk: bool) -> None:
    """Make Janus forward exactly the audio and screens Summitry allows, whatever the pages do.

    Muted publishers' audio m-lines are moderated, the others' released; every video m-line
    but a publisher's first (its camera) is a screen, held back unless that person shares now
    (``sharing_screen``: the chair's stop, the floor passing on); an
    unknown publisher (not one who may be in the room now) is kicked. With
    ``walk=False`` (a floor change) the publishers found by the last walk are used
    and only the lines whose decision changed are sent. A walk is
    :func:`summitry.rooms.actions.sweep.enforce_floor`'s (it first cuts off expired links).
    """
    room = Room.objects.filter(pk=room_id, status=Room.Status.OPEN).first()
    if room is None:
        return
    here = room.invitations.may_be_in_room(timezone.now())
    try:
        endpoint = instances.endpoint_named(room.janus_instance)
    except LookupError:
        return
    if walk:
        _enforce_channels(room, endpoint)
    if room.videoroom_id is not None:
        control = endpoint.videoroom()
        publishers = None if walk else _seen_publishers.get(room_id)
        if publishers is not None:
            # One cheap call tells whether someone started publishing since the last walk.
            try:
                active = {
                    int(p.id) for p in control.list_participants(room.videoroom_id) if p.publisher
                }
            except JanusError:
                active = set()
            if not active <= publishers.keys():
                publishers = None
        if publishers is None:
            try:
                publishers = publishers_of(control.admin, room.videoroom_id)
            except JanusError as exc:
                logger.warning("Janus: cannot read the publishers of room %s: %s", room_id, exc)
                return
            _seen_publishers[room_id] = publishers
        muted = _mutes(here, publishers.keys())
        sharing = (
            set(here.filter(sharing_screen=True).values_list("janus_publisher_id", flat=True))
            if muted
            else set()
        )
        for publisher, (handle, published) in publishers.items():
            if publisher not in muted:
                if not published or not walk:
                    continue  # joined to watch (the press view, a lobby page): no media
                _soft("kick", control.kick, room.videoroom_id, room.videoroom_secret, publisher)
                continue
            videos = 0
            for stream in published:
                key = (room_id, handle, publisher, stream.mid)
                if stream.type == "audio":
                    held = muted[publisher]
                    sent = _sent_moderation.get(key) == held
                elif stream.type == "video":
                    videos += 1
                    if videos == 1:
                        continue  # the camera: only the person turns it off
                    held = publisher not in sharing
                    # A screen added again on the same mid may start forwarded: a walk
                    # holds it back again, whatever was sent before.
                    sent = _sent_moderation.get(key) == held and not (walk and held)
                else:
                    continue
                if sent:
                    continue
                try:
                    control.moderate(
                        room.videoroom_id, room.videoroom_secret, publisher, stream.mid, held
                    )
                except JanusError as exc:
                    logger.warning("Janus: moderate failed in room %s: %s", room_id, exc)
                    _sent_moderation.pop(key, None)
                else:
                    _sent_moderation[key] = held
    if room.audiobridge_id is not None:
        bridge = endpoint.audiobridge()
        try:
            present = bridge.list_participants(room.audiobridge_id)
        except JanusError as exc:
            logger.warning("Janus: cannot list the call of room %s: %s", room_id, exc)
            return
        muted = _mutes(here, [int(p.id) for p in present])
        for participant in present:
            pid = int(participant.id)
            if pid not in muted:
                _soft("kick", bridge.kick, room.audiobridge_id, room.audiobridge_secret, pid)
            elif participant.muted != muted[pid]:
                _soft(
                    "mute",
                    bridge.mute,
                    room.audiobridge_id,
                    room.audiobridge_secret,
                    pid,
                    muted[pid],
                )


#: Beyond this many publishers one query reads the whole room (an IN list that long is slow).
_LISTED = 500


def _mutes(here: QuerySet[Invitation], publishers: Collection[int]) -> dict[int, bool]:
    """``muted`` of each of these Janus publisher ids held by someone who may be in the room
    now; the others are not allowed. Only they are read: a room of 2,000 with a few
    publishers reads a few rows a floor change."""
    if not publishers:
        return {}
    if len(publishers) > _LISTED:
        return dict(here.values_list("janus_publisher_id", "muted"))
    return dict(
        here.filter(janus_publisher_id__in=list(publishers)).values_list(
            "janus_publisher_id", "muted"
        )
    )


def _enforce_channels(room: Room, endpoint: JanusEndpoint) -> None:
    """In a language channel only its interpreter is heard: a listener who unmutes is muted."""
    if not room.interpretation_rooms:
        return
    interpreters = dict(
        room.invitations.may_be_in_room(timezone.now())
        .filter(role=Invitation.Role.INTERPRETER)
        .values_list("language_to", "janus_publisher_id")
    )
    bridge = endpoint.audiobridge()
    for language, bridge_id in room.interpretation_rooms.items():
        try:
            present = bridge.list_participants(int(bridge_id))
        except JanusError as exc:
            logger.warning("Janus: cannot list channel %s of room %s: %s", language, room.pk, exc)
            continue
        for participant in present:
            if participant.muted is False and int(participant.id) != interpreters.get(language):
                _soft(
                    "mute listener",
                    bridge.mute,
                    int(bridge_id),
                    room.audiobridge_secret,
                    int(participant.id),
                    True,
                )


def restore_after_janus_restart(instance_name: str) -> list[Room]:
    """Put back, on a restarted Janus, every open room placed on it, from the database."""
    endpoint = instances.endpoint_named(instance_name)
    restored = []
    for room in Room.objects.filter(
        janus_instance=instance_name, status=Room.Status.OPEN
    ).select_related("engagement"):
        forget_moderation(room.pk)
        tokens = admitted_tokens(room)
        try:
            admin = endpoint.admin()
            for token in tokens:
                admin.add_token(token)
            create_janus_rooms(room, endpoint, room.invitations.count(), only_missing=True)
        except JanusError as exc:
            logger.error("restoring room %s on Janus %s failed: %s", room.pk, instance_name, exc)
            with transaction.atomic():
                record(room, RoomEvent.Kind.JANUS_FAILED, error=str(exc))
            continue
        with transaction.atomic():
            record(room, RoomEvent.Kind.JANUS_RESTORED, instance=instance_name)
            # Mutes come back when the pages publish again (apply_floor).
            changed(room)
        restored.append(room)
    return restored


def rooms_to_enforce(events: object) -> set[int]:
    """Open Summitry rooms in which, by Janus's events, someone published, joined a channel or
    changed what they send."""
    videorooms: set[int] = set()
    bridges: set[int] = set()
    for event in events if isinstance(events, list) else [events]:
        body = event.get("event") if isinstance(event, dict) else None
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("room"), int):
            continue
        plugin, kind = body.get("plugin"), data.get("event")  # type: ignore[union-attr]
        if plugin == VIDEOROOM and kind in ("published", "configured"):
            videorooms.add(data["room"])
        elif plugin == AUDIOBRIDGE and kind in ("joined", "configured"):
            bridges.add(data["room"])
    found = set(
        Room.objects.filter(videoroom_id__in=videorooms, status=Room.Status.OPEN).values_list(
            "pk", flat=True
        )
    )
    if bridges:
        for pk, channels in Room.objects.filter(status=Room.Status.OPEN).values_list(
            "pk", "interpretation_rooms"
        ):
            if bridges & {int(b) for b in (channels or {}).values()}:
                found.add(pk)
    return found
