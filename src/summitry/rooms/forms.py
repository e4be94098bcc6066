from __future__ import annotations

from typing import Any

from django import forms

from summitry.engagements.models import Engagement, Kind


class OpenRoomForm(forms.Form):
    chair = forms.TypedChoiceField(coerce=int, label="Chair")
    speaking_limit_seconds = forms.IntegerField(
        min_value=0, initial=0, label="Speaking-time limit (seconds, 0 = none)"
    )
    auto_advance = forms.BooleanField(
        required=False, label="Pass the floor on by itself when time runs out"
    )
    interpretation_languages = forms.CharField(
        required=False,
        label="Interpretation languages",
        help_text="Language codes separated by commas, e.g. fr, es, zh.",
    )
    floor_control = forms.BooleanField(
        required=False, label="Floor control (the chair gives the floor; others are muted)"
    )

    def __init__(self, engagement: Engagement, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(p.person_id, str(p.person)) for p in engagement.participations.all()]
        chair_field = self.fields["chair"]
        assert isinstance(chair_field, forms.TypedChoiceField)
        chair_field.choices = people
        if engagement.chair_id is not None:
            chair_field.initial = engagement.chair_id
        self.fields["floor_control"].initial = engagement.kind in (
            Kind.VIRTUAL_SUMMIT,
            Kind.VIDEO_CONFERENCE,
        )

    def languages(self) -> list[str]:
        raw = self.cleaned_data.get("interpretation_languages") or ""
        return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
