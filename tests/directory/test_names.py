"""Names in the reader's language: countries and languages from CLDR, organisations by their
official names, people as commonly written; each checked against names written by hand."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from summitry.directory.models import Country, Organisation, Person
from summitry.directory.names import display_name, region_name
from summitry.directory.services import DirectoryError, sync_organisation_names, sync_people
from summitry.engagements.demo import demo_people

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CHINA = {
    "en": "China",
    "ar": "الصين",
    "zh-hans": "中国",
    "fr": "Chine",
    "ru": "Китай",
    "es": "China",
}
WHO = {
    "en": "World Health Organization",
    "ar": "منظمة الصحة العالمية",
    "zh-hans": "世界卫生组织",
    "fr": "Organisation mondiale de la Santé",
    "ru": "Всемирная организация здравоохранения",
    "es": "Organización Mundial de la Salud",
}
XI = {
    "en": "Xi Jinping",
    "ar": "شي جين بينغ",
    "zh-hans": "习近平",
    "fr": "Xi Jinping",
    "ru": "Си Цзиньпин",
    "es": "Xi Jinping",
}
CHINESE = {
    "en": "Chinese (Simplified)",
    "ar": "الصينية (المبسطة)",
    "zh-hans": "中文 (简体)",
    "fr": "chinois (simplifié)",
    "ru": "китайский (упрощенная)",
    "es": "chino (simplificado)",
}


@pytest.mark.parametrize("language", list(CHINA))
def test_country_name_in_each_un_language(language: str) -> None:
    assert display_name(Country.objects.get(code="CN"), language) == CHINA[language]


def test_country_name_in_english_is_the_recorded_iso_name() -> None:
    russia = Country.objects.get(code="RU")
    assert display_name(russia, "en-gb") == "Russian Federation"
    assert display_name(russia, "fr") == "Russie"


@pytest.mark.parametrize("language", list(WHO))
def test_organisation_official_name_in_each_un_language(language: str) -> None:
    assert display_name(Organisation.objects.get(acronym="WHO"), language) == WHO[language]


def test_organisation_without_an_official_name_in_a_language_is_named_in_english() -> None:
    asean = Organisation.objects.get(acronym="ASEAN")
    assert asean.names["zh-hans"] is None
    assert display_name(asean, "zh-hans") == "Association of Southeast Asian Nations"
    african_union = Organisation.objects.get(acronym="AU")
    assert display_name(african_union, "fr") == "Union africaine"
    assert display_name(african_union, "ru") == "African Union"


@pytest.mark.parametrize("language", list(XI))
def test_person_name_as_commonly_written_in_each_language(language: str) -> None:
    sync_people(demo_people())
    assert display_name(Person.objects.get(name="Xi Jinping"), language) == XI[language]


def test_person_without_a_known_spelling_is_shown_as_recorded() -> None:
    sync_people(demo_people())
    assert display_name(Person.objects.get(name="Arif Alvi"), "zh-hans") == "Arif Alvi"


@pytest.mark.parametrize("language", list(CHINESE))
def test_language_name_in_each_un_language(language: str) -> None:
    assert display_name("zh-hans", language) == CHINESE[language]


def test_display_name_follows_the_active_language_and_a_regional_variant() -> None:
    who = Organisation.objects.get(acronym="WHO")
    with translation.override("ru"):
        assert display_name(who) == WHO["ru"]
    # A reader of British English reads the English name.
    with translation.override("en-gb"):
        assert display_name(who) == WHO["en"]


def test_template_filters_name_in_the_active_language() -> None:
    template = Template(
        "{% load names %}{{ country|display_name }}|{{ org|display_name }}|"
        '{{ "fr"|language_name }}|{{ org|display_name:"en" }}'
    )
    context = Context(
        {"country": Country.objects.get(code="CN"), "org": Organisation.objects.get(acronym="WHO")}
    )
    with translation.override("zh-hans"):
        assert template.render(context) == "中国|世界卫生组织|法语|World Health Organization"


def test_organisation_names_for_an_unknown_language_are_refused() -> None:
    with pytest.raises(DirectoryError, match="unknown language 'xx'"):
        sync_organisation_names({"WHO": {"xx": "Nope"}})


def test_every_organisation_has_its_names_in_the_six_languages_or_null() -> None:
    for organisation in Organisation.objects.all():
        assert set(organisation.names) == {"en", "ar", "zh-hans", "fr", "ru", "es"}, organisation
        assert organisation.names["en"] == organisation.name


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", "Asia"),
        ("zh-hans", "亚洲"),
        ("ar", "آسيا"),
        ("ru", "Азия"),
        ("fr", "Asie"),
        ("es", "Asia"),
    ],
)
def test_region_is_named_in_the_readers_language(language: str, expected: str) -> None:
    assert region_name("Asia", language) == expected
