"""The demo commitments: what the seeds name, each citing its seed file, with the seeds' figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from summitry.commitments.demo import load_demo as load_commitments
from summitry.commitments.models import Commitment
from summitry.commitments.progress import Status, assess_all
from summitry.engagements.demo import load_demo

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_demo_commitments_cite_seeds_and_load_once() -> None:
    load_demo()
    load_commitments()
    count = Commitment.objects.count()
    load_commitments()
    assert Commitment.objects.count() == count >= 10
    for commitment in Commitment.objects.prefetch_related("sources"):
        assert any(s.citation.startswith("shared/seeds/") for s in commitment.sources.all())


def test_demo_kunming_fund_in_dollars_matches_seed() -> None:
    load_demo()
    load_commitments()
    fund = Commitment.objects.get(ref="2021-10-12-kunming-biodiversity-fund")
    assert fund.unit == "CNY" and fund.amount == Decimal(1_500_000_000)
    assert fund.usd is not None and round(fund.usd / 1_000_000) == 233  # the seed's figure
    focac = Commitment.objects.get(ref="2021-11-29-focac-one-billion-doses")
    assert focac.office is not None and "President" in focac.office.title
    progress = assess_all([focac], dt.date(2026, 12, 3))[focac.pk]
    # No seed gives a figure of delivery for this pledge: none is shown.
    assert progress.status == Status.ANNOUNCED and progress.delivered is None
