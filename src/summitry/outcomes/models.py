"""Outcome documents: the texts a meeting drafts and adopts, their revisions, the comments and
objections of the delegations, the silence procedure, the parties and the translations.

The rules (who may do what, in which order) live in services.py; who may read what in queries.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from summitry.directory.models import Country, Organisation
from summitry.engagements.models import Engagement


class DocumentKind(models.TextChoices):
    JOINT_STATEMENT = "joint_statement", _("Joint statement")
    DECLARATION = "declaration", _("Declaration")
    COMMUNIQUE = "communique", _("Communiqué")
    CHAIRS_STATEMENT = "chairs_statement", _("Chair's statement")
    ACTION_PLAN = "action_plan", _("Action plan")
    AGREEMENT = "agreement", _("Agreement")
    RESOLUTION = "resolution", _("Resolution")
    PRESS_RELEASE = "press_release", _("Press release")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATED = "circulated", _("Circulated for comments")
    UNDER_SILENCE = "under_silence", _("Under silence procedure")
    ADOPTED = "adopted", _("Adopted")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OutcomeDocument(models.Model):
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    title = models.CharField(max_length=300)
    # The stage of the text being worked on; after publication a corrigendum goes through the
    # stages again while the published text stays public (published_at is kept).
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    engagements: models.ManyToManyField[Engagement, DocumentEngagement] = models.ManyToManyField(
        Engagement, through="DocumentEngagement", related_name="outcome_documents"
    )
    # The language the text is drafted in; the authentic languages are those whose versions
    # are equally authoritative (BCP 47 codes, as Engagement.original_language).
    original_language = models.CharField(max_length=15, default="en")
    authentic_languages = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "id"], name="outcome_document_by_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outcomes:detail", args=[self.pk])

    def engagements_once(self) -> list[Engagement]:
        """Each linked engagement once: one where the text was drafted and adopted has two links."""
        return list({e.pk: e for e in self.engagements.all()}.values())


class EngagementRole(models.TextChoices):
    DRAFTED = "drafted", _("Drafted at")
    ADOPTED = "adopted", _("Adopted at")


class DocumentEngagement(models.Model):
    document = models.ForeignKey(
        OutcomeDocument, on_delete=models.CASCADE, related_name="engagement_links"
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="outcome_document_links"
    )
    role = models.CharField(max_length=20, choices=EngagementRole.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "engagement", "role"], name="one_document_engagement_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} — {self.get_role_display()} {self.engagement}"


def _one_of_country_or_organisation(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(country__isnull=False, organisation__isnull=True)
        | Q(country__isnull=True, organisation__isnull=False),
        name=name,
    )


class Delegation(models.Model):
    """A country or organisation taking part in drafting a document, and the users who act for it
    there (set by an editor). Comments and objections are made by a delegation."""

    document = models.ForeignKey(
        OutcomeDocument, on_delete=models.CASCADE, related_name="delegations"
    )
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT)
    # The zone the delegation reads deadlines in; empty: the capital's (or the seat's) zone.
    time_zone = models.CharField(max_length=64, blank=True)
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="outcome_delegations"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            _one_of_country_or_organisation("delegation_country_or_organisation"),
            models.UniqueConstraint(
                fields=["document", "country"], name="one_delegation_a_country"
            ),
            models.UniqueConstraint(
                fields=["document", "organisation"], name="one_delegation_an_organisation"
            ),
        ]

    def __str__(self) -> str:
        return str(self.country or self.organisation)

    @property
    def zone(self) -> str:
        if self.time_zone:
            return self.time_zone
        if self.country is not None:
            return self.country.capital_zone or "UTC"
        if self.organisation is not None and self.organisation.seat is not None:
            return self.organisation.seat.capital_zone or "UTC"
        return "UTC"


class Revision(models.Model):
    """One state of the text. Numbered from 1 per document; a revision once adopted is frozen
    (services refuse to change it); a corrigendum is a later revision with its own adoption."""

    document = models.ForeignKey(
        OutcomeDocument, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    note = models.CharField(max_length=300, blank=True)
    is_corrigendum = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_at_engagement = models.ForeignKey(
        Engagement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_revision_a_number"),
        ]

    def __str__(self) -> str:
        return f"{self.document} — r{self.number}"

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs.all())


class Paragraph(models.Model):
    """A numbered paragraph of a revision: what comments (and commitments) point at.
    Its anchor in pages is `p<number>`."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="paragraphs")
    number = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["revision", "number"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "number"], name="one_paragraph_a_number"),
        ]

    def __str__(self) -> str:
        return f"{self.revision} ¶{self.number}"

    @property
    def anchor(self) -> str:
        return f"p{self.number}"


class Comment(models.Model):
    """A delegation's comment on a revision, on one paragraph or (paragraph empty) the whole."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.ForeignKey(
        Paragraph, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField()
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.delegation}: {self.text[:40]}"


class SilenceOutcome(models.TextChoices):
    RUNNING = "running", _("Running")
    PASSED = "passed", _("Passed without objection")
    BROKEN = "broken", _("Broken")


class SilenceProcedure(models.Model):
    """A revision put under silence until a deadline (an instant, stored in UTC). It passes when
    the deadline comes with no objection; one objection breaks it, and is kept."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="silences")
    deadline = models.DateTimeField()
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(
        max_length=20, choices=SilenceOutcome.choices, default=SilenceOutcome.RUNNING
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("started_at")),
                name="silence_deadline_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision} — silence until {self.deadline.isoformat()}"


class Objection(models.Model):
    """The objection of a delegation that broke a silence procedure."""

    silence = models.ForeignKey(
        SilenceProcedure, on_delete=models.CASCADE, related_name="objections"
    )
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="objections")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.delegation}: {self.text[:40]}"


class PartyAction(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    SIGNED = "signed", _("Signed")
    JOINED = "joined", _("Joined later")
    DISSOCIATED = "dissociated", _("Dissociated")
    RESERVATION = "reservation", _("Entered a reservation")


class Party(models.Model):
    """What a country or organisation did about the adopted text, on what day, in what words
    (the reservation or statement of dissociation, where there is one)."""

    document = models.ForeignKey(OutcomeDocument, on_delete=models.CASCADE, related_name="parties")
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=20, choices=PartyAction.choices)
    date = models.DateField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name_plural = _("parties")
        constraints = [_one_of_country_or_organisation("party_country_or_organisation")]

    def __str__(self) -> str:
        return f"{self.country or self.organisation} — {self.get_action_display()}"


class Translation(models.Model):
    """The text of a revision in another language, paragraph by paragraph (so that numbers line
    up with the original's); `authentic` when that language's version is authoritative."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=15)
    title = models.CharField(max_length=300)
    paragraphs = models.JSONField(default=list)
    authentic = models.BooleanField(default=False)
    url = models.URLField(blank=True, max_length=500)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "language"], name="one_translation_a_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision} [{self.language}]"


class DocumentSource(models.Model):
    """Where the record of the document comes from (a seed file, an official page)."""

    document = models.ForeignKey(OutcomeDocument, on_delete=models.CASCADE, related_name="sources")
    citation = models.CharField(max_length=300)
    url = models.URLField(blank=True, max_length=500)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.citation
