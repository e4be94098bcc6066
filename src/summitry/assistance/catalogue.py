"""The catalogue of items the seeds name, with the unit each is counted in."""

from __future__ import annotations

from typing import Final

from django.utils.translation import gettext_noop

# code, English name (translated where shown: templatetags/ledger.py), unit.
ITEMS: Final = (
    ("masks", gettext_noop("Masks"), "piece"),
    ("protective-suits", gettext_noop("Protective suits"), "piece"),
    ("test-kits", gettext_noop("Test kits"), "kit"),
    ("ventilators", gettext_noop("Ventilators"), "piece"),
    ("goggles", gettext_noop("Goggles"), "pair"),
    ("infrared-thermometers", gettext_noop("Infrared thermometers"), "piece"),
    ("vaccine-doses", gettext_noop("Vaccine doses"), "dose"),
    ("health-kits", gettext_noop("Health kits"), "kit"),
    ("medical-teams", gettext_noop("Medical expert teams"), "team"),
)
