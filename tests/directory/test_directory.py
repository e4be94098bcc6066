from __future__ import annotations

import datetime as dt

import pytest

from summitry.directory.models import Country, Office, Organisation
from summitry.directory.queries import holders_of, offices_held
from summitry.directory.services import DirectoryError, packaged_organisations, sync_organisations
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_countries_cover_iso_3166_with_m49_regions() -> None:
    assert Country.objects.count() == 249
    china = Country.objects.get(code="CN")
    assert (china.region, china.subregion, china.capital_zone) == (
        "Asia",
        "Eastern Asia",
        "Asia/Shanghai",
    )
    brazil = Country.objects.get(alpha3="BRA")
    assert (brazil.region, brazil.subregion, brazil.capital_zone) == (
        "Americas",
        "South America",
        "America/Sao_Paulo",
    )
    assert Country.objects.get(code="US").capital_zone == "America/New_York"


def test_who_held_office_on_a_date() -> None:
    factories.person(
        "Angela Merkel",
        "DE",
        "Federal Chancellor of Germany",
        dt.date(2005, 11, 22),
        dt.date(2021, 12, 8),
    )
    factories.person(
        "Olaf Scholz",
        "DE",
        "Federal Chancellor of Germany",
        dt.date(2021, 12, 8),
        dt.date(2025, 5, 6),
    )
    chancellor = Office.objects.get(title="Federal Chancellor of Germany")
    assert [p.name for p in holders_of(chancellor, dt.date(2021, 12, 7))] == ["Angela Merkel"]
    assert [p.name for p in holders_of(chancellor, dt.date(2021, 12, 8))] == ["Olaf Scholz"]
    assert holders_of(chancellor, dt.date(2025, 6, 1)) == []


def test_offices_held_by_a_person_on_a_date() -> None:
    wang = factories.person(
        "Wang Yi",
        "CN",
        "Minister of Foreign Affairs of the People's Republic of China",
        dt.date(2013, 3, 16),
    )
    assert [o.title for o in offices_held(wang, dt.date(2020, 4, 27))] == [
        "Minister of Foreign Affairs of the People's Republic of China"
    ]
    assert offices_held(wang, dt.date(2010, 1, 1)) == []


@pytest.mark.integration
@pytest.mark.django_db
def test_organisation_types_are_given_for_every_packaged_organisation() -> None:
    entries = packaged_organisations()
    assert all(entry["category"] in Organisation.Category.values for entry in entries)
    stored = dict(Organisation.objects.values_list("acronym", "category"))
    assert {stored[a] for a in ("BRI", "GDI")} == {"initiative"}
    assert stored["BFA"] == "forum"
    assert stored["APT"] == "format"
    assert stored["UN"] == "international_organisation"
    assert stored["EU"] == "regional_organisation"


@pytest.mark.integration
@pytest.mark.django_db
def test_organisation_sync_refuses_an_unknown_type() -> None:
    with pytest.raises(DirectoryError, match="unknown type 'mechanism'"):
        sync_organisations([{"acronym": "X", "name": "X", "category": "mechanism"}])
