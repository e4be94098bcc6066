"""Live rooms: what Summitry decides and keeps; Janus only carries the media.

Thin on purpose: every write and rule lives in :mod:`summitry.rooms.services`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from summitry.directory.models import Person
from summitry.engagements.models import Engagement


class Room(models.Model):
    class Layout(models.TextChoices):
        AUDIO = "audio", "Audio only"
        GALLERY = "gallery", "Everyone"
        SPEAKER = "speaker", "Speaker large, others small"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ENDED = "ended", "Ended"

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="room")
    janus_instance = models.CharField(max_length=100)
    videoroom_id = models.BigIntegerField(null=True, blank=True)
    videoroom_secret = models.CharField(max_length=100, blank=True)
    audiobridge_id = models.BigIntegerField(null=True, blank=True)
    audiobridge_secret = models.CharField(max_length=100, blank=True)
    #: ``{"fr": <AudioBridge room id>, ...}``: one interpretation channel per language
    #: (they share ``audiobridge_secret``).
    interpretation_rooms = models.JSONField(default=dict, blank=True)
    layout = models.CharField(max_length=20, choices=Layout.choices)
    speaking_limit_seconds = models.PositiveIntegerField(default=0)
    auto_advance = models.BooleanField(default=False)
    interpretation_languages = models.JSONField(default=list, blank=True)
    floor_control = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    press_token_hash = models.CharField(max_length=64, unique=True)
    #: Janus token shared by press viewers: on the allowed lists, never publishes.
    press_janus_token = models.CharField(max_length=100, blank=True)
    #: Bumped by every change; clients keep the newest state.
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Room of {self.engagement}"


def link_works(now: dt.datetime) -> Q:
    """The person's link still opens the room: not revoked, not expired, room open, not banned."""
    return Q(revoked_at__isnull=True, expires_at__gt=now, room__status=Room.Status.OPEN) & ~Q(
        state=Invitation.State.BANNED
    )


def may_be_in_room(now: dt.datetime) -> Q:
    """The one rule for "may be in this room now": admitted, and the link still works.

    Janus tokens are issued, restored after a restart, and kept by the floor's enforcement only
    for those it holds; the sweep cuts off those it no longer holds.
    """
    return link_works(now) & Q(state=Invitation.State.ADMITTED)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def link_works(self, now: dt.datetime) -> InvitationQuerySet:
        return self.filter(link_works(now))

    def may_be_in_room(self, now: dt.datetime) -> InvitationQuerySet:
        return self.filter(may_be_in_room(now))


class Invitation(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        PARTICIPANT = "participant", "Participant"
        INTERPRETER = "interpreter", "Interpreter"
        OBSERVER = "observer", "Observer"

    class State(models.TextChoices):
        INVITED = "invited", "Invited"
        WAITING = "waiting", "In the lobby"
        ADMITTED = "admitted", "Admitted"
        REMOVED = "removed", "Removed"
        BANNED = "banned", "Banned"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="room_invitations")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    language_from = models.CharField(max_length=12, blank=True)
    language_to = models.CharField(max_length=12, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.INVITED)
    order = models.PositiveIntegerField(default=0)
    janus_publisher_id = models.BigIntegerField()
    janus_token = models.CharField(max_length=100, blank=True)
    muted = models.BooleanField(default=False)
    #: Open WebSocket connections (across workers); presence with a grace period.
    connections = models.PositiveIntegerField(default=0)
    online = models.BooleanField(default=False)
    #: When a worker last knew a socket of this person open (opened, still open, closed): a
    #: socket on a worker that died stops being renewed, and any worker's sweep sees it.
    seen_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "janus_publisher_id"], name="unique_publisher_per_room"
            ),
            models.UniqueConstraint(fields=["room", "person"], name="unique_invitation_per_room"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})"


class SpeakerRequest(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        SPEAKING = "speaking", "Speaking"
        DONE = "done", "Done"
        WITHDRAWN = "withdrawn", "Withdrawn"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="speaker_requests")
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="speaker_requests"
    )
    requested_at = models.DateTimeField()
    position = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=State.choices, default=State.WAITING)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    limit_seconds = models.PositiveIntegerField(default=0)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.invitation} ({self.state})"


class RoomEvent(models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", "Room opened"
        INVITED = "invited", "Invited"
        REVOKED = "revoked", "Link revoked"
        LINK_EXPIRED = "link_expired", "Link expired"
        REISSUED = "reissued", "New link issued"
        ARRIVED = "arrived", "Waiting in the lobby"
        JOINED = "joined", "Joined"
        LEFT = "left", "Left"
        ADMITTED = "admitted", "Admitted"
        FLOOR_REQUESTED = "floor_requested", "Floor requested"
        FLOOR_WITHDRAWN = "floor_withdrawn", "Request withdrawn"
        FLOOR_GIVEN = "floor_given", "Floor given"
        FLOOR_ENDED = "floor_ended", "Finished speaking"
        TIME_EXPIRED = "time_expired", "Time expired"
        MUTED = "muted", "Muted"
        UNMUTED = "unmuted", "Unmuted"
        REMOVED = "removed", "Removed"
        BANNED = "banned", "Banned"
        JANUS_RESTORED = "janus_restored", "Media server restored"
        JANUS_FAILED = "janus_failed", "Media server did not answer"
        ENDED = "ended", "Ended"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind}"
