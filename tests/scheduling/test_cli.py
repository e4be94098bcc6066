import json
from datetime import UTC, datetime
from typing import Any

import pytest

from summitry.scheduling.cli import main

pytestmark = pytest.mark.unit


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main([*argv, "--format", "json"]) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


def test_json_lists_slots_best_first(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys,
        "--country",
        "US",
        "CN",
        "--country",
        "AUS",
        "--duration",
        "60",
        "--from",
        "2020-03-23",
        "--days",
        "5",
        "--limit",
        "3",
    )
    slots = out["slots"]
    assert isinstance(slots, list) and len(slots) == 3
    keys = [(not s["acceptable"], s["worst_cost"], s["total_cost"]) for s in slots]
    assert keys == sorted(keys)
    best = slots[0]
    assert best["start"] == "2020-03-23T23:00:00Z"
    assert best["end"] == "2020-03-24T00:00:00Z"
    start = datetime.fromisoformat(best["start"])
    assert start.tzinfo is not None and start.utcoffset() == UTC.utcoffset(None)
    people = {p["name"]: p for p in best["participants"]}
    assert set(people) == {"US", "CN", "AU"}
    assert people["US"]["zone"] == "America/New_York"
    assert people["US"]["local_start"] == "2020-03-23T19:00:00-04:00"
    assert people["AU"]["local_start"] == "2020-03-24T10:00:00+11:00"
    assert people["AU"]["cost"] == 0
    assert out["relaxation"] is None
    assert "pay most" in str(out["explanation"])


def test_zone_override_optional_and_relaxation(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys,
        "--country",
        "FR",
        "--zone",
        "Kiribati=Pacific/Kiritimati",
        "--zone",
        "FR=Europe/Paris",
        "--duration",
        "60",
        "--from",
        "2026-01-13",
        "--days",
        "1",
        "--acceptable",
        "all=09:00-17:00",
    )
    assert {p["zone"] for p in out["slots"][0]["participants"]} == {
        "Europe/Paris",
        "Pacific/Kiritimati",
    }
    relaxation = out["relaxation"]
    assert isinstance(relaxation, dict)
    assert relaxation["alternatives"]
    optional = run_json(
        capsys,
        "--country",
        "FR",
        "--zone",
        "Kiribati=Pacific/Kiritimati",
        "--duration",
        "60",
        "--from",
        "2026-01-13",
        "--days",
        "1",
        "--optional",
        "Kiribati",
    )
    assert optional["relaxation"] is None
    assert optional["slots"][0]["worst_cost"] == 0


def test_busy_option(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys,
        "--country",
        "FR",
        "--duration",
        "60",
        "--from",
        "2026-01-13",
        "--days",
        "1",
        "--busy",
        "FR=2026-01-13T08:00/2026-01-13T11:00",
    )
    assert out["slots"][0]["start"] == "2026-01-13T11:00:00Z"


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "--country",
                "SA",
                "GB",
                "--duration",
                "45",
                "--from",
                "2026-01-09",
                "--days",
                "4",
                "--limit",
                "1",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "Mon 12 Jan 2026" in text
    assert "Saudi Arabia" in text


@pytest.mark.parametrize(
    "argv",
    [
        ["--country", "ZZ", "--duration", "60"],
        ["--zone", "X=Mars/Olympus", "--duration", "60"],
        ["--country", "FR", "--duration", "0"],
        ["--country", "FR", "--duration", "60", "--optional", "DE"],
        ["--duration", "60"],
        ["--country", "FR", "--duration", "60", "--acceptable", "FR=7-23"],
    ],
)
def test_bad_input_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "error" in capsys.readouterr().err
