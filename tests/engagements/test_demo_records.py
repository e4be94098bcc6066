from __future__ import annotations

import datetime as dt

import pytest

from summitry.engagements.demo import load_demo
from summitry.engagements.models import Engagement

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.mark.parametrize(
    ("ref", "day", "counterpart", "office"),
    [
        (
            "2020-02-07-xi-call-trump",
            dt.date(2020, 2, 7),
            "Donald Trump",
            "President of the United States",
        ),
        (
            "2020-03-27-xi-call-trump",
            dt.date(2020, 3, 27),
            "Donald Trump",
            "President of the United States",
        ),
        (
            "2021-07-26-xi-congratulates-nguyen-xuan-phuc-reelection",
            dt.date(2021, 7, 26),
            "Nguyen Xuan Phuc",
            "President of the Socialist Republic of Viet Nam",
        ),
    ],
)
def test_demo_dated_records_carry_offices_and_sources(
    ref: str, day: dt.date, counterpart: str, office: str
) -> None:
    load_demo()
    record = Engagement.objects.get(ref=ref)
    assert record.start is not None and record.start.date() == day
    assert not record.time_known
    offices = {
        p.person.name: p.office.title if p.office else None for p in record.participations.all()
    }
    assert offices == {
        "Xi Jinping": "President of the People's Republic of China",
        counterpart: office,
    }
    citations = list(record.sources.values_list("citation", "url"))
    assert any(c.startswith("shared/seeds/") for c, _ in citations)
    assert any(url.startswith("http") for _, url in citations)
