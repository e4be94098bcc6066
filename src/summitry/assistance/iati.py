"""The ledger as IATI 2.03 open data: one activity per donor and recipient (a recipient
programme), with its transactions and the quantities delivered as results.

Only aid is published: commercial sales are never in the file. Money becomes transactions
(a pledge an outgoing commitment, money handed over a disbursement, goods valued in money a
disbursement in kind); goods and teams without a value become result indicators."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final

from django.utils import timezone
from lxml import etree

from summitry.assistance import queries
from summitry.assistance.models import Delivery, Donor, Modality, Stage

VERSION: Final = "2.03"
# DAC 5-digit sector 12264, COVID-19 control (added to the DAC list in 2020).
SECTOR_COVID: Final = "12264"
# The GLIDE number of the COVID-19 epidemic: humanitarian scope type 1 (emergency), vocabulary 1-2.
GLIDE_COVID: Final = "EP-2020-000012-001"
# Codes the pyIATI 0.4.1 codelists predate; each is on the current official codelist.
CODELIST_ADDITIONS: Final = {"Sector": frozenset({SECTOR_COVID})}
# Where a recipient is an organisation, the activity's region: "Developing countries, unspecified".
UNSPECIFIED_REGION: Final = "998"
ORGANISATION_TYPE_GOVERNMENT: Final = "10"
DONOR_ORGANISATION_TYPES: Final = {
    "government_body": "10",
    "province_or_city": "11",  # local government
    "company": "70",  # private sector
    "foundation": "60",
}
TRANSACTION_OUTGOING_COMMITMENT: Final = "2"
TRANSACTION_DISBURSEMENT: Final = "3"
DISBURSEMENT_CHANNEL_IN_KIND: Final = "4"  # aid in kind: donors manage funds themselves
FINANCE_TYPE = {Modality.LOAN: "421"}  # standard loan; every other modality a standard grant
FINANCE_STANDARD_GRANT: Final = "110"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"


def standard_dir() -> Path:
    """The 2.03 schemas and codelists unpacked by `make setup` (scripts/fetch-iati-schemas.sh)."""
    configured = os.environ.get("SUMMITRY_IATI_STANDARD_DIR")
    return Path(configured) if configured else Path(sys.prefix) / "share" / "iati" / "2.03"


@cache
def schema() -> etree.XMLSchema:
    path = standard_dir() / "schemas" / "iati-activities-schema.xsd"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make setup` (or make iati-schemas)")
    return etree.XMLSchema(etree.parse(str(path)))


@cache
def codelist(name: str) -> frozenset[str]:
    tree = etree.parse(str(standard_dir() / "codelists" / f"{name}.xml"))
    found = tree.xpath("//codelist-item/code/text()")
    assert isinstance(found, list)
    codes = {str(code).strip() for code in found}
    return frozenset(codes | CODELIST_ADDITIONS.get(name, frozenset()))


def reporting_ref(donor: Donor) -> str:
    return donor.iati_ref or os.environ.get("SUMMITRY_IATI_ORG_REF", "XX-SUMMITRY")


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", value).strip("-")


def _narrative(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    etree.SubElement(element, "narrative").text = text
    return element


@dataclass
class Programme:
    donor: Donor
    recipient_code: str
    recipient_name: str
    country: bool
    deliveries: list[Delivery]

    @property
    def identifier(self) -> str:
        return f"{reporting_ref(self.donor)}-{_slug(self.recipient_code)}"


def programmes(deliveries: Iterable[Delivery]) -> list[Programme]:
    grouped: dict[tuple[int, str], Programme] = {}
    for delivery in deliveries:
        recipient = delivery.recipient
        if recipient is None:
            continue
        key = (delivery.donor_id, delivery.recipient_code)
        if key not in grouped:
            grouped[key] = Programme(
                delivery.donor,
                delivery.recipient_code,
                str(recipient.name),
                delivery.recipient_country_id is not None,
                [],
            )
        grouped[key].deliveries.append(delivery)
    return sorted(grouped.values(), key=lambda p: (p.donor.name, p.recipient_code))


def _org(parent: etree._Element, tag: str, donor: Donor, **attributes: str) -> None:
    element = _narrative(parent, tag, donor.name)
    element.set("ref", reporting_ref(donor))
    element.set("type", DONOR_ORGANISATION_TYPES.get(donor.kind, ORGANISATION_TYPE_GOVERNMENT))
    for name, value in attributes.items():
        element.set(name.replace("_", "-"), value)


def _transaction(activity: etree._Element, delivery: Delivery, programme: Programme) -> None:
    assert delivery.amount is not None
    pledged = delivery.stage == Stage.PLEDGED
    transaction = etree.SubElement(activity, "transaction", ref=delivery.ref)
    etree.SubElement(
        transaction,
        "transaction-type",
        code=TRANSACTION_OUTGOING_COMMITMENT if pledged else TRANSACTION_DISBURSEMENT,
    )
    etree.SubElement(transaction, "transaction-date", {"iso-date": delivery.latest.isoformat()})
    value = etree.SubElement(
        transaction,
        "value",
        {"currency": delivery.currency, "value-date": delivery.latest.isoformat()},
    )
    value.text = f"{delivery.amount:f}"
    _narrative(transaction, "description", delivery.description or delivery.ref)
    provider = _narrative(transaction, "provider-org", delivery.donor.name)
    provider.set("ref", reporting_ref(delivery.donor))
    _narrative(transaction, "receiver-org", programme.recipient_name)
    if delivery.modality == Modality.DONATION_IN_KIND and not pledged:
        etree.SubElement(transaction, "disbursement-channel", code=DISBURSEMENT_CHANNEL_IN_KIND)
    etree.SubElement(
        transaction,
        "finance-type",
        code=FINANCE_TYPE.get(Modality(delivery.modality), FINANCE_STANDARD_GRANT),
    )


def _results(activity: etree._Element, deliveries: list[Delivery]) -> None:
    totals: dict[str, list[Any]] = defaultdict(lambda: [None, 0, None, None])
    for delivery in deliveries:
        if delivery.stage == Stage.PLEDGED:
            continue
        for entry in delivery.items.all():
            if entry.quantity is None:
                continue
            total = totals[entry.item.code]
            total[0] = entry.item
            total[1] += entry.quantity
            start = delivery.earliest or delivery.latest
            total[2] = start if total[2] is None else min(total[2], start)
            total[3] = delivery.latest if total[3] is None else max(total[3], delivery.latest)
    for _code, (item, quantity, start, end) in sorted(totals.items()):
        result = etree.SubElement(activity, "result", {"type": "1", "aggregation-status": "1"})
        _narrative(result, "title", f"{item.name} delivered")
        indicator = etree.SubElement(result, "indicator", measure="1", ascending="1")
        _narrative(indicator, "title", f"{item.name} ({item.get_unit_display()})")
        period = etree.SubElement(indicator, "period")
        etree.SubElement(period, "period-start", {"iso-date": start.isoformat()})
        etree.SubElement(period, "period-end", {"iso-date": end.isoformat()})
        etree.SubElement(period, "actual", value=str(quantity))


def activity_element(programme: Programme, now: dt.datetime) -> etree._Element:
    deliveries = sorted(programme.deliveries, key=lambda d: (d.earliest or d.latest, d.pk))
    activity = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": now.isoformat(timespec="seconds"),
            XML_LANG: "en",
            "default-currency": "USD",
            "humanitarian": "1",
        },
    )
    etree.SubElement(activity, "iati-identifier").text = programme.identifier
    _org(activity, "reporting-org", programme.donor)
    _narrative(activity, "title", f"COVID-19 assistance to {programme.recipient_name}")
    _narrative(
        activity,
        "description",
        f"Deliveries recorded from {programme.donor.name} to {programme.recipient_name}.",
    )
    _org(activity, "participating-org", programme.donor, role="1")
    pledged_only = all(d.stage == Stage.PLEDGED for d in deliveries)
    etree.SubElement(activity, "activity-status", code="1" if pledged_only else "2")
    first = min(d.earliest or d.latest for d in deliveries)
    etree.SubElement(activity, "activity-date", {"type": "2", "iso-date": first.isoformat()})
    if programme.country:
        etree.SubElement(
            activity, "recipient-country", code=programme.recipient_code, percentage="100"
        )
    else:
        etree.SubElement(
            activity,
            "recipient-region",
            code=UNSPECIFIED_REGION,
            vocabulary="1",
            percentage="100",
        )
    etree.SubElement(activity, "sector", code=SECTOR_COVID, vocabulary="1", percentage="100")
    etree.SubElement(activity, "humanitarian-scope", type="1", vocabulary="1-2", code=GLIDE_COVID)
    etree.SubElement(activity, "default-flow-type", code="10")  # ODA
    etree.SubElement(activity, "default-finance-type", code=FINANCE_STANDARD_GRANT)
    for delivery in deliveries:
        if delivery.amount is not None and delivery.currency:
            _transaction(activity, delivery, programme)
    _results(activity, deliveries)
    return activity


def iati_document(deliveries: Iterable[Delivery], now: dt.datetime | None = None) -> etree._Element:
    now = now or timezone.now().replace(microsecond=0)
    root = etree.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": now.isoformat(timespec="seconds")},
    )
    for programme in programmes(deliveries):
        root.append(activity_element(programme, now))
    return root


def public_aid() -> list[Delivery]:
    """What is published: the aid the public may see (commercial sales are not aid)."""
    return list(
        queries.with_related(queries.aid(queries.visible_to(None))).order_by("latest", "pk")
    )


def export_iati(deliveries: Iterable[Delivery] | None = None) -> bytes:
    document = iati_document(public_aid() if deliveries is None else deliveries)
    return bytes(
        etree.tostring(document, pretty_print=True, xml_declaration=True, encoding="UTF-8")
    )


def schema_errors(xml: bytes) -> list[str]:
    """The official schema's complaints about a file, one line each (none when it validates)."""
    check = schema()
    if check.validate(etree.fromstring(xml)):
        return []
    return [f"line {e.line}: {e.message}" for e in check.error_log]  # type: ignore[attr-defined]


def rule_errors(xml: bytes) -> list[str]:
    """Rules the schema cannot check: percentages add to 100, dates in order, identifiers
    under the reporting organisation's, and codes from the codelists."""
    problems: list[str] = []
    root = etree.fromstring(xml)
    for activity in root.iter("iati-activity"):
        ident = activity.findtext("iati-identifier") or ""
        ref = activity.find("reporting-org")
        if ref is None or not ident.startswith(f"{ref.get('ref')}-"):
            problems.append(f"{ident}: the identifier does not begin with the reporting org's")
        places = activity.findall("recipient-country") + activity.findall("recipient-region")
        share = sum(Decimal(p.get("percentage", "0")) for p in places)
        if places and share != 100:
            problems.append(f"{ident}: recipient percentages add to {share}, not 100")
        sectors = activity.findall("sector")
        if sectors and sum(Decimal(s.get("percentage", "0")) for s in sectors) != 100:
            problems.append(f"{ident}: sector percentages do not add to 100")
        for element, attribute, name in (
            ("recipient-country", "code", "Country"),
            ("recipient-region", "code", "Region"),
            ("sector", "code", "Sector"),
            ("activity-status", "code", "ActivityStatus"),
            ("activity-date", "type", "ActivityDateType"),
            ("humanitarian-scope", "type", "HumanitarianScopeType"),
            ("humanitarian-scope", "vocabulary", "HumanitarianScopeVocabulary"),
            ("transaction/transaction-type", "code", "TransactionType"),
            ("transaction/disbursement-channel", "code", "DisbursementChannel"),
            ("transaction/finance-type", "code", "FinanceType"),
            ("transaction/value", "currency", "Currency"),
            ("default-flow-type", "code", "FlowType"),
            ("default-finance-type", "code", "FinanceType"),
            ("reporting-org", "type", "OrganisationType"),
            ("participating-org", "role", "OrganisationRole"),
            ("result", "type", "ResultType"),
            ("result/indicator", "measure", "IndicatorMeasure"),
        ):
            for found in activity.findall(element):
                code = found.get(attribute, "")
                if code not in codelist(name):
                    problems.append(f"{ident}: {element} {attribute}={code} is not in {name}")
        today = dt.date.today()
        for date in activity.iter("activity-date", "transaction-date", "period-start"):
            day = dt.date.fromisoformat(date.get("iso-date", ""))
            if date.tag == "activity-date" and date.get("type") == "2" and day > today:
                problems.append(f"{ident}: an actual start in the future ({day})")
        for period in activity.iter("period"):
            start = period.find("period-start")
            end = period.find("period-end")
            if (
                start is not None
                and end is not None
                and start.get("iso-date", "") > end.get("iso-date", "")
            ):
                problems.append(f"{ident}: a result period ends before it starts")
        starts = [
            d.get("iso-date", "") for d in activity.findall("activity-date") if d.get("type") == "2"
        ]
        for transaction in activity.findall("transaction"):
            paid = transaction.find("transaction-date")
            if paid is not None and starts and paid.get("iso-date", "") < starts[0]:
                problems.append(f"{ident}: a transaction before the activity's start")
    return problems
