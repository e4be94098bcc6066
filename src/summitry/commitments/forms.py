"""The editor's forms: they turn what a desk officer typed into service input; the services
validate the rest and their errors are put back on the named fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from summitry.commitments.models import Kind
from summitry.commitments.services import CommitmentInput, SourceInput
from summitry.directory.models import Country, Organisation, Person
from summitry.engagements.models import Engagement

# Long lists get tom-select's search box (engagements/forms.js); the <select> stays the field.
SEARCHABLE = {"data-searchable": ""}
# A date input takes and shows ISO dates whatever the page's language.
ISO_DATE = "%Y-%m-%d"
AMOUNT = {"min": "0", "step": "any", "inputmode": "decimal"}


class CommitmentForm(forms.Form):
    maker_country = forms.ModelChoiceField(
        Country.objects.all(),
        label=gettext_lazy("Made by (country)"),
        required=False,
        to_field_name="code",
        widget=forms.Select(attrs=SEARCHABLE),
    )
    maker_organisation = forms.ModelChoiceField(
        Organisation.objects.all(),
        label=gettext_lazy("Made by (organisation)"),
        required=False,
        to_field_name="acronym",
        widget=forms.Select(attrs=SEARCHABLE),
    )
    person = forms.ModelChoiceField(
        Person.objects.all(),
        label=gettext_lazy("Person"),
        required=False,
        widget=forms.Select(attrs=SEARCHABLE),
        help_text=gettext_lazy("The office held that day is taken from the directory."),
    )
    engagement = forms.ModelChoiceField(
        Engagement.objects.none(),
        label=gettext_lazy("Engagement"),
        required=False,
        widget=forms.Select(attrs=SEARCHABLE),
    )
    made_on = forms.DateField(
        label=gettext_lazy("Made on"),
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Quoted words"), widget=forms.Textarea(attrs={"rows": 4})
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"),
        required=False,
        max_digits=22,
        decimal_places=4,
        widget=forms.NumberInput(attrs=AMOUNT),
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit or currency"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("An ISO 4217 currency code (CNY, USD…) or doses, tonnes, items…"),
    )
    beneficiary_countries = forms.ModelMultipleChoiceField(
        Country.objects.all(),
        label=gettext_lazy("Beneficiary countries"),
        required=False,
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 6, **SEARCHABLE}),
    )
    beneficiary_organisations = forms.ModelMultipleChoiceField(
        Organisation.objects.all(),
        label=gettext_lazy("Beneficiary organisations"),
        required=False,
        to_field_name="acronym",
        widget=forms.SelectMultiple(attrs={"size": 4, **SEARCHABLE}),
    )
    beneficiary_members_of = forms.ModelMultipleChoiceField(
        Organisation.objects.all(),
        label=gettext_lazy("The members of"),
        required=False,
        to_field_name="acronym",
        widget=forms.SelectMultiple(attrs={"size": 4, **SEARCHABLE}),
    )
    due = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("In words, for example: over five years."),
    )
    conditions = forms.CharField(
        label=gettext_lazy("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sources = forms.CharField(
        label=gettext_lazy("Sources"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One a line: a citation, or a citation | URL."),
    )

    def __init__(self, *args: Any, engagements: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only engagements the editor may see can be cited.
        field = self.fields["engagement"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = engagements if engagements is not None else Engagement.objects.none()

    def clean_unit(self) -> str:
        return str(self.cleaned_data["unit"]).strip()

    def clean_sources(self) -> list[SourceInput]:
        sources = []
        for line in str(self.cleaned_data["sources"]).splitlines():
            if line.strip():
                citation, _sep, url = (part.strip() for part in line.partition("|"))
                sources.append(SourceInput(citation=citation or url, url=url))
        if not sources:
            raise ValidationError(_("Name at least one source."))
        return sources

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("maker_country")) == bool(data.get("maker_organisation")):
            self.add_error(
                "maker_country", _("Choose the country or the organisation that made it, not both.")
            )
        return data

    def to_input(self) -> CommitmentInput:
        data = self.cleaned_data
        amount: Decimal | None = data.get("amount")
        return CommitmentInput(
            made_on=data["made_on"],
            text=data["text"],
            kind=data["kind"],
            maker=data["maker_country"] or data["maker_organisation"],
            person=data.get("person"),
            engagement=data.get("engagement"),
            amount=amount,
            unit=data["unit"].upper() if len(data["unit"]) == 3 else data["unit"],
            beneficiary_countries=list(data["beneficiary_countries"]),
            beneficiary_organisations=list(data["beneficiary_organisations"]),
            beneficiary_members_of=list(data["beneficiary_members_of"]),
            due=data.get("due"),
            period=data["period"],
            conditions=data["conditions"],
            sources=data["sources"],
        )


class ProgressForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"})
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount delivered"),
        required=False,
        max_digits=22,
        decimal_places=4,
        widget=forms.NumberInput(attrs=AMOUNT),
        help_text=gettext_lazy("In the commitment's unit."),
    )
    completes = forms.BooleanField(label=gettext_lazy("Met in full"), required=False)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300)
    url = forms.CharField(label=gettext_lazy("Link"), required=False, max_length=500)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    delivery = forms.CharField(
        label=gettext_lazy("Delivery cited"),
        required=False,
        max_length=40,
        help_text=gettext_lazy(
            "The key of a recorded delivery this figure includes, such as delivery:12."
        ),
    )


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=gettext_lazy("Withdrawn on"),
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)


class AmendForm(forms.Form):
    """What may change once a pledge is recorded; its words, maker and amount are the record."""

    due = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("In words, for example: over five years."),
    )
    conditions = forms.CharField(
        label=gettext_lazy("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
