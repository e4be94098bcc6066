from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    """An ISO 3166-1 country or territory."""

    code = models.CharField("ISO alpha-2", max_length=2, unique=True)
    alpha3 = models.CharField("ISO alpha-3", max_length=3, unique=True)
    numeric = models.CharField("ISO numeric (M49)", max_length=3, unique=True)
    name = models.CharField(max_length=120)
    official_name = models.CharField(max_length=200, blank=True)
    region = models.CharField("UN M49 region", max_length=40, blank=True)
    subregion = models.CharField("UN M49 sub-region", max_length=60, blank=True)
    capital_zone = models.CharField("IANA time zone of the capital", max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Category(models.TextChoices):
        """What the body is. Only international and regional organisations are organisations
        in the review's counts; a forum, a format (a standing group of states that meets, such
        as ASEAN Plus Three) and an initiative are not."""

        INTERNATIONAL = "international_organisation", _("International organisation")
        REGIONAL = "regional_organisation", _("Regional organisation")
        FORUM = "forum", _("Forum")
        FORMAT = "format", _("Format")
        INITIATIVE = "initiative", _("Initiative")

    acronym = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=40, choices=Category.choices)
    seat = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="seated"
    )
    members = models.ManyToManyField(Country, blank=True, related_name="memberships")
    member_organisations = models.ManyToManyField("self", blank=True, symmetrical=False)
    notes = models.TextField(blank=True)
    # Official names by language code ("fr", "zh-hans"); null where it has none in a language.
    names = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["acronym"]

    def __str__(self) -> str:
        return self.acronym if self.acronym == self.name else f"{self.name} ({self.acronym})"


class Person(models.Model):
    name = models.CharField(max_length=200, unique=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    # Overrides the capital's zone when the person is known to work elsewhere.
    time_zone = models.CharField(max_length=64, blank=True)
    # The name as commonly written in other languages, by language code ("zh-hans": "习近平").
    names = models.JSONField(default=dict, blank=True)
    # What the person is written to in (room invitations); empty: the engagement's language.
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Language of the invitations this person is sent."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> str:
        if self.time_zone:
            return self.time_zone
        if self.country_id is not None and self.country is not None:
            return self.country.capital_zone or "UTC"
        return "UTC"


class Office(models.Model):
    """A post such as "President of the French Republic", held in terms."""

    title = models.CharField(max_length=200, unique=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="offices"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="offices"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TermQuerySet(models.QuerySet["Term"]):
    def on(self, day: dt.date) -> TermQuerySet:
        # A term covers its first day up to, but not including, its end (the successor's first day).
        return self.filter(Q(end__isnull=True) | Q(end__gt=day), start__lte=day)


class Term(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="terms")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="terms")
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text=_("First day out of office."))

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="term_ends_after_start",
            ),
            models.UniqueConstraint(fields=["person", "office", "start"], name="unique_term"),
        ]

    def __str__(self) -> str:
        until = self.end.isoformat() if self.end else "…"
        return f"{self.person} — {self.office} ({self.start.isoformat()} to {until})"
