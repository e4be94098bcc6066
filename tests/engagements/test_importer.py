from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from summitry.cli import main
from summitry.engagements.exporter import export
from summitry.engagements.importer import ImportFailed, import_text
from summitry.engagements.models import Engagement
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def people() -> None:
    factories.person(
        "Xi Jinping", "CN", "President of the People's Republic of China", dt.date(2013, 3, 14)
    )
    factories.person(
        "Emmanuel Macron", "FR", "President of the French Republic", dt.date(2017, 5, 14)
    )
    factories.organisation("WHO")


GOOD_CSV = """ref,title,kind,status,start,end,participants,countries,organisations,topics,sources
call-1,Call with France,telephone_call,held,2020-03-23T12:00:00+00:00,,Xi Jinping (principal); Emmanuel Macron,CN; FR,,COVID-19,seed 002
msg-1,Message to WHO,written_message,held,2020-05-18,,Xi Jinping (principal),CN,WHO,COVID-19; health,https://example.org/a
"""


def test_import_csv_creates_engagements_with_offices_on_the_day() -> None:
    result = import_text(GOOD_CSV, "csv")
    assert (result.created, result.updated) == (2, 0)
    call = Engagement.objects.get(ref="call-1")
    roles = {
        (p.person.name, p.role, p.office.title if p.office else None)
        for p in call.participations.all()
    }
    assert roles == {
        ("Xi Jinping", "principal", "President of the People's Republic of China"),
        ("Emmanuel Macron", "head_of_delegation", "President of the French Republic"),
    }
    message = Engagement.objects.get(ref="msg-1")
    assert not message.time_known
    assert message.sources.get().url == "https://example.org/a"


def test_import_is_all_or_nothing_with_line_and_field() -> None:
    bad = GOOD_CSV + "call-2,Call,telephone_call,held,2020-03-99,,,,,,\n"
    with pytest.raises(ImportFailed) as failed:
        import_text(bad, "csv")
    assert [str(p) for p in failed.value.problems] == [
        "line 4, field 'start': '2020-03-99' is not a valid date (day is out of range for month)"
    ]
    assert Engagement.objects.count() == 0


def test_import_suggests_the_closest_country_and_person() -> None:
    text = "title,kind,status,start,countries,participants\nCall,telephone_call,held,2020-03-23,Frnace,Emanuel Macron\n"
    with pytest.raises(ImportFailed) as failed:
        import_text(text, "csv")
    messages = [str(p) for p in failed.value.problems]
    assert "line 2, field 'countries': unknown country 'Frnace'; did you mean 'France'?" in messages
    assert any(
        "unknown person 'Emanuel Macron'; did you mean 'Emmanuel Macron'?" in m for m in messages
    )


def test_import_json_names_the_line_of_each_bad_record() -> None:
    records = [
        {
            "title": "Fine",
            "kind": "telephone_call",
            "status": "held",
            "start": "2020-03-23T12:00:00+01:00",
        },
        {"title": "", "kind": "video_call", "status": "held", "start": "2020-03-24T12:00:00"},
    ]
    text = json.dumps(records, indent=2)
    with pytest.raises(ImportFailed) as failed:
        import_text(text, "json")
    second_line = text.splitlines().index("  {", 2) + 1
    problems = {(p.line, p.field) for p in failed.value.problems}
    assert problems == {(second_line, "title"), (second_line, "kind"), (second_line, "start")}
    assert Engagement.objects.count() == 0


def test_import_json_syntax_error_gives_the_line() -> None:
    with pytest.raises(ImportFailed) as failed:
        import_text('[\n  {"title": "x",\n  "kind" "telephone_call"}\n]', "json")
    assert failed.value.problems[0].line == 3


def test_import_refuses_an_illegal_status_change_and_keeps_the_record() -> None:
    import_text(GOOD_CSV, "csv")
    downgraded = GOOD_CSV.replace(
        "call-1,Call with France,telephone_call,held",
        "call-1,Call with France,telephone_call,proposed",
    )
    with pytest.raises(ImportFailed) as failed:
        import_text(downgraded, "csv")
    assert "held engagement cannot become proposed" in str(failed.value)
    assert Engagement.objects.get(ref="call-1").status == "held"


def test_export_json_imports_back_unchanged() -> None:
    import_text(GOOD_CSV, "csv")
    out = io.StringIO()
    assert export(out, "json") == 2
    result = import_text(out.getvalue(), "json")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_export_ics_is_rfc5545_with_all_day_dates(tmp_path: Path) -> None:
    import icalendar

    import_text(GOOD_CSV, "csv")
    target = tmp_path / "out.ics"
    assert main(["export", "--format", "ics", "--year", "2020", "-o", str(target)]) == 0
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert events["Call with France"].decoded("dtstart") == dt.datetime(
        2020, 3, 23, 12, tzinfo=dt.UTC
    )
    assert events["Message to WHO"].decoded("dtstart") == dt.date(2020, 5, 18)
    assert calendar["version"] == "2.0"


def test_cli_import_reports_errors_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("title,kind\nCall,telegram\n", encoding="utf-8")
    assert main(["import", str(source)]) == 1
    err = capsys.readouterr().err
    assert "line 2, field 'kind': Unknown kind 'telegram'" in err
    assert Engagement.objects.count() == 0


def test_cli_export_csv_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    import_text(GOOD_CSV, "csv")
    assert main(["export", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ref,title,kind")
    assert len(lines) == 3
