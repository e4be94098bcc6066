"""The review's tallies: each year's figures kept counted as the register is written.

A `Contribution` is what one held engagement adds to its year's figures (one row per month and
kind, principal, head of delegation, country, organisation and region it counts in); a `Tally`
is the sum of a year's contributions by confidentiality, so that a review reads a few thousand
counts, not the year's records. Both are kept per review time zone, since the zone dates the
records. `TallyState` says a (zone, year) is counted, and holds the year's stamp at that time: a
write that bypasses the models changes the stamp, and the year is counted again.
"""

from __future__ import annotations

from django.db import models


class Figure(models.TextChoices):
    MONTH = "month"  # item: the month (1-12); label: the kind
    PRINCIPAL = "principal"  # item: the person; label: the kind
    HEAD = "head"  # item: the person (head of delegation)
    COUNTRY = "country"  # item: the country represented
    ORGANISATION = "organisation"  # item: the organisation represented
    # item: the only country of the engagement in that region, or 0 if it has several there
    # (then the region counts whatever the home country is); label: the region.
    REGION = "region"


class Contribution(models.Model):
    # Not a foreign key: a deleted engagement's contribution must still be found to take it away.
    engagement_id = models.BigIntegerField(db_index=True)
    zone = models.CharField(max_length=64)
    year = models.IntegerField()
    confidentiality = models.CharField(max_length=20)
    figure = models.CharField(max_length=20, choices=Figure.choices)
    item = models.BigIntegerField()
    label = models.CharField(max_length=100, default="")

    class Meta:
        indexes = [models.Index(fields=["zone", "year"], name="contribution_year_idx")]

    def __str__(self) -> str:
        return f"{self.engagement_id}: {self.figure} {self.item} {self.label}"


class Tally(models.Model):
    zone = models.CharField(max_length=64)
    year = models.IntegerField()
    confidentiality = models.CharField(max_length=20)
    figure = models.CharField(max_length=20, choices=Figure.choices)
    item = models.BigIntegerField()
    label = models.CharField(max_length=100, default="")
    total = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "year", "confidentiality", "figure", "item", "label"],
                name="unique_tally",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.figure} {self.item} {self.label}: {self.total}"


class TallyState(models.Model):
    zone = models.CharField(max_length=64)
    year = models.IntegerField()
    stamp = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone", "year"], name="unique_tally_state")]

    def __str__(self) -> str:
        return f"{self.zone} {self.year}"
