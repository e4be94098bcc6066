"""Create and edit forms; they turn what a person typed into service input and explain errors."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from summitry.directory.models import Country, Organisation, Person
from summitry.engagements.links import is_web_url
from summitry.engagements.models import Confidentiality, Engagement, Kind, Role, Status
from summitry.engagements.services import EngagementInput, ParticipantInput, SourceInput

ZONE_CHOICES = sorted(zoneinfo.available_timezones())


class EngagementForm(forms.Form):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=Kind.choices)
    status = forms.ChoiceField(choices=Status.choices, initial=Status.PROPOSED)
    date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Required once the engagement is scheduled or held.",
    )
    start_time = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Leave empty when the record gives only the date.",
    )
    end_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.ChoiceField(
        choices=[(z, z) for z in ZONE_CHOICES],
        initial="UTC",
        help_text="The zone in which the date and times above are given.",
    )
    host_country = forms.ModelChoiceField(
        Country.objects.all(), required=False, to_field_name="code"
    )
    host_organisation = forms.ModelChoiceField(
        Organisation.objects.all(), required=False, to_field_name="acronym"
    )
    chair = forms.ModelChoiceField(Person.objects.all(), required=False)
    countries = forms.ModelMultipleChoiceField(
        Country.objects.all(),
        required=False,
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="The countries represented. Hold Ctrl (or ⌘) to choose several.",
    )
    organisations = forms.ModelMultipleChoiceField(
        Organisation.objects.all(),
        required=False,
        to_field_name="acronym",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    topics = forms.CharField(
        required=False, help_text="Separated by commas, for example: COVID-19, climate, trade."
    )
    readout = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    sources = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: a citation, or a citation | URL.",
    )
    confidentiality = forms.ChoiceField(choices=Confidentiality.choices, initial="public")
    readers = forms.ModelMultipleChoiceField(
        get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        to_field_name="username",
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text="Who may read a confidential engagement besides administrators and its author.",
    )

    def clean_sources(self) -> list[SourceInput]:
        sources = []
        for number, line in enumerate(self.cleaned_data["sources"].splitlines(), start=1):
            if not line.strip():
                continue
            citation, _, url = (part.strip() for part in line.partition("|"))
            if url and not is_web_url(url):
                raise ValidationError(
                    f"Line {number}: the URL must be a web address (http:// or https://)."
                )
            sources.append(SourceInput(citation=citation or url, url=url))
        return sources

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start_time, end_time = data.get("date"), data.get("start_time"), data.get("end_time")
        if (start_time or end_time) and not day:
            self.add_error("date", "Give the date the times belong to.")
        if end_time and not start_time:
            self.add_error("start_time", "An end time needs a start time.")
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
    person = forms.ModelChoiceField(Person.objects.all(), required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.HEAD_OF_DELEGATION, required=False)


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
    q = forms.CharField(required=False, label="Search")
    year = forms.IntegerField(required=False, min_value=1900, max_value=2200)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Kind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    counterpart = forms.CharField(
        required=False, help_text="Country, organisation acronym or person."
    )
    region = forms.CharField(required=False)
    topic = forms.CharField(required=False)
    sort = forms.ChoiceField(
        required=False,
        choices=[(f"{sign}{key}", f"{sign}{key}") for key in SORT_KEYS for sign in ("", "-")],
    )

    # Not filters: how the list is shown.
    PRESENTATION = ("sort",)
