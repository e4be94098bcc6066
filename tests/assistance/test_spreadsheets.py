from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from summitry.assistance import queries
from summitry.assistance.demo import load_demo
from summitry.assistance.models import Delivery
from summitry.assistance.spreadsheets import (
    ImportFailed,
    export_csv,
    export_xlsx,
    import_deliveries,
)
from tests.assistance import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _all() -> list[Delivery]:
    return list(queries.with_related(queries.visible_to(None)).order_by("ref"))


def test_hxl_round_trip_csv_and_xlsx_give_back_the_same_ledger() -> None:
    load_demo()
    factories.delivery(
        "PK", amount=Decimal("500000"), currency="CNY",
        items=(("ventilators", 50), ("masks", 100_000)), ref="two-items",
    )  # fmt: skip
    before = export_csv(_all())
    xlsx = export_xlsx(_all())
    assert before.splitlines()[1].startswith("#activity+code,#org+funder,#country+code")
    for content, fmt in ((before.encode(), "csv"), (xlsx, "xlsx")):
        Delivery.objects.all().delete()
        assert import_deliveries(content, fmt) == 16
        assert export_csv(_all()) == before


def test_hxl_hashtags_alone_are_accepted_in_any_order() -> None:
    factories.donor()
    text = (
        "#output+quantity,#item+name,#country+code+v_iso3,#org+funder,#activity+code,#modality,"
        "#date,#meta+source\n"
        "1000,masks,SRB,Ministry of Commerce,rs-1,donation_in_kind,2020-03-21,Press release\n"
        "20,ventilators,SRB,Ministry of Commerce,rs-1,donation_in_kind,2020-03-21,\n"
    )
    assert import_deliveries(text.encode(), "csv") == 1
    delivery = Delivery.objects.get(ref="rs-1")
    assert delivery.recipient_country is not None and delivery.recipient_country.code == "RS"
    assert sorted((i.item.code, i.quantity) for i in delivery.items.all()) == [
        ("masks", 1000),
        ("ventilators", 20),
    ]


def test_import_is_all_or_nothing_with_row_and_column_in_each_problem() -> None:
    factories.donor()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ref", "donor", "recipient", "modality", "date", "item", "quantity", "citation"])
    sheet.append(
        [
            "ok-1",
            "Ministry of Commerce",
            "RS",
            "donation_in_kind",
            dt.datetime(2020, 3, 21),
            "masks",
            10,
            "A",
        ]
    )
    sheet.append(
        ["bad-1", "Ministry of Commerce", "XQ", "donation_in_kind", "21/03/2020", "masks", 10, "A"]
    )
    sheet.append(
        ["bad-2", "Ministry of Commerce", "IT", "gift", "2020-03-22", "unicorns", "many", "A"]
    )
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFailed) as caught:
        import_deliveries(out.getvalue(), "xlsx")
    messages = [str(p) for p in caught.value.problems]
    assert "Row 3, column E (date): 21/03/2020 is not a date (YYYY-MM-DD)." in messages
    assert "Row 4, column G (quantity): many is not a number." in messages
    assert not Delivery.objects.exists()
    # With the date and the quantity right, the services' problems are placed the same way.
    sheet["E3"] = "2020-03-21"
    sheet["G4"] = 5
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFailed) as caught:
        import_deliveries(out.getvalue(), "xlsx")
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("Row 3, column C (recipient): XQ is neither") for m in messages)
    assert "Row 4, column D (modality): gift is not a modality." in messages
    assert any(m.startswith("Row 4, column F (item): Item 1: unicorns") for m in messages)
    assert not Delivery.objects.exists()  # the good row was not kept either


def test_import_rows_of_one_delivery_must_agree() -> None:
    factories.donor()
    text = (
        "ref,donor,recipient,modality,date,item,quantity,citation\n"
        "x,Ministry of Commerce,RS,donation_in_kind,2020-03-21,masks,1,A\n"
        "x,Ministry of Commerce,IT,donation_in_kind,2020-03-21,goggles,1,A\n"
    )
    with pytest.raises(ImportFailed) as caught:
        import_deliveries(text.encode(), "csv")
    assert str(caught.value.problems[0]).startswith("Row 3, column C (recipient): Rows of one")


def test_import_unknown_column_is_named() -> None:
    with pytest.raises(ImportFailed) as caught:
        import_deliveries(b"ref,donor,colour\n", "csv")
    assert "Row 1, column C (colour): This column is not known." in [
        str(p) for p in caught.value.problems
    ]


def test_export_xlsx_carries_the_hashtag_row() -> None:
    factories.delivery("RS")
    book = load_workbook(io.BytesIO(export_xlsx(_all())))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][:3] == ("#activity+code", "#org+funder", "#country+code")
