"""Forms of the drafting pages: they turn what a person typed into service input."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from summitry.directory.languages import DEFAULT_LANGUAGE, UN_LANGUAGES
from summitry.directory.models import Country, Organisation
from summitry.directory.names import language_name
from summitry.engagements.models import Engagement
from summitry.outcomes.models import DocumentKind, DocumentStatus, PartyAction

ZONE_CHOICES = sorted(zoneinfo.available_timezones())


def _languages() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in UN_LANGUAGES]


class TextForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    text = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy("One paragraph per block; leave an empty line between paragraphs."),
    )
    note = forms.CharField(label=gettext_lazy("What changed"), max_length=300, required=False)


class DocumentForm(TextForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=DocumentKind.choices)
    engagement = forms.ModelChoiceField(
        Engagement.objects.none(),
        label=gettext_lazy("Engagement where it is drafted"),
        widget=forms.Select(attrs={"data-searchable": ""}),
    )
    original_language = forms.ChoiceField(
        label=gettext_lazy("Language of the original"), initial=DEFAULT_LANGUAGE
    )
    authentic_languages = forms.MultipleChoiceField(
        label=gettext_lazy("Authentic languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["kind", "title", "engagement", "original_language", "authentic_languages"]

    def __init__(self, *args: Any, engagements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        engagement = self.fields["engagement"]
        assert isinstance(engagement, forms.ModelChoiceField)
        engagement.queryset = engagements
        self.fields["original_language"].choices = _languages()  # type: ignore[attr-defined]
        self.fields["authentic_languages"].choices = _languages()  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    delegation = forms.TypedChoiceField(label=gettext_lazy("On behalf of"), coerce=int)
    paragraph = forms.IntegerField(
        label=gettext_lazy("Paragraph"), required=False, min_value=1, max_value=2_000
    )
    text = forms.CharField(label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, delegations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delegation"].choices = delegations  # type: ignore[attr-defined]


class ObjectionForm(forms.Form):
    delegation = forms.TypedChoiceField(label=gettext_lazy("On behalf of"), coerce=int)
    text = forms.CharField(
        label=gettext_lazy("Objection"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, delegations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delegation"].choices = delegations  # type: ignore[attr-defined]


class SilenceForm(forms.Form):
    deadline = forms.DateTimeField(
        label=gettext_lazy("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone of the deadline"),
        choices=[(z, z) for z in ZONE_CHOICES],
        initial="UTC",
    )

    def deadline_instant(self) -> dt.datetime:
        """The deadline as typed, in the zone chosen: one instant."""
        typed = self.cleaned_data["deadline"]
        zone = zoneinfo.ZoneInfo(self.cleaned_data["time_zone"])
        return typed.replace(tzinfo=None).replace(tzinfo=zone)  # type: ignore[no-any-return]


class AdoptForm(forms.Form):
    engagement = forms.ModelChoiceField(
        Engagement.objects.none(),
        label=gettext_lazy("Adopted in session at"),
        required=False,
        help_text=gettext_lazy("Leave empty when the silence procedure has passed."),
    )

    def __init__(self, *args: Any, engagements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["engagement"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = engagements


class DelegationForm(forms.Form):
    country = forms.ModelChoiceField(
        Country.objects.all(),
        label=gettext_lazy("Country"),
        required=False,
        to_field_name="code",
        widget=forms.Select(attrs={"data-searchable": ""}),
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.all(),
        label=gettext_lazy("Organisation"),
        required=False,
        to_field_name="acronym",
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        required=False,
        choices=[("", "—"), *((z, z) for z in ZONE_CHOICES)],
        help_text=gettext_lazy("Empty: the zone of the capital or of the seat."),
    )


class DelegatesForm(forms.Form):
    delegation = forms.IntegerField(widget=forms.HiddenInput)
    usernames = forms.CharField(
        label=gettext_lazy("Who acts for it (user names, separated by commas)"),
        required=False,
        max_length=2_000,
    )

    def clean_usernames(self) -> list[Any]:
        names = [n.strip() for n in self.cleaned_data["usernames"].split(",") if n.strip()]
        users = list(get_user_model().objects.filter(username__in=names, is_active=True))
        missing = sorted(set(names) - {u.get_username() for u in users})
        if missing:
            raise forms.ValidationError(
                gettext_lazy("Unknown user: %(names)s."), params={"names": ", ".join(missing)}
            )
        return users


class PartyForm(forms.Form):
    country = forms.ModelChoiceField(
        Country.objects.all(),
        label=gettext_lazy("Country"),
        required=False,
        to_field_name="code",
        widget=forms.Select(attrs={"data-searchable": ""}),
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.all(),
        label=gettext_lazy("Organisation"),
        required=False,
        to_field_name="acronym",
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=PartyAction.choices)
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label=gettext_lazy("Words (a reservation or a statement)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TranslationForm(forms.Form):
    """The current revision in another language, paragraph for paragraph."""

    language = forms.ChoiceField(label=gettext_lazy("Language"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    text = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy(
            "As many paragraphs as the original, in the same order; leave an empty line "
            "between paragraphs."
        ),
    )

    def __init__(self, *args: Any, original: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            (code, name) for code, name in _languages() if code != original
        ]


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", "—"), *DocumentKind.choices]
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", "—"), *DocumentStatus.choices]
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1800, max_value=2999
    )


class DiffForm(forms.Form):
    # "from" is a Python keyword: the query names are a and b.
    a = forms.IntegerField(label=gettext_lazy("From revision"), min_value=1, max_value=10**6)
    b = forms.IntegerField(label=gettext_lazy("To revision"), min_value=1, max_value=10**6)


class ResolveForm(forms.Form):
    comment = forms.IntegerField(
        label=gettext_lazy("Comment"), widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    resolved = forms.TypedChoiceField(
        widget=forms.HiddenInput, choices=[("0", "0"), ("1", "1")], coerce=int, initial=1
    )
