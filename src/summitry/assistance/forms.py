from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from summitry.assistance.models import (
    Channel,
    DatePrecision,
    Donor,
    Item,
    Modality,
    Stage,
)


def _choices(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Any")), *choices]


class LedgerFilters(forms.Form):
    year = forms.IntegerField(required=False, min_value=1900, max_value=2999, label=_("Year"))
    recipient = forms.CharField(required=False, max_length=40, label=_("Recipient"))
    modality = forms.ChoiceField(
        required=False, choices=_choices(Modality.choices), label=_("Modality")
    )
    channel = forms.ChoiceField(
        required=False, choices=_choices(Channel.choices), label=_("Channel")
    )
    stage = forms.ChoiceField(required=False, choices=_choices(Stage.choices), label=_("Stage"))
    item = forms.ChoiceField(required=False, label=_("Item"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = _choices([(i.code, _(i.name)) for i in Item.objects.all()])  # type: ignore[attr-defined]


class DeliveryForm(forms.Form):
    """One delivery of one item or of money; spreadsheets carry several items a delivery."""

    ref = forms.SlugField(max_length=120, label=_("Reference"))
    donor = forms.ModelChoiceField(
        queryset=Donor.objects.all(), label=_("Donor"), to_field_name="name"
    )
    recipient = forms.CharField(
        max_length=40,
        label=_("Recipient"),
        help_text=_("A country's two-letter ISO code (RS) or an organisation's acronym (WHO)."),
    )
    modality = forms.ChoiceField(choices=Modality.choices, label=_("Modality"))
    channel = forms.ChoiceField(choices=Channel.choices, label=_("Channel"))
    channel_organisation = forms.CharField(
        max_length=40, required=False, label=_("Through (organisation)")
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    date_precision = forms.ChoiceField(choices=DatePrecision.choices, label=_("Date precision"))
    stage = forms.ChoiceField(choices=Stage.choices, initial=Stage.HANDED_OVER, label=_("Stage"))
    item = forms.ModelChoiceField(
        queryset=Item.objects.all(), required=False, to_field_name="code", label=_("Item")
    )
    quantity = forms.IntegerField(required=False, min_value=1, label=_("Quantity"))
    product = forms.CharField(max_length=120, required=False, label=_("Product (a vaccine's name)"))
    amount = forms.DecimalField(required=False, max_digits=18, decimal_places=2, label=_("Amount"))
    currency = forms.CharField(max_length=3, required=False, label=_("Currency (ISO 4217)"))
    engagement = forms.IntegerField(
        required=False,
        min_value=1,
        label=_("Engagement (number)"),
        help_text=_("The engagement where the delivery was announced or handed over."),
    )
    team_size = forms.IntegerField(required=False, min_value=1, label=_("Team size"))
    specialities = forms.CharField(max_length=300, required=False, label=_("Specialities"))
    team_start = forms.DateField(
        required=False, label=_("Team from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    team_end = forms.DateField(
        required=False, label=_("Team to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    host = forms.CharField(max_length=2, required=False, label=_("Host country (ISO code)"))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Description")
    )
    citation = forms.CharField(max_length=300, label=_("Source"))
    url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label=_("Source link")
    )
