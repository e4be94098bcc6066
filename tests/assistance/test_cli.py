from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from summitry.cli import main
from tests.assistance import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_assistance_json_has_the_issues_fields(capsys: pytest.CaptureFixture[str]) -> None:
    factories.delivery("RS", items=(("vaccine-doses", 500_000),), date=dt.date(2021, 7, 6))
    factories.delivery(
        "WHO", modality="cash_grant", items=(), amount=Decimal(20_000_000), currency="USD",
        date=dt.date(2020, 4, 27), date_precision="by",
    )  # fmt: skip
    assert main(["assistance", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["recipient"] for r in records] == ["WHO", "RS"]
    for record in records:
        assert {
            "id", "donor", "recipient", "channel", "modality", "date", "date_precision",
            "items", "usd", "commitment", "sources",
        } <= record.keys()  # fmt: skip
    grant, doses = records
    assert (grant["usd"], grant["date_precision"], grant["items"]) == ("20000000.00", "by", [])
    assert doses["items"] == [
        {"item": "vaccine-doses", "quantity": 500000, "unit": "dose", "product": None}
    ]
    assert doses["usd"] is None and doses["commitment"] is None
    assert doses["sources"][0]["citation"] == "shared/seeds/002_415ee3b002599a03.txt"


def test_assistance_year_filter_uses_the_latest_day(capsys: pytest.CaptureFixture[str]) -> None:
    factories.delivery("RS", date=dt.date(2020, 12, 1), date_precision="month")
    factories.delivery("IT", date=dt.date(2021, 1, 2))
    assert main(["assistance", "--year", "2020", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["recipient"], r["date"], r["date_precision"]) for r in rows] == [
        ("RS", "2020-12-01", "month")
    ]


def test_assistance_text_marks_commercial_sales(capsys: pytest.CaptureFixture[str]) -> None:
    factories.delivery("IT", modality="commercial")
    assert main(["assistance"]) == 0
    assert "(commercial, not aid)" in capsys.readouterr().out


def test_assistance_import_and_hxl_export_from_the_command_line(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    factories.delivery("RS", ref="rs-masks")
    assert main(["assistance", "--format", "hxl"]) == 0
    exported = capsys.readouterr().out
    assert exported.splitlines()[1].startswith("#activity+code")
    folder = Path(str(tmp_path))
    (folder / "in.csv").write_text(exported.replace("rs-masks", "rs-masks-2"), encoding="utf-8")
    assert main(["assistance", "--import", str(folder / "in.csv"), "--dry-run"]) == 0
    assert "Would import 1 delivery" in capsys.readouterr().out
    assert main(["assistance", "--import", str(folder / "in.csv")]) == 0
    assert main(["assistance", "--import", str(folder / "in.csv")]) == 1
    assert (
        "Row 3, column A (#activity+code): This reference is already in use"
        in capsys.readouterr().err
    )


def test_assistance_json_names_the_linked_commitment(capsys: pytest.CaptureFixture[str]) -> None:
    from summitry.assistance.links import link_delivery

    focac = factories.commitment()
    delivery = factories.delivery("CF", items=(("vaccine-doses", 1000),), date=dt.date(2022, 3, 1))
    link_delivery(delivery, focac, Decimal(1000))
    assert main(["assistance", "--format", "json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["commitment"] == focac.pk
