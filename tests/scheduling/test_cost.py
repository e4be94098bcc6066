import pytest

from summitry.scheduling.cost import (
    BUSY,
    DAY_OFF,
    DAY_OFF_ALLOWED,
    HARD_FLOOR,
    NIGHT,
    NIGHT_SLOPE,
    minute_cost,
)
from summitry.scheduling.model import DEFAULT_ACCEPTABLE, DEFAULT_PREFERRED, Hours

pytestmark = pytest.mark.unit


def cost(clock: str, **flags: bool) -> int:
    hours, minutes = (int(x) for x in clock.split(":"))
    return minute_cost(hours * 60 + minutes, DEFAULT_ACCEPTABLE, DEFAULT_PREFERRED, **flags)


def test_documented_points_of_the_curve() -> None:
    assert cost("09:00") == cost("12:00") == cost("17:59") == 0
    assert cost("18:00") == 1
    assert cost("08:59") == 1
    assert cost("19:00") == 3  # 61 minutes out
    assert cost("07:00") == 9  # 120 minutes out
    assert cost("22:59") == 51  # 300 minutes out
    assert cost("23:00") == NIGHT + NIGHT_SLOPE
    assert cost("06:59") == NIGHT + NIGHT_SLOPE
    assert cost("03:00") == NIGHT + NIGHT_SLOPE * 240


def test_cost_rises_toward_the_night() -> None:
    evening = [cost(f"{h:02d}:{m:02d}") for h in range(18, 24) for m in range(60)]
    assert evening == sorted(evening)
    morning = [cost(f"{h:02d}:{m:02d}") for h in range(3, 9) for m in range(60)]
    assert morning == sorted(morning, reverse=True)
    night = [cost(f"{h:02d}:00") for h in (23, 0, 1, 2, 3)]
    assert night == sorted(night)


def test_days_off_and_busy_add_on_top() -> None:
    assert cost("10:00", day_off=True) == DAY_OFF
    assert cost("10:00", day_off=True, allow_days_off=True) == DAY_OFF_ALLOWED
    assert cost("19:00", day_off=True, allow_days_off=True) == 3 + DAY_OFF_ALLOWED
    assert cost("10:00", busy=True) == BUSY


def test_soft_costs_of_a_whole_day_stay_below_the_hard_floor() -> None:
    everything = Hours(0, 1440)
    never = Hours(12 * 60, 12 * 60 + 1)
    day = sum(
        minute_cost(m, everything, never, day_off=True, allow_days_off=True) for m in range(1440)
    )
    assert day < HARD_FLOOR
    assert cost("23:00") >= HARD_FLOOR


def test_hours_wrap_midnight_and_parse() -> None:
    night_shift = Hours.parse("22:00-06:00")
    assert night_shift.contains(23 * 60) and night_shift.contains(5 * 60)
    assert not night_shift.contains(12 * 60)
    assert Hours.parse("07:00-24:00") == Hours(420, 1440)
    assert str(Hours.parse("6:30-23:00")) == "06:30–23:00"
    with pytest.raises(ValueError):
        Hours.parse("7-23")
    with pytest.raises(ValueError):
        Hours.parse("10:00-10:00")
