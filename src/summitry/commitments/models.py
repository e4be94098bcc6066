"""Commitments (pledges) and the progress reported against them. Rules live in services.py;
progress and status are derived in progress.py from the evidence the providers return."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from summitry.directory.models import Country, Office, Organisation, Person
from summitry.engagements.models import Engagement


class Kind(models.TextChoices):
    FUNDING = "funding", _("Funding")
    VACCINES = "vaccines", _("Vaccines")
    SUPPLIES = "supplies", _("Supplies")
    TRADE = "trade", _("Trade")
    INSTITUTIONAL = "institutional", _("Institutional")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")


class NamedUnit(models.TextChoices):
    """Units that are not currencies; a currency unit is its ISO 4217 code."""

    DOSES = "doses", _("doses")
    TONNES = "tonnes", _("tonnes")
    ITEMS = "items", _("items")
    TEAMS = "teams", _("teams")
    PEOPLE_TRAINED = "people_trained", _("people trained")


class Commitment(models.Model):
    ref = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    # Exactly one maker: a country or an organisation.
    maker_country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    maker_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    # Who spoke for the maker, in the office held that day.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    # PROTECT: the engagement's access rule is the commitment's; losing it would publish it.
    engagement = models.ForeignKey(
        Engagement, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    made_on = models.DateField(db_index=True)
    text = models.TextField(help_text=_("The words of the pledge, quoted."))
    language = models.CharField(max_length=15, default="en")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    # An ISO 4217 code ("CNY") or a NamedUnit value; blank when there is no amount.
    unit = models.CharField(max_length=20, blank=True)
    # Currency amounts in US dollars at the rate of made_on (or the nearest earlier day quoted).
    usd = models.DecimalField(max_digits=24, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(
        max_digits=20, decimal_places=10, null=True, blank=True, help_text="USD per unit."
    )
    rate_date = models.DateField(null=True, blank=True)
    rate_source = models.CharField(max_length=200, blank=True)
    beneficiary_countries = models.ManyToManyField(
        Country, blank=True, related_name="commitments_received"
    )
    beneficiary_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="commitments_received"
    )
    # "The members of the African Union": a group named by the organisation it is the members of.
    beneficiary_members_of = models.ManyToManyField(
        Organisation, blank=True, related_name="commitments_to_members"
    )
    # A group the directory does not hold, in words ("developing countries").
    beneficiary_group = models.CharField(max_length=200, blank=True)
    period_start = models.DateField(null=True, blank=True)
    due = models.DateField(null=True, blank=True)
    # The period in the pledge's own words ("over five years", "in due course").
    period = models.CharField(max_length=200, blank=True)
    conditions = models.TextField(blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-made_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(maker_country__isnull=False, maker_organisation__isnull=True)
                | Q(maker_country__isnull=True, maker_organisation__isnull=False),
                name="commitment_one_maker",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="commitment_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(due__isnull=True) | Q(due__gte=models.F("made_on")),
                name="commitment_due_after_made",
            ),
        ]
        indexes = [models.Index(fields=["kind", "made_on"], name="commitment_kind_idx")]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", args=[self.pk])

    @property
    def maker(self) -> Country | Organisation:
        maker = self.maker_country or self.maker_organisation
        assert maker is not None
        return maker


class Source(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="sources")
    citation = models.CharField(max_length=300)
    url = models.URLField(blank=True, max_length=500)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.citation


class ProgressReport(models.Model):
    """A dated figure of what has been delivered, in the commitment's unit, from a source."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="progress_reports"
    )
    on = models.DateField()
    amount = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    # The report says the commitment was met in full (for pledges with no amount to add up).
    completes = models.BooleanField(default=False)
    source = models.CharField(max_length=300)
    url = models.URLField(blank=True, max_length=500)
    note = models.TextField(blank=True)
    # Keys of evidence from other providers that this figure already includes ("delivery:12"):
    # those are then not added again.
    includes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="progress_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on.isoformat()}: {self.amount}"
