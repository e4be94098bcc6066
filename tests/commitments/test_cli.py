"""`summitry commitments` and `summitry export --format plover`, on the demo data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pycountry
import pytest

from summitry.cli import main
from summitry.commitments.demo import load_demo as load_commitments
from summitry.engagements.demo import load_demo
from tests import factories
from tests.commitments import factories as commitment_factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# From the PLOVER manual (openeventdata/PLOVER, PLOVER_MANUAL.tex, draft 0.8): its sixteen event
# categories, CONSULT's modes, and the codes of international non-state actors (its table).
MANUAL_EVENTS = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}  # fmt: skip
MANUAL_CONSULT_MODES = {"visit", "third-party", "multilateral", "phone"}
MANUAL_NON_STATE = {"IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"}
MANUAL_CONTEXTS = {"economic", "health", "diplomatic", "environment", "human_security"}
MANUAL_REQUIRES_RECIPIENT = {"COOPERATE", "AID", "SANCTION"}
ISSUE_FIELDS = {
    "id", "made_on", "made_by", "engagement", "text", "kind", "amount", "unit", "usd",
    "beneficiaries", "due", "status", "progress", "sources",
}  # fmt: skip


def test_cli_commitments_json_has_issue_fields(tmp_path: Path) -> None:
    load_demo()
    load_commitments()
    target = tmp_path / "out.json"
    assert main(["commitments", "--year", "2021", "--format", "json", "-o", str(target)]) == 0
    records = json.loads(target.read_text(encoding="utf-8"))
    assert records and all(set(r) >= ISSUE_FIELDS for r in records)
    assert {r["made_on"][:4] for r in records} == {"2021"}
    by_ref = {r["ref"]: r for r in records}
    focac = by_ref["2021-11-29-focac-one-billion-doses"]
    assert focac["made_by"] == "CN"
    assert focac["engagement"] == "2021-11-29-focac-8th-ministerial-conference-opening"
    assert (focac["amount"], focac["unit"], focac["usd"]) == (1_000_000_000, "doses", None)
    assert focac["status"] == "announced" and focac["progress"] == 0
    assert "members:AU" in focac["beneficiaries"]
    assert focac["sources"] == ["shared/seeds/001_fa677d636f66956c.txt"]
    fund = by_ref["2021-10-12-kunming-biodiversity-fund"]
    assert round(fund["usd"] / 1e6) == 233 and fund["rate_date"] == "2021-10-12"
    dt.date.fromisoformat(fund["made_on"])


def test_cli_commitments_csv_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commitment_factories.commitment(
        made_on=dt.date(2021, 10, 12), amount="1500000000", unit="CNY", kind="funding"
    )
    assert main(["commitments", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,made_on,made_by") and len(lines) == 2
    assert main(["commitments"]) == 0
    assert "2021-10-12" in capsys.readouterr().out


def test_cli_commitments_hides_confidential(capsys: pytest.CaptureFixture[str]) -> None:
    secret = factories.engagement(confidentiality="confidential")
    commitment_factories.commitment(engagement=secret, text="A confidential pledge.")
    assert main(["commitments", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_plover_lines_follow_manual_codes(tmp_path: Path) -> None:
    load_demo()
    load_commitments()
    target = tmp_path / "events.jsonl"
    assert main(["export", "--format", "plover", "-o", str(target)]) == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) > 50
    assert len({r["id"] for r in records}) == len(records)
    alpha3 = {c.alpha_3 for c in pycountry.countries}
    for record in records:
        assert {"id", "date", "event_type", "event", "actor", "source"} <= set(record)
        dt.date.fromisoformat(record["date"])
        assert record["event_type"] in MANUAL_EVENTS
        assert record["event"] == [record["event_type"]]
        if record["mode"] is not None:
            assert record["event_type"] == "CONSULT"
            assert set(record["mode"]) <= MANUAL_CONSULT_MODES
        assert set(record["context"] or []) <= MANUAL_CONTEXTS
        for party in [*record["actor"], *(record["recipient"] or [])]:
            assert party["code"] in alpha3 | MANUAL_NON_STATE
        assert record["actor"]
        if record["event_type"] in MANUAL_REQUIRES_RECIPIENT:
            assert record["recipient"]
    by_link = {r["link"]: r for r in records if r["event_type"] == "CONSULT"}
    call = by_link["2020-02-07-xi-call-trump"]
    assert call["mode"] == ["phone"] and {a["code"] for a in call["actor"]} == {"CHN", "USA"}
    summit = by_link["2020-03-26-g20-extraordinary-leaders-summit"]
    assert set(summit["mode"]) == {"phone", "multilateral"}
    visit = by_link["2020-02-05-xi-meets-hun-sen-beijing"]
    # The manual: the visitor is the actor and the host the recipient.
    assert visit["mode"] == ["visit"]
    assert [a["code"] for a in visit["actor"]] == ["KHM"]
    assert [r["code"] for r in visit["recipient"]] == ["CHN"]
    pledge = next(r for r in records if "1 billion doses" in r.get("event_text", [""])[0])
    assert pledge["event_type"] == "AGREE" and pledge["date"] == "2021-11-29"
    assert pledge["actor"] == [{"code": "CHN", "sector": "GOV", "entity_text": "China"}]
    assert len(pledge["recipient"]) == 55  # the African Union's members


def test_plover_year_filter_and_confidential_left_out(tmp_path: Path) -> None:
    secret = factories.engagement(
        confidentiality="confidential",
        countries=("CN", "FR"),
        start=dt.datetime(2021, 11, 2, 12, tzinfo=dt.UTC),
    )
    commitment_factories.commitment(engagement=secret)
    factories.engagement(countries=("CN", "DE"), start=dt.datetime(2021, 3, 1, 12, tzinfo=dt.UTC))
    target = tmp_path / "events.jsonl"
    assert main(["export", "--format", "plover", "--year", "2021", "-o", str(target)]) == 0
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["date"] for r in records] == ["2021-03-01"]
