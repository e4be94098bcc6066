from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from summitry.directory.models import Country, Office, Organisation, Person


class Kind(models.TextChoices):
    TELEPHONE_CALL = "telephone_call", _("Telephone call")
    VIDEO_MEETING = "video_meeting", _("Video meeting (bilateral)")
    VIRTUAL_SUMMIT = "virtual_summit", _("Virtual summit")
    VIDEO_CONFERENCE = "video_conference", _("Video conference (ministerial or expert)")
    VIDEO_ADDRESS = "video_address", _("Address by video link")
    WRITTEN_MESSAGE = "written_message", _("Written message")
    IN_PERSON = "in_person", _("In person")


# Every kind but in_person is held at a distance; the review's online share rests on this.
ONLINE_KINDS = frozenset(k for k in Kind if k != Kind.IN_PERSON)


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    POSTPONED = "postponed", _("Postponed")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted (signed-in staff)")
    CONFIDENTIAL = "confidential", _("Confidential (named readers)")


class Role(models.TextChoices):
    PRINCIPAL = "principal", _("Principal")
    HEAD_OF_DELEGATION = "head_of_delegation", _("Head of delegation")
    DELEGATION_MEMBER = "delegation_member", _("Delegation member")
    INTERPRETER = "interpreter", _("Interpreter")
    OBSERVER = "observer", _("Observer")


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Kept at module level so that services can write one history record per write (see services).
ENGAGEMENT_HISTORY = HistoricalRecords(
    excluded_fields=["updated_at"],
    m2m_fields=["countries", "organisations", "topics", "readers"],
)


class Engagement(models.Model):
    ref = models.SlugField(
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text="Stable reference used by imports; re-importing the same ref updates it.",
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    start = models.DateTimeField(null=True, blank=True, db_index=True)
    end = models.DateTimeField(null=True, blank=True)
    # Many records give a date and no hour; such starts are stored at 12:00 UTC and shown as dates.
    time_known = models.BooleanField(default=True)
    host_country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="hosted"
    )
    host_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="hosted"
    )
    chair = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="chaired"
    )
    countries = models.ManyToManyField(Country, blank=True, related_name="engagements")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="engagements")
    topics = models.ManyToManyField(Topic, blank=True, related_name="engagements")
    readout = models.TextField(blank=True)
    # The title and readout above are the original; versions in other languages are its texts.
    original_language = models.CharField(max_length=15, default="en")
    confidentiality = models.CharField(
        max_length=20, choices=Confidentiality.choices, default=Confidentiality.PUBLIC
    )
    readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="readable_engagements",
        help_text="Who may read a confidential engagement besides administrators.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = ENGAGEMENT_HISTORY

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=False, end__gte=models.F("start")),
                name="engagement_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["held", "scheduled"]) | Q(start__isnull=False),
                name="engagement_held_or_scheduled_has_start",
            ),
        ]
        indexes = [
            # The register's sortable columns, each with the id that breaks ties (keyset pages)
            # and the column the access rule reads, so that a page and its count skip the rows
            # the viewer may not see in the index, without reading the table.
            models.Index(fields=["start", "id", "confidentiality"], name="engagement_date_access"),
            models.Index(fields=["title", "id", "confidentiality"], name="engagement_title_access"),
            models.Index(fields=["kind", "id", "confidentiality"], name="engagement_kind_access"),
            models.Index(
                fields=["status", "id", "confidentiality"], name="engagement_status_access"
            ),
            # A kind listed newest first (the register's default order), and counted.
            models.Index(
                fields=["kind", "start", "id", "confidentiality"],
                name="engagement_kind_date_access",
            ),
            # The yearly review: a year's held engagements by a range of starts, with every
            # column its counts and the public's filter read, so the table itself is not read.
            models.Index(
                fields=["status", "start", "time_known", "confidentiality", "kind"],
                name="engagement_review_idx",
            ),
            # The review cache's stamp of a year: count and latest update over a start range.
            models.Index(fields=["start", "updated_at"], name="engagement_start_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagements:detail", args=[self.pk])


class EngagementText(models.Model):
    """The title and readout in a language other than the original's (which the engagement holds),
    as a ministry publishes a readout in its language and in English."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=15)
    title = models.CharField(max_length=300)
    readout = models.TextField(blank=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "language"], name="one_text_a_language"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class Participation(models.Model):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.HEAD_OF_DELEGATION)
    office = models.ForeignKey(
        Office,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="The office held on the day of the engagement.",
    )
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "person"], name="unique_participant"),
        ]
        indexes = [
            # The review counts roles and people per engagement from this index alone.
            models.Index(fields=["engagement", "role", "person"], name="participation_role_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class Source(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="sources")
    citation = models.CharField(max_length=300)
    url = models.URLField(blank=True, max_length=500)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.citation
