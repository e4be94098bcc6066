"""`{% load names %}`: `{{ country|display_name }}`, `{{ person|display_name:"fr" }}`,
`{{ "zh-hans"|language_name }}`, each in the active language unless one is given."""

from __future__ import annotations

from typing import Any

from django import template

from summitry.directory import names

register = template.Library()


@register.filter(name="display_name")
def display_name(subject: Any, language: str | None = None) -> str:
    return names.display_name(subject, language)


@register.filter(name="language_name")
def language_name(code: str, language: str | None = None) -> str:
    return names.language_name(code, language) if code else ""


@register.filter(name="region_name")
def region_name(region: str, language: str | None = None) -> str:
    return names.region_name(region, language)
