"""The price of one local minute, in integer points.

Integers keep every sum exact, so the solver and a plain per-minute
reference agree to the point, not merely to a tolerance.

The curve, for a minute at local clock time m:

* inside preferred hours on a working day: 0;
* inside acceptable hours but outside preferred hours:
  ``1 + d*d // 1800``, d being the minutes from m to the nearest edge of
  preferred hours, so 1 at the edge, 3 an hour out, 9 two hours out,
  19 three, 33 four, 51 five (22:59 with the defaults), 289 at most;
* outside acceptable hours: ``NIGHT + NIGHT_SLOPE * depth``, depth being the
  minutes beyond the nearest edge of acceptable hours, so 03:00 costs more
  than 06:30;
* on a weekly day off or public holiday, on top of the above:
  ``DAY_OFF_ALLOWED`` if the participant accepts meeting on days off, else
  ``DAY_OFF`` (a day off then makes the slot unacceptable, though it counts
  half of a night minute: a Saturday morning beats a Tuesday at 03:00);
* busy with another engagement: ``BUSY`` on top.

Any minute over the soft band puts a whole slot at ``HARD_FLOOR`` or more,
and no slot made only of soft minutes reaches it (meetings last at most a
day), so "acceptable" is simply "every must-attend cost below HARD_FLOOR".
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from .model import MAX_DURATION_MINUTES, MINUTES_PER_DAY, Hours

SOFT_DIVISOR = 1800
DAY_OFF_ALLOWED = 30
DAY_OFF = 500_000
NIGHT = 1_000_000
NIGHT_SLOPE = 1_000
BUSY = 10_000_000
HARD_FLOOR = 500_000

MAX_SOFT_MINUTE = 1 + (MINUTES_PER_DAY // 2) ** 2 // SOFT_DIVISOR + DAY_OFF_ALLOWED
if MAX_SOFT_MINUTE * MAX_DURATION_MINUTES >= HARD_FLOOR:  # pragma: no cover
    raise AssertionError("soft costs of a whole slot must stay below HARD_FLOOR")

Int64Array = npt.NDArray[np.int64]


def minute_cost(
    minute: int,
    acceptable: Hours,
    preferred: Hours,
    *,
    day_off: bool = False,
    allow_days_off: bool = False,
    busy: bool = False,
) -> int:
    """Cost of the local minute starting at clock minute `minute` (0..1439)."""
    depth = acceptable.distance(minute)
    if depth:
        cost = NIGHT + NIGHT_SLOPE * depth
    else:
        d = preferred.distance(minute)
        cost = 1 + d * d // SOFT_DIVISOR if d else 0
    if day_off:
        cost += DAY_OFF_ALLOWED if allow_days_off else DAY_OFF
    if busy:
        cost += BUSY
    return cost


@lru_cache(maxsize=1024)
def day_prefix(
    acceptable: Hours, preferred: Hours, day_off: bool, allow_days_off: bool
) -> Int64Array:
    """Prefix sums of one local day's minute costs: entry m is the cost of minutes [0, m)."""
    costs = [
        minute_cost(m, acceptable, preferred, day_off=day_off, allow_days_off=allow_days_off)
        for m in range(MINUTES_PER_DAY)
    ]
    prefix = np.zeros(MINUTES_PER_DAY + 1, dtype=np.int64)
    np.cumsum(np.asarray(costs, dtype=np.int64), out=prefix[1:])
    prefix.flags.writeable = False
    return prefix


def is_hard(cost: int) -> bool:
    """Whether a slot cost includes a minute outside what the participant accepts."""
    return cost >= HARD_FLOOR
