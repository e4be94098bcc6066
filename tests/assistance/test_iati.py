from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from summitry.assistance import iati
from summitry.assistance.demo import load_demo
from summitry.cli import main
from tests.assistance import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _export(tmp_path: Path) -> bytes:
    target = tmp_path / "activities.xml"
    assert main(["export", "--format", "iati", "-o", str(target)]) == 0
    xml = target.read_bytes()
    assert iati.schema_errors(xml) == []
    return xml


def test_iati_export_of_the_demo_validates_against_the_official_schema(tmp_path: Path) -> None:
    load_demo()
    xml = _export(tmp_path)
    assert iati.rule_errors(xml) == []
    root = etree.fromstring(xml)
    assert root.get("version") == "2.03"
    activities = root.findall("iati-activity")
    # The twelve countries that received a team, the CAR's vaccines and WHO's grants.
    assert len(activities) == 14
    who = next(a for a in activities if a.findtext("iati-identifier", "").endswith("-WHO"))
    types = sorted(t.get("code", "") for t in who.iter("transaction-type"))
    assert types == ["2", "3"]  # the pledged US$30 million, the US$20 million disbursed
    assert who.find("recipient-region").get("code") == "998"  # type: ignore[union-attr]
    scope = who.find("humanitarian-scope")
    assert scope is not None
    assert [scope.get(name) for name in ("type", "vocabulary", "code")] == [
        "1",
        "1-2",
        "EP-2020-000012-001",
    ]


def test_iati_export_leaves_commercial_sales_out(tmp_path: Path) -> None:
    factories.delivery("RS", items=(("masks", 1000),))
    factories.delivery("IT", modality="commercial", items=(("masks", 7_000_000),))
    root = etree.fromstring(_export(tmp_path))
    assert [a.findtext("iati-identifier")[-2:] for a in root.iter("iati-activity")] == ["RS"]  # type: ignore[index]
    assert [a.get("value") for a in root.iter("actual")] == ["1000"]


def test_iati_export_in_kind_goods_with_a_value_are_a_disbursement_in_kind(
    tmp_path: Path,
) -> None:
    factories.delivery("PK", amount=Decimal("500000"), currency="CNY", items=(("ventilators", 50),))
    xml = _export(tmp_path)
    assert iati.rule_errors(xml) == []
    transaction = etree.fromstring(xml).find(".//transaction")
    assert transaction is not None
    assert transaction.find("transaction-type").get("code") == "3"  # type: ignore[union-attr]
    assert transaction.find("disbursement-channel").get("code") == "4"  # type: ignore[union-attr]
    assert transaction.find("value").get("currency") == "CNY"  # type: ignore[union-attr]


def test_iati_rules_catch_what_the_schema_cannot(tmp_path: Path) -> None:
    factories.delivery("RS", date=dt.date(2020, 3, 1), date_precision="month")
    xml = _export(tmp_path)
    assert iati.rule_errors(xml) == []
    root = etree.fromstring(xml)
    # Each broken rule still passes the schema, and the rule check names it.
    country = root.find(".//recipient-country")
    assert country is not None
    country.set("percentage", "60")
    country.set("code", "ZZ")
    period = root.find(".//period")
    assert period is not None
    period.find("period-start").set("iso-date", "2021-01-01")  # type: ignore[union-attr]
    root.find(".//sector").set("code", "99999")  # type: ignore[union-attr]
    broken = etree.tostring(root)
    assert iati.schema_errors(broken) == []
    problems = "\n".join(iati.rule_errors(broken))
    assert "add to 60" in problems
    assert "code=ZZ is not in Country" in problems
    assert "ends before it starts" in problems
    assert "code=99999 is not in Sector" in problems
