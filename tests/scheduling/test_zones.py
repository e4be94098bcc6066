from zoneinfo import ZoneInfo

import pycountry
import pytest

from summitry.scheduling.zones import (
    CAPITAL_OVERRIDES,
    ORGANISATION_SEATS,
    capital_zone,
    country_zones,
    seat,
    to_alpha2,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("US", "America/New_York"),
        ("CN", "Asia/Shanghai"),
        ("AU", "Australia/Sydney"),
        ("BR", "America/Sao_Paulo"),
        ("CA", "America/Toronto"),
        ("RU", "Europe/Moscow"),
        ("UA", "Europe/Kyiv"),
        ("FM", "Pacific/Pohnpei"),
        ("UZ", "Asia/Tashkent"),
        ("FR", "Europe/Paris"),
        ("JP", "Asia/Tokyo"),
        ("IN", "Asia/Kolkata"),
        ("SA", "Asia/Riyadh"),
        ("ZA", "Africa/Johannesburg"),
        ("usa", "America/New_York"),
        ("AUS", "Australia/Sydney"),
        ("IRN", "Asia/Tehran"),
    ],
)
def test_capital_zone(code: str, zone: str) -> None:
    assert capital_zone(code) == zone


def test_overrides_name_zones_of_the_same_country() -> None:
    for code, zone in CAPITAL_OVERRIDES.items():
        if code == "XK":  # not in zone.tab at all
            continue
        assert zone in country_zones(code), code


def test_every_country_resolves_to_a_loadable_zone() -> None:
    resolved = 0
    for country in pycountry.countries:
        if not country_zones(country.alpha_2):
            continue  # uninhabited territories without a zone (BV, HM)
        ZoneInfo(capital_zone(country.alpha_2))
        resolved += 1
    assert resolved > 240


def test_unknown_codes_raise_lookup_error() -> None:
    with pytest.raises(LookupError):
        capital_zone("ZZ")
    with pytest.raises(LookupError):
        to_alpha2("XXX")
    with pytest.raises(LookupError):
        capital_zone("BV")  # Bouvet Island: no zone


def test_seat_of_countries_and_organisations() -> None:
    assert seat("DEU").zone == "Europe/Berlin"
    assert seat("DEU").country == "DE"
    un = seat("UN")
    assert (un.zone, un.country) == ("America/New_York", None)
    for code, (_, zone) in ORGANISATION_SEATS.items():
        ZoneInfo(zone)
        assert len(code) > 3 or pycountry.countries.get(alpha_3=code) is None
