"""Live rooms: what Summitry decides and keeps; Janus only carries the media.

Thin on purpose: every write and rule lives in :mod:`summitry.rooms.services`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from summitry.directory.models import Person
from summitry.engagements.models import Engagement


class Room(models.Model):
    class Layout(models.TextChoices):
        AUDIO = "audio", _("Audio only")
        GALLERY = "gallery", pgettext_lazy("room layout", "Everyone")
        SPEAKER = "speaker", _("Speaker large, others small")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("room status", "Open")
        ENDED = "ended", pgettext_lazy("room status", "Ended")

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
    #: The iCalendar invitation last mailed (RFC 5546): its SEQUENCE and times; a move or a
    #: cancellation of the engagement mails an update with the next SEQUENCE.
    calendar_sequence = models.PositiveIntegerField(default=0)
    calendar_start = models.DateTimeField(null=True, blank=True)
    calendar_end = models.DateTimeField(null=True, blank=True)

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
        CHAIR = "chair", pgettext_lazy("the person who chairs a meeting", "Chair")
        PARTICIPANT = "participant", pgettext_lazy("room role", "Participant")
        INTERPRETER = "interpreter", pgettext_lazy("room role", "Interpreter")
        OBSERVER = "observer", pgettext_lazy("room role", "Observer")

    class State(models.TextChoices):
        INVITED = "invited", pgettext_lazy("invitation state", "Invited")
        WAITING = "waiting", pgettext_lazy("invitation state", "In the lobby")
        ADMITTED = "admitted", pgettext_lazy("invitation state", "Admitted")
        REMOVED = "removed", pgettext_lazy("invitation state", "Removed")
        BANNED = "banned", pgettext_lazy("invitation state", "Banned")

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
    #: Where the invitation was mailed (updates and cancellations go there too).
    email = models.EmailField(blank=True)
    #: The chair lets this person share a screen even without the floor.
    screen_allowed = models.BooleanField(default=False)
    sharing_screen = models.BooleanField(default=False)
    #: When the page that last took the person's place back was served (ms, ``rules.new_page_id``):
    #: their older pages may no longer take it.
    place_page_at = models.BigIntegerField(null=True, blank=True)

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
        WAITING = "waiting", pgettext_lazy("speaker request", "Waiting")
        SPEAKING = "speaking", pgettext_lazy("speaker request", "Speaking")
        DONE = "done", pgettext_lazy("speaker request", "Done")
        WITHDRAWN = "withdrawn", pgettext_lazy("speaker request", "Withdrawn")

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
        OPENED = "opened", pgettext_lazy("room event", "Room opened")
        INVITED = "invited", pgettext_lazy("room event", "Invited")
        REVOKED = "revoked", pgettext_lazy("room event", "Link revoked")
        LINK_EXPIRED = "link_expired", pgettext_lazy("room event", "Link expired")
        REISSUED = "reissued", pgettext_lazy("room event", "New link issued")
        ARRIVED = "arrived", pgettext_lazy("room event", "Waiting in the lobby")
        JOINED = "joined", pgettext_lazy("room event", "Joined")
        LEFT = "left", pgettext_lazy("room event", "Left")
        ADMITTED = "admitted", pgettext_lazy("room event", "Admitted")
        FLOOR_REQUESTED = "floor_requested", pgettext_lazy("room event", "Floor requested")
        FLOOR_WITHDRAWN = "floor_withdrawn", pgettext_lazy("room event", "Request withdrawn")
        FLOOR_GIVEN = "floor_given", pgettext_lazy("room event", "Floor given")
        FLOOR_ENDED = "floor_ended", pgettext_lazy("room event", "Finished speaking")
        TIME_EXPIRED = "time_expired", pgettext_lazy("room event", "Time expired")
        MUTED = "muted", pgettext_lazy("room event", "Muted")
        UNMUTED = "unmuted", pgettext_lazy("room event", "Unmuted")
        REMOVED = "removed", pgettext_lazy("room event", "Removed")
        BANNED = "banned", pgettext_lazy("room event", "Banned")
        JANUS_RESTORED = "janus_restored", pgettext_lazy("room event", "Media server restored")
        JANUS_FAILED = "janus_failed", pgettext_lazy("room event", "Media server did not answer")
        ENDED = "ended", pgettext_lazy("room event", "Ended")
        REOPENED = "reopened", pgettext_lazy("room event", "Reopened")
        SCREEN_SHARED = "screen_shared", pgettext_lazy("room event", "Screen shared")
        SCREEN_STOPPED = "screen_stopped", pgettext_lazy("room event", "Screen sharing stopped")
        SCREEN_ALLOWED = "screen_allowed", pgettext_lazy("room event", "Allowed to share a screen")
        CHAT_HIDDEN = "chat_hidden", pgettext_lazy("room event", "Chat message hidden")
        INVITATION_SENT = "invitation_sent", pgettext_lazy("room event", "Invitation e-mailed")

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


class ChatMessage(models.Model):
    """A line of the room's chat, kept with its journal; hiding keeps it, marked."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="chat")
    sender = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="+")
    #: Only the chairs (and the sender) see it in the room.
    to_chair = models.BooleanField(default=False)
    text = models.TextField()
    at = models.DateTimeField(db_index=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.sender_id}"
