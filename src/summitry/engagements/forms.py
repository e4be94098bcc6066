"""Create and edit forms; they turn what a person typed into service input and explain errors."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from summitry.directory.languages import DEFAULT_LANGUAGE, UN_LANGUAGES, known_languages
from summitry.directory.models import Country, Organisation, Person
from summitry.directory.names import language_name
from summitry.engagements.links import is_web_url
from summitry.engagements.models import Confidentiality, Engagement, Kind, Role, Status
from summitry.engagements.services import (
    VERSION_PARTS,
    EngagementInput,
    ParticipantInput,
    SourceInput,
    TextInput,
)

ZONE_CHOICES = sorted(zoneinfo.available_timezones())
# Long lists get a search box in the browser (engagements/forms.js); the <select> stays the field.
SEARCHABLE = {"data-searchable": ""}


class EngagementForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=Status.choices, initial=Status.PROPOSED
    )
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Required once the engagement is scheduled or held."),
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Start time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=gettext_lazy("Leave empty when the record gives only the date."),
    )
    end_time = forms.TimeField(
        label=gettext_lazy("End time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=[(z, z) for z in ZONE_CHOICES],
        widget=forms.Select(attrs=SEARCHABLE),
        initial="UTC",
        help_text=gettext_lazy("The zone in which the date and times above are given."),
    )
    host_country = forms.ModelChoiceField(
        Country.objects.all(),
        label=gettext_lazy("Host country"),
        required=False,
        to_field_name="code",
        widget=forms.Select(attrs=SEARCHABLE),
    )
    host_organisation = forms.ModelChoiceField(
        Organisation.objects.all(),
        label=gettext_lazy("Host organisation"),
        required=False,
        to_field_name="acronym",
    )
    chair = forms.ModelChoiceField(
        Person.objects.all(),
        label=gettext_lazy("Chair"),
        required=False,
        widget=forms.Select(attrs=SEARCHABLE),
    )
    countries = forms.ModelMultipleChoiceField(
        Country.objects.all(),
        label=gettext_lazy("Countries"),
        required=False,
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 8, **SEARCHABLE}),
        help_text=gettext_lazy("The countries represented; type to search."),
    )
    organisations = forms.ModelMultipleChoiceField(
        Organisation.objects.all(),
        label=gettext_lazy("Organisations"),
        required=False,
        to_field_name="acronym",
        widget=forms.SelectMultiple(attrs={"size": 6, **SEARCHABLE}),
    )
    topics = forms.CharField(
        label=gettext_lazy("Topics"),
        required=False,
        help_text=gettext_lazy("Separated by commas, for example: COVID-19, climate, trade."),
    )
    readout = forms.CharField(
        label=gettext_lazy("Readout"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    sources = forms.CharField(
        label=gettext_lazy("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One a line: a citation, or a citation | URL."),
    )
    confidentiality = forms.ChoiceField(
        label=gettext_lazy("Confidentiality"), choices=Confidentiality.choices, initial="public"
    )
    readers = forms.ModelMultipleChoiceField(
        get_user_model().objects.filter(is_active=True).order_by("username"),
        label=gettext_lazy("Readers"),
        required=False,
        to_field_name="username",
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=gettext_lazy(
            "Who may read a confidential engagement besides administrators and its author."
        ),
    )

    def clean_sources(self) -> list[SourceInput]:
        sources = []
        for number, line in enumerate(self.cleaned_data["sources"].splitlines(), start=1):
            if not line.strip():
                continue
            citation, _, url = (part.strip() for part in line.partition("|"))
            if url and not is_web_url(url):
                raise ValidationError(
                    _("Line %(number)s: the URL must be a web address (http:// or https://).")
                    % {"number": number}
                )
            sources.append(SourceInput(citation=citation or url, url=url))
        return sources

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start_time, end_time = data.get("date"), data.get("start_time"), data.get("end_time")
        if (start_time or end_time) and not day:
            self.add_error("date", _("Give the date the times belong to."))
        if end_time and not start_time:
            self.add_error("start_time", _("An end time needs a start time."))
        return data

    def to_input(self, participants: list[ParticipantInput]) -> EngagementInput:
        data = self.cleaned_data
        zone = zoneinfo.ZoneInfo(data["time_zone"])
        day: dt.date | None = data.get("date")
        start = end = None
        time_known = bool(data.get("start_time"))
        if day is not None:
            start = dt.datetime.combine(day, data.get("start_time") or dt.time(12), zone)
            if not time_known:
                start = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
            if data.get("end_time"):
                end = dt.datetime.combine(day, data["end_time"], zone)
        return EngagementInput(
            title=data["title"],
            kind=data["kind"],
            status=data["status"],
            start=start,
            end=end,
            time_known=time_known or day is None,
            host_country=data.get("host_country"),
            host_organisation=data.get("host_organisation"),
            chair=data.get("chair"),
            countries=list(data.get("countries") or []),
            organisations=list(data.get("organisations") or []),
            topics=[t.strip() for t in (data.get("topics") or "").split(",") if t.strip()],
            readout=data.get("readout") or "",
            confidentiality=data["confidentiality"],
            participants=participants,
            sources=data.get("sources") or [],
            readers=list(data.get("readers") or []),
        )

    @classmethod
    def initial_from(cls, engagement: Engagement, zone: str) -> dict[str, Any]:
        tz = zoneinfo.ZoneInfo(zone)
        start = engagement.start.astimezone(tz) if engagement.start else None
        end = engagement.end.astimezone(tz) if engagement.end else None
        if start is not None and not engagement.time_known:
            start = engagement.start
            zone = "UTC"
        return {
            "title": engagement.title,
            "kind": engagement.kind,
            "status": engagement.status,
            "date": start.date() if start else None,
            "start_time": start.time() if start and engagement.time_known else None,
            "end_time": end.time() if end and engagement.time_known else None,
            "time_zone": zone,
            "host_country": engagement.host_country,
            "host_organisation": engagement.host_organisation,
            "chair": engagement.chair,
            "countries": list(engagement.countries.all()),
            "organisations": list(engagement.organisations.all()),
            "topics": ", ".join(t.name for t in engagement.topics.all()),
            "readout": engagement.readout,
            "sources": "\n".join(
                f"{s.citation} | {s.url}" if s.url else s.citation for s in engagement.sources.all()
            ),
            "confidentiality": engagement.confidentiality,
            "readers": list(engagement.readers.all()),
        }


class ParticipantForm(forms.Form):
    person = forms.ModelChoiceField(
        Person.objects.all(),
        label=gettext_lazy("Person"),
        required=False,
        widget=forms.Select(attrs=SEARCHABLE),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=Role.choices,
        initial=Role.HEAD_OF_DELEGATION,
        required=False,
    )


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=3, max_num=200)


def participants_from(formset: Any) -> list[ParticipantInput]:
    return [
        ParticipantInput(
            person=form.cleaned_data["person"],
            role=form.cleaned_data.get("role") or Role.HEAD_OF_DELEGATION,
        )
        for form in formset
        if form.cleaned_data.get("person")
    ]


# The columns the register can be sorted by, and the field each sorts on.
SORT_KEYS = {"date": "start", "title": "title", "kind": "kind", "status": "status"}


class FilterForm(forms.Form):
    q = forms.CharField(required=False, label=gettext_lazy("Search"))
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1900, max_value=2200
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("Any kind")), *Kind.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any status")), *Status.choices],
        required=False,
    )
    counterpart = forms.CharField(
        label=gettext_lazy("Counterpart"),
        required=False,
        help_text=gettext_lazy("Country, organisation acronym or person."),
    )
    region = forms.CharField(label=gettext_lazy("Region"), required=False)
    topic = forms.CharField(label=gettext_lazy("Topic"), required=False)
    sort = forms.ChoiceField(
        required=False,
        choices=[(f"{sign}{key}", f"{sign}{key}") for key in SORT_KEYS for sign in ("", "-")],
    )

    # Not filters: how the list is shown.
    PRESENTATION = ("sort",)


def _language_choices() -> list[tuple[str, str]]:
    """The six languages of the United Nations first, then every other, named for the reader."""
    others = sorted(known_languages() - set(UN_LANGUAGES))
    choices = [(code, language_name(code)) for code in UN_LANGUAGES]
    choices += sorted(((code, language_name(code)) for code in others), key=lambda c: c[1])
    return choices


class OriginalLanguageForm(forms.Form):
    original_language = forms.ChoiceField(
        label=gettext_lazy("Language of the title and readout above"),
        help_text=gettext_lazy("The language they were first written in: the original."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["original_language"].choices = _language_choices()  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    readout = forms.CharField(
        label=gettext_lazy("Readout"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "—"), *_language_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("title") or data.get("readout")) and not data.get("language"):
            self.add_error("language", _("Choose the language of this version."))
        return data


VersionFormSet = forms.formset_factory(VersionForm, extra=1, max_num=50)


class VersionsSection:
    """The original's language and the versions in other languages: its own forms, apart from
    the engagement form, so that it can be read, shown and given the services' errors alone."""

    def __init__(self, data: Any = None, engagement: Engagement | None = None) -> None:
        # A post without the section (an older page, a script) keeps the versions as they are.
        self.given = data is not None and "versions-TOTAL_FORMS" in data
        if not self.given:
            data = None
        initial_language = engagement.original_language if engagement else DEFAULT_LANGUAGE
        self.original = OriginalLanguageForm(
            data, prefix="texts", initial={"original_language": initial_language}
        )
        initial = (
            [
                {"language": t.language, "title": t.title, "readout": t.readout}
                for t in engagement.texts.all()
            ]
            if engagement
            else []
        )
        self.versions = VersionFormSet(data, prefix="versions", initial=initial)

    def is_valid(self) -> bool:
        return not self.given or (self.original.is_valid() & self.versions.is_valid())

    def apply(self, data: EngagementInput) -> None:
        if not self.given:
            return
        data.original_language = self.original.cleaned_data["original_language"]
        data.versions = [
            TextInput(
                f.cleaned_data["language"], f.cleaned_data["title"], f.cleaned_data["readout"]
            )
            for f in self.versions
            if f.cleaned_data.get("language")
        ]

    def take_errors(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        """Shows the services' errors on the versions where they belong; returns the others."""
        if not self.given:
            return errors
        rest: dict[str, list[str]] = {}
        for name, messages in errors.items():
            part, _at, language = name.partition("@")
            rows = [f for f in self.versions if f.cleaned_data.get("language") == language]
            for message in messages:
                if name == "original_language":
                    self.original.add_error("original_language", message)
                elif rows and part in VERSION_PARTS:
                    rows[0].add_error(part, message)
                elif name == "versions":
                    self.original.add_error(None, message)
                else:
                    rest.setdefault(name, []).append(message)
        return rest

    @property
    def has_errors(self) -> bool:
        return bool(
            self.original.errors
            or self.versions.non_form_errors()
            or any(f.errors for f in self.versions)
        )
