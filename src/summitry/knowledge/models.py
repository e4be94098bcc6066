"""The knowledge centre: works, their numbered editions, translations of each edition, topics.

A work is shared with every country unless the publisher names the countries it is shared with;
`queries.py` holds the one access rule. Downloads are counted per day, country and language,
never per person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from summitry.directory.models import Country


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    # The name in other languages, by language code ("fr", "zh-hans").
    names = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Work(models.Model):
    class Kind(models.TextChoices):
        PROTOCOL = "protocol", _("Protocol")
        PLAN = "plan", _("Plan")
        GUIDANCE = "guidance", _("Guidance")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # The language the editions are first written in (Django's codes: "zh-hans", "en").
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    topics = models.ManyToManyField(Topic, blank=True, related_name="works")
    # Empty: shared with every country and the public. Otherwise only with these countries.
    shared_with = models.ManyToManyField(Country, blank=True, related_name="shared_works")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:work", args=[self.slug])


class Document(models.Model):
    """The text of an edition or translation: Markdown written here, or an uploaded file whose
    text is extracted. `search_text` is what the full-text index reads (see search.py)."""

    class Format(models.TextChoices):
        NONE = "", _("No text yet")
        MARKDOWN = "markdown", _("Markdown")
        PDF = "pdf", _("PDF")
        DOCX = "docx", _("Word (DOCX)")

    text_format = models.CharField(
        _("text format"), max_length=10, choices=Format.choices, default=Format.NONE, blank=True
    )
    # The Markdown source, or the plain text extracted from the file.
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="knowledge/%Y/", blank=True, max_length=300)
    search_text = models.TextField(blank=True, editable=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def readable_text(self) -> str:
        """The words without markup: what search and snippets read."""
        if self.text_format == self.Format.MARKDOWN:
            from summitry.knowledge.documents import plain_text

            return plain_text(self.text)
        return self.text


class Edition(Document):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="editions")
    number = models.PositiveSmallIntegerField(_("number"))
    # The edition's own name where it has one ("Trial Version 7").
    label = models.CharField(_("label"), max_length=200, blank=True)
    # Exactly one current edition per work once any is published; the others are superseded.
    is_current = models.BooleanField(_("current"), default=False)
    changes = models.TextField(_("summary of changes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["work", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["work", "number"], name="edition_work_number_unique"),
            models.UniqueConstraint(
                fields=["work"], condition=Q(is_current=True), name="edition_one_current_per_work"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work} ({self.number})"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:edition", args=[self.work.slug, self.number])

    @property
    def language(self) -> str:
        return self.work.language


class Translation(Document):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=16)
    # The work's title in this language.
    title = models.CharField(_("title"), max_length=300, blank=True)
    translator = models.CharField(_("translator"), max_length=300, blank=True)
    reviewed = models.BooleanField(_("reviewed"), default=False)
    reviewer = models.CharField(_("reviewer"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["edition", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "language"], name="translation_edition_language_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition} [{self.language}]"

    def get_absolute_url(self) -> str:
        return reverse(
            "knowledge:translation",
            args=[self.edition.work.slug, self.edition.number, self.language],
        )


class AccessGrant(models.Model):
    """The publisher's word that a signed-in reader reads for a country: it opens the works
    shared with that country to them. Readers never declare their own country."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_grants"
    )
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "country"]
        constraints = [
            models.UniqueConstraint(fields=["user", "country"], name="grant_user_country_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.country}"


class DownloadCount(models.Model):
    """Downloads of one edition in one language on one day from one country ('' unknown).
    A counter, not a log: no address, no person, no time of day."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="downloads")
    # The language of the file taken: the edition's own or a translation's.
    language = models.CharField(max_length=16)
    # ISO alpha-2, or '' when the country is not known.
    country = models.CharField(max_length=2, blank=True)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "language", "country", "day"], name="download_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.language} {self.country or '??'} {self.day}: {self.count}"
