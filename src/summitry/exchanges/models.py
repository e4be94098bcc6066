"""Expert exchanges: the questions put to an expert video conference and the experts' answers.

A conference is an engagement of kind video_conference; its questions are kept with it and are
seen by whoever may see the engagement (engagements.queries.visible_to).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from summitry.directory.models import Country, Person
from summitry.engagements.models import Engagement


class Question(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    language = models.CharField(max_length=15)
    # The name shown with the question (a person and the body they speak for).
    asker_name = models.CharField(max_length=200)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    # The text and the asker's name as the segmented index reads them (summitry.search.segment).
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["asked_at", "id"]
        indexes = [models.Index(fields=["engagement", "asked_at"], name="question_by_conference")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def before_conference(self) -> bool:
        start = self.engagement.start
        return start is None or self.asked_at < start


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # The expert who answers, by name: one of the conference's participants.
    expert = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="answers_given")
    text = models.TextField()
    language = models.CharField(max_length=15)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["answered_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Material(models.Model):
    """A document presented at a conference: an edition of a work, or one of its translations."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="materials")
    edition = models.ForeignKey(
        "knowledge.Edition", on_delete=models.CASCADE, related_name="presentations"
    )
    translation = models.ForeignKey(
        "knowledge.Translation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="presentations",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "edition", "translation"], name="material_presented_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.translation or self.edition)
