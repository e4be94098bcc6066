"""Settings of the uvicorn workers the several-workers tests start: short room timings."""

from summitry.settings import *  # noqa: F403

# A page gone with its worker is marked left after this grace plus two sweeps.
SUMMITRY_ROOMS_REJOIN_GRACE = 10.0
SUMMITRY_ROOMS_SWEEP_INTERVAL = 0.5
# The Janus walk is not what these tests look at.
SUMMITRY_ROOMS_ENFORCE_INTERVAL = 30.0
