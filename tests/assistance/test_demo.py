from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from summitry.assistance.demo import load_demo
from summitry.assistance.models import Delivery, DeliverySource, ReportedTotal

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_demo_records_only_what_the_seeds_say_and_loads_twice_unchanged() -> None:
    load_demo()
    load_demo()
    assert Delivery.objects.count() == 15 and ReportedTotal.objects.count() == 8
    assert not DeliverySource.objects.exclude(citation__startswith="shared/seeds/").exists()
    assert not ReportedTotal.objects.exclude(citation__startswith="shared/seeds/").exists()
    teams = Delivery.objects.filter(modality="medical_team")
    assert sorted(t.recipient_country.code for t in teams if t.recipient_country) == sorted(
        ["IR", "IQ", "IT", "RS", "KH", "PK", "VE", "PH", "MM", "LA", "KZ", "RU"]
    )
    # No day is invented: each team is "by" the report's date.
    assert {(t.date, t.date_precision) for t in teams} == {(dt.date(2020, 4, 12), "by")}
    bangui = Delivery.objects.get(recipient_country__code="CF")
    assert (bangui.date, bangui.date_precision) == (dt.date(2021, 7, 6), "day")
    assert bangui.items.get().quantity is None  # the caption gives no number
    who = Delivery.objects.filter(recipient_organisation__acronym="WHO")
    assert sum(d.usd or 0 for d in who) == Decimal(50_000_000)
    # The exports are commercial, kept apart as reported totals.
    assert ReportedTotal.objects.filter(commercial=True).count() == 2
    assert not Delivery.objects.filter(modality="commercial").exists()
