from datetime import date

import pytest

from summitry.scheduling.weekends import (
    FRI,
    SAT,
    SUN,
    THU,
    is_weekly_day_off,
    weekly_days_off,
)

pytestmark = pytest.mark.unit

WEDNESDAY = date(2026, 1, 7)


@pytest.mark.parametrize("code", ["SA", "EG", "IQ", "KW", "QA", "BH", "OM", "JO", "DZ", "IL"])
def test_friday_saturday_countries(code: str) -> None:
    assert weekly_days_off(code, WEDNESDAY) == {FRI, SAT}


def test_default_is_saturday_sunday() -> None:
    assert weekly_days_off("FR", WEDNESDAY) == {SAT, SUN}
    assert weekly_days_off(None, WEDNESDAY) == {SAT, SUN}


def test_friday_only_and_brunei() -> None:
    assert weekly_days_off("IR", WEDNESDAY) == {FRI}
    assert weekly_days_off("BN", WEDNESDAY) == {FRI, SUN}


def test_rules_follow_the_date() -> None:
    assert weekly_days_off("AE", date(2021, 12, 31)) == {FRI, SAT}
    assert weekly_days_off("AE", date(2022, 1, 1)) == {SAT, SUN}
    assert weekly_days_off("SA", date(2013, 6, 27)) == {THU, FRI}
    assert weekly_days_off("SA", date(2013, 6, 29)) == {FRI, SAT}


def test_is_weekly_day_off() -> None:
    friday, sunday = date(2026, 1, 9), date(2026, 1, 11)
    assert is_weekly_day_off("SA", friday)
    assert not is_weekly_day_off("SA", sunday)
    assert not is_weekly_day_off("GB", friday)
    assert is_weekly_day_off("GB", sunday)
