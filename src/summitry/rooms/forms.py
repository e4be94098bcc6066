from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from summitry.directory.models import Person
from summitry.engagements.models import Engagement, Kind
from summitry.rooms.models import Invitation, Room
from summitry.rooms.templatetags.rooms_i18n import language_label


class OpenRoomForm(forms.Form):
    chair = forms.TypedChoiceField(
        coerce=int, label=pgettext_lazy("the person who chairs a meeting", "Chair")
    )
    speaking_limit_seconds = forms.IntegerField(
        min_value=0, initial=0, label=_("Speaking-time limit (seconds, 0 = none)")
    )
    auto_advance = forms.BooleanField(
        required=False, label=_("Pass the floor on by itself when time runs out")
    )
    interpretation_languages = forms.CharField(
        required=False,
        label=_("Interpretation languages"),
        help_text=_("Language codes separated by commas, e.g. fr, es, zh."),
    )
    floor_control = forms.BooleanField(
        required=False, label=_("Floor control (the chair gives the floor; others are muted)")
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


INVITE_ROLES = [
    (Invitation.Role.PARTICIPANT.value, Invitation.Role.PARTICIPANT.label),
    (Invitation.Role.OBSERVER.value, Invitation.Role.OBSERVER.label),
    (Invitation.Role.INTERPRETER.value, Invitation.Role.INTERPRETER.label),
]


class InviteForm(forms.Form):
    """One more person for a room already open (a late delegate, an extra interpreter)."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Person"))
    role = forms.ChoiceField(choices=INVITE_ROLES, label=_("Role"))
    language_to = forms.ChoiceField(
        required=False, label=_("Interprets into"), help_text=_("Interpreters only.")
    )

    def __init__(self, room: Room, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = Person.objects.exclude(room_invitations__room=room).order_by("name")
        if not room.interpretation_languages:
            # No interpretation in this room: no interpreters to invite.
            del self.fields["language_to"]
            role_field = self.fields["role"]
            assert isinstance(role_field, forms.ChoiceField)
            role_field.choices = [
                (value, label)
                for value, label in INVITE_ROLES
                if value != Invitation.Role.INTERPRETER
            ]
            return
        language_field = self.fields["language_to"]
        assert isinstance(language_field, forms.ChoiceField)
        language_field.choices = [("", "—")] + [
            (code, language_label(code)) for code in room.interpretation_languages
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Invitation.Role.INTERPRETER and not data.get("language_to"):
            self.add_error(
                "language_to", gettext("Choose the language this interpreter speaks into.")
            )
        return data
