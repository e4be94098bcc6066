from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from summitry.assistance import queries
from summitry.assistance.models import Delivery, ReportedTotal
from summitry.assistance.services import ReportedInput, record_reported_total
from tests import factories as base
from tests.assistance import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _masks(deliveries: object) -> int:
    totals = {t.item.code: t.quantity for t in queries.item_totals(queries.visible_to(None))}
    return totals.get("masks", 0)


def test_item_totals_commercial_sales_never_counted_as_aid() -> None:
    factories.delivery("RS", items=(("masks", 1000),))
    factories.delivery("IT", modality="commercial", items=(("masks", 7_000_000),))
    assert _masks(None) == 1000
    assert queries.aid(queries.visible_to(None)).count() == 1


def test_item_totals_reported_total_not_added_to_recorded_sum() -> None:
    factories.delivery("RS", items=(("masks", 1000),))
    record_reported_total(
        ReportedInput(
            ref="2020-masks",
            donor=factories.donor().name,
            reported_by="A minister",
            as_of=dt.date(2020, 12, 31),
            quote="more than 200 billion masks",
            citation="shared/seeds/003_fda8eb5834a6266c.txt",
            items=[("masks", 200_000_000_000, "more_than")],
        )
    )
    assert _masks(None) == 1000
    assert ReportedTotal.objects.get().items.get().quantity == 200_000_000_000


def test_item_totals_pledged_delivery_not_yet_delivered() -> None:
    factories.delivery("RS", items=(("masks", 1000),), stage="pledged")
    assert _masks(None) == 0


def test_delivery_month_precision_sorts_after_a_day_in_that_month() -> None:
    month = factories.delivery("RS", date=dt.date(2020, 3, 1), date_precision="month")
    day = factories.delivery("IT", date=dt.date(2020, 3, 15))
    by = factories.delivery("IR", date=dt.date(2020, 4, 12), date_precision="by")
    # Newest first, by the latest day each date stands for.
    assert list(queries.visible_to(None)) == [by, month, day]
    assert (month.earliest, month.latest) == (dt.date(2020, 3, 1), dt.date(2020, 3, 31))
    assert by.earliest is None and by.latest == dt.date(2020, 4, 12)


def test_yearly_figures_month_and_by_dates_count_in_the_latest_days_year() -> None:
    factories.delivery("RS", date=dt.date(2020, 12, 1), date_precision="month")
    factories.delivery("IT", date=dt.date(2021, 1, 5), date_precision="by")
    factories.delivery("IR", date=dt.date(2021, 1, 1))
    everything = queries.visible_to(None)
    assert queries.in_year(everything, 2020).count() == 1
    assert queries.in_year(everything, 2021).count() == 2
    assert queries.items_by_year(everything)["masks"] == {2020: 1000, 2021: 2000}


def test_record_delivery_converts_money_at_the_rate_of_the_day() -> None:
    # Saturday 14 March 2020: the ECB published no rate; Friday the 13th's is used.
    grant = factories.delivery(
        "RS",
        modality="cash_grant",
        items=(),
        amount=Decimal("1000000"),
        currency="CNY",
        date=dt.date(2020, 3, 14),
    )
    assert grant.usd_rate_date == dt.date(2020, 3, 13)
    assert grant.usd_rate is not None and Decimal("0.14") < grant.usd_rate < Decimal("0.15")
    assert grant.usd == (Decimal("1000000") * grant.usd_rate).quantize(Decimal("0.01"))


def test_record_delivery_usd_needs_no_conversion() -> None:
    grant = factories.delivery(
        "WHO", modality="cash_grant", items=(), amount=Decimal("20000000"), currency="USD"
    )
    assert grant.usd == Decimal("20000000") and grant.usd_rate == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recipient": "XX"}, "recipient"),
        ({"modality": "gift"}, "modality"),
        ({"items": (("unicorns", 3),)}, "items"),
        ({"items": (("masks", -3),)}, "items"),
        ({"modality": "cash_grant", "items": ()}, "amount"),
        ({"amount": Decimal(5), "currency": "XYZ"}, "currency"),
        ({"date_precision": "decade"}, "date_precision"),
        ({"stage": "lost"}, "stage"),
    ],
)
def test_record_delivery_bad_input_names_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        factories.delivery(**changes)  # type: ignore[arg-type]
    assert field in caught.value.message_dict
    assert Delivery.objects.count() == 0


def test_visible_to_hides_a_delivery_at_a_confidential_engagement() -> None:
    secret = base.engagement(confidentiality="confidential")
    admin = base.user("administrator")
    factories.delivery("RS", engagement=secret.pk, by=admin)
    factories.delivery("IT")
    assert queries.visible_to(None).count() == 1
    assert queries.visible_to(admin).count() == 2


def test_record_delivery_refuses_an_engagement_the_author_cannot_see() -> None:
    secret = base.engagement(confidentiality="confidential")
    with pytest.raises(ValidationError) as caught:
        factories.delivery("RS", engagement=secret.pk, by=base.user("reader"))
    assert "engagement" in caught.value.message_dict


def test_medical_team_keeps_size_specialities_and_host() -> None:
    from summitry.assistance.services import TeamInput

    team = factories.delivery(
        "IT",
        modality="medical_team",
        items=(("medical-teams", 1),),
        team=TeamInput(size=9, specialities="intensive care", start=dt.date(2020, 3, 12)),
    ).medical_team
    assert (team.size, team.specialities, team.host.code if team.host else None) == (
        9,
        "intensive care",
        "IT",
    )
