"""The catalogue of items the seeds name, with the unit each is counted in."""

from __future__ import annotations

from typing import Final

# code, English name, unit. Names are shown through gettext (see ITEM_NAMES).
ITEMS: Final = (
    ("masks", "Masks", "piece"),
    ("protective-suits", "Protective suits", "piece"),
    ("test-kits", "Test kits", "kit"),
    ("ventilators", "Ventilators", "piece"),
    ("goggles", "Goggles", "pair"),
    ("infrared-thermometers", "Infrared thermometers", "piece"),
    ("vaccine-doses", "Vaccine doses", "dose"),
    ("health-kits", "Health kits", "kit"),
    ("medical-teams", "Medical expert teams", "team"),
)
