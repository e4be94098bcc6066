from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from summitry.assistance.links import link_delivery
from summitry.assistance.models import Delivery
from summitry.commitments import evidence
from summitry.commitments.models import Commitment
from tests.assistance import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _doses(recipient: str = "CF", quantity: int = 1_000_000, **extra: Any) -> Delivery:
    return factories.delivery(
        recipient, items=(("vaccine-doses", quantity),), date=dt.date(2022, 3, 1), **extra
    )


def _evidence(commitment: Commitment) -> list[evidence.Evidence]:
    return evidence.counted(evidence.collect([commitment])[commitment.pk])


def test_linked_doses_to_an_au_member_count_towards_the_focac_commitment() -> None:
    focac = factories.commitment()
    delivery = _doses("CF")
    link_delivery(delivery, focac, Decimal(1_000_000))
    (item,) = _evidence(focac)
    assert (item.key, item.amount, item.on) == (
        f"delivery:{delivery.pk}",
        Decimal(1_000_000),
        dt.date(2022, 3, 1),
    )
    assert item.url == delivery.get_absolute_url()


def test_unlinked_delivery_counts_towards_no_commitment() -> None:
    focac = factories.commitment()
    _doses("CF")
    assert _evidence(focac) == []


def test_delivery_split_across_two_commitments_only_within_what_it_holds() -> None:
    first = factories.commitment()
    second = factories.commitment(text="Another pledge of doses")
    delivery = _doses("CF", 1_000_000)
    link_delivery(delivery, first, Decimal(600_000))
    with pytest.raises(ValidationError) as caught:
        link_delivery(delivery, second, Decimal(500_000))
    assert "quantity" in caught.value.message_dict
    link_delivery(delivery, second, Decimal(400_000))
    assert [e.amount for e in _evidence(first)] == [Decimal(600_000)]
    assert [e.amount for e in _evidence(second)] == [Decimal(400_000)]


def test_link_refuses_a_recipient_outside_the_beneficiaries() -> None:
    focac = factories.commitment()
    with pytest.raises(ValidationError) as caught:
        link_delivery(_doses("RS"), focac, Decimal(10))
    assert "commitment" in caught.value.message_dict


def test_link_refuses_a_commercial_sale() -> None:
    focac = factories.commitment()
    sale = _doses("CF", modality="commercial")
    with pytest.raises(ValidationError) as caught:
        link_delivery(sale, focac, Decimal(10))
    assert "delivery" in caught.value.message_dict


def test_pledged_delivery_is_not_evidence_until_delivered() -> None:
    focac = factories.commitment()
    link_delivery(_doses("CF", stage="pledged"), focac, Decimal(1_000))
    assert _evidence(focac) == []


def test_progress_report_citing_a_delivery_does_not_count_it_twice() -> None:
    from summitry.commitments.models import ProgressReport

    focac = factories.commitment()
    delivery = _doses("CF", 1_000)
    link_delivery(delivery, focac, Decimal(1_000))
    ProgressReport.objects.create(
        commitment=focac,
        on=dt.date(2022, 4, 1),
        amount=Decimal(5_000),
        source="A report",
        includes=[f"delivery:{delivery.pk}"],
    )
    assert sum(e.amount or 0 for e in _evidence(focac)) == Decimal(5_000)
