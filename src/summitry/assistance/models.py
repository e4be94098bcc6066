"""The assistance ledger: deliveries (with their items, medical teams and sources) and the totals
reported in aggregate, which are kept apart and never added to the deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from summitry.directory.models import Country, Organisation
from summitry.engagements.models import Engagement


class DonorKind(models.TextChoices):
    GOVERNMENT_BODY = "government_body", _("Government body")
    PROVINCE_OR_CITY = "province_or_city", _("Province or city")
    COMPANY = "company", _("Company")
    FOUNDATION = "foundation", _("Foundation")


class Channel(models.TextChoices):
    BILATERAL = "bilateral", _("Bilateral")
    MULTILATERAL = "multilateral", _("Through an organisation")


class Modality(models.TextChoices):
    DONATION_IN_KIND = "donation_in_kind", _("Donation in kind")
    CASH_GRANT = "cash_grant", _("Cash grant")
    MEDICAL_TEAM = "medical_team", _("Medical team")
    TRAINING = "training", _("Training")
    LOAN = "loan", _("Loan")
    COMMERCIAL = "commercial", _("Commercial sale (not aid)")


# Commercial sales are recorded when useful but never counted as aid.
AID_MODALITIES = frozenset(m for m in Modality if m != Modality.COMMERCIAL)


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    BY = "by", _("By a report's date")


class Stage(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    SHIPPED = "shipped", _("Shipped")
    ARRIVED = "arrived", _("Arrived")
    HANDED_OVER = "handed_over", _("Handed over")


class Unit(models.TextChoices):
    PIECE = "piece", _("pieces")
    PAIR = "pair", _("pairs")
    DOSE = "dose", _("doses")
    KIT = "kit", _("kits")
    TEAM = "team", _("teams")


class Qualifier(models.TextChoices):
    EXACT = "", _("exactly")
    MORE_THAN = "more_than", _("more than")
    AROUND = "around", _("around")
    NEARLY = "nearly", _("nearly")


class AsOfPrecision(models.TextChoices):
    DAY = "day", _("Day")
    YEAR = "year", _("Year")


class Donor(models.Model):
    """A government body, a province or city, a company or a foundation."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=DonorKind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="donors")
    # The organisation identifier IATI publishes under (e.g. "GB-GOV-1"); blank if none.
    iati_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """An entry of the catalogue of goods (and teams), counted in one unit."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=10, choices=Unit.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    ref = models.SlugField(max_length=120, unique=True)
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="deliveries")
    recipient_country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    recipient_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.BILATERAL)
    channel_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    modality = models.CharField(max_length=20, choices=Modality.choices)
    description = models.TextField(blank=True)
    # Money given (cash, loans): the amount in its currency and in US dollars on the day.
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    usd = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    usd_rate = models.DecimalField(max_digits=18, decimal_places=8, null=True, blank=True)
    usd_rate_date = models.DateField(null=True, blank=True)
    # The date as known, and the span it stands for (a month; "by" a report's date).
    date = models.DateField()
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    earliest = models.DateField(null=True, blank=True)
    latest = models.DateField(db_index=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.HANDED_OVER)
    engagement = models.ForeignKey(
        Engagement, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-latest", "date_precision", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_country__isnull=True)
                | Q(recipient_organisation__isnull=True),
                name="delivery_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(earliest__isnull=True) | Q(earliest__lte=models.F("latest")),
                name="delivery_span_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("assistance:detail", args=[self.pk])

    @property
    def recipient(self) -> Country | Organisation | None:
        return self.recipient_country or self.recipient_organisation

    @property
    def recipient_code(self) -> str:
        if self.recipient_country is not None:
            return self.recipient_country.code
        if self.recipient_organisation is not None:
            return self.recipient_organisation.acronym
        return ""

    @property
    def is_aid(self) -> bool:
        return self.modality in AID_MODALITIES


class DeliveryItem(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="deliveries")
    # Null where the record names the goods but not how many.
    quantity = models.BigIntegerField(null=True, blank=True)
    # The product, where it matters (a vaccine's name).
    product = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="delivery_item_quantity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.item}"


class MedicalTeam(models.Model):
    delivery = models.OneToOneField(Delivery, on_delete=models.CASCADE, related_name="medical_team")
    size = models.PositiveIntegerField(null=True, blank=True)
    specialities = models.CharField(max_length=300, blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    host = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gte=models.F("start")),
                name="medical_team_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Medical team ({self.delivery})"


class DeliverySource(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="sources")
    citation = models.CharField(max_length=300)
    url = models.URLField(blank=True, max_length=500)
    quote = models.TextField(blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.citation


class ReportedTotal(models.Model):
    """A figure reported in aggregate ("200 billion masks to 150 countries"), as of a date, by
    whom, with its source. Shown beside the sum of the recorded deliveries, never added to it."""

    # Stable reference: one sentence of a report may carry two totals (teams, and money).
    ref = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="reported_totals")
    reported_by = models.CharField(max_length=200)
    # A report that gives no day (a year's review) is as of its year's last day, said so.
    as_of = models.DateField()
    as_of_precision = models.CharField(
        max_length=10, choices=AsOfPrecision.choices, default=AsOfPrecision.DAY
    )
    # Where the report gives its span ("between 1 March and 31 May").
    period_start = models.DateField(null=True, blank=True)
    commercial = models.BooleanField(default=False)
    recipient_countries = models.PositiveIntegerField(null=True, blank=True)
    recipient_organisations = models.PositiveIntegerField(null=True, blank=True)
    recipient_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    usd = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    quote = models.TextField()
    citation = models.CharField(max_length=300)
    url = models.URLField(blank=True, max_length=500)

    class Meta:
        ordering = ["-as_of", "id"]

    def __str__(self) -> str:
        return f"{self.reported_by}, {self.as_of.isoformat()}"


class ReportedItem(models.Model):
    total = models.ForeignKey(ReportedTotal, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField()
    # The report's own hedge ("more than 200 billion masks").
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} {self.item}"


class CommitmentLink(models.Model):
    """A delivery counts towards a commitment only through this explicit link, with the
    quantity (in the commitment's unit) it contributes; a delivery split across two commitments
    has two links whose quantities together stay within what it holds."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="commitment_links"
    )
    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.PROTECT, related_name="delivery_links"
    )
    quantity = models.DecimalField(max_digits=24, decimal_places=4)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "commitment"], name="one_link_a_pair"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="commitment_link_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery} → {self.commitment_id} ({self.quantity})"
