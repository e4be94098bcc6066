from __future__ import annotations

import datetime as dt

import pytest

from summitry.knowledge.demo import load_demo
from summitry.knowledge.models import Edition, Work

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_demo_holds_the_two_works_with_seven_and_six_editions() -> None:
    load_demo()
    counts = {w.slug: w.editions.count() for w in Work.objects.all()}
    assert counts == {
        "covid-19-diagnosis-treatment-protocol": 7,
        "covid-19-prevention-control-protocol": 6,
    }
    current = Edition.objects.filter(is_current=True).order_by("work__slug")
    assert [(e.number, e.published_on) for e in current] == [
        (7, dt.date(2020, 3, 3)),
        (6, dt.date(2020, 3, 7)),
    ]


def test_demo_invents_no_text_and_loads_once() -> None:
    load_demo()
    load_demo()
    assert Edition.objects.count() == 13
    assert not Edition.objects.exclude(text="").exists()
    assert not Edition.objects.exclude(text_format="").exists()
