"""The knowledge centre's forms: they turn what a person typed into service calls."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from summitry.directory.languages import UN_LANGUAGES, known_languages
from summitry.directory.models import Country
from summitry.directory.names import language_name
from summitry.knowledge.models import Edition, Topic, Translation, Work


def language_choices() -> list[tuple[str, str]]:
    """The six languages of the United Nations first, then every other, named for the reader."""
    others = sorted(known_languages() - set(UN_LANGUAGES))
    choices = [(code, language_name(code)) for code in UN_LANGUAGES]
    choices += sorted(((code, language_name(code)) for code in others), key=lambda c: c[1])
    return choices


class BrowseForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    topic = forms.SlugField(label=gettext_lazy("Topic"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("Any language")),
            *language_choices(),
        ]


class _TextFields(forms.Form):
    published_on = forms.DateField(
        label=gettext_lazy("Published on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty when the record does not fix the date."),
    )
    markdown = forms.CharField(
        label=gettext_lazy("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy("Or upload the text as a file below."),
    )
    file = forms.FileField(
        label=gettext_lazy("File (PDF or DOCX)"),
        required=False,
        help_text=gettext_lazy("Its text is read for search; the file is offered for download."),
    )


class EditionForm(_TextFields):
    number = forms.IntegerField(
        label=gettext_lazy("Number"),
        required=False,
        min_value=1,
        max_value=32767,
        help_text=gettext_lazy("Leave empty for the next number."),
    )
    label = forms.CharField(
        label=gettext_lazy("Label"),
        required=False,
        max_length=Edition._meta.get_field("label").max_length,
        help_text=gettext_lazy("The edition's own name, if it has one (“Trial Version 7”)."),
    )
    changes = forms.CharField(
        label=gettext_lazy("Summary of changes"), required=False, widget=forms.Textarea
    )
    field_order = ["number", "label", "published_on", "changes", "markdown", "file"]


class TranslationForm(_TextFields):
    language = forms.ChoiceField(label=gettext_lazy("Language"))
    title = forms.CharField(
        label=gettext_lazy("Title in this language"),
        required=False,
        max_length=Translation._meta.get_field("title").max_length,
    )
    translator = forms.CharField(
        label=gettext_lazy("Translator"),
        required=False,
        max_length=Translation._meta.get_field("translator").max_length,
    )
    reviewed = forms.BooleanField(label=gettext_lazy("Reviewed"), required=False)
    reviewer = forms.CharField(
        label=gettext_lazy("Reviewer"),
        required=False,
        max_length=Translation._meta.get_field("reviewer").max_length,
    )
    field_order = [
        "language",
        "title",
        "translator",
        "reviewed",
        "reviewer",
        "published_on",
        "markdown",
        "file",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]


class WorkForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=Work._meta.get_field("title").max_length
    )
    slug = forms.SlugField(
        label=gettext_lazy("Short name in links"),
        max_length=Work._meta.get_field("slug").max_length,
        help_text=gettext_lazy("Letters, digits and hyphens; it cannot be changed later."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Work.Kind.choices)
    publisher = forms.CharField(
        label=gettext_lazy("Publisher"),
        required=False,
        max_length=Work._meta.get_field("publisher").max_length,
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the editions"),
        help_text=gettext_lazy("It cannot be changed later."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    shared_with = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Shared only with"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy(
            "Leave empty to share with every country and the public. Readers of a named "
            "country need an access grant from an administrator."
        ),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]
        self.fields["language"].initial = "zh-hans"
        if editing:
            # Part of every edition's link and of every translation's meaning: fixed.
            del self.fields["slug"]
            del self.fields["language"]
