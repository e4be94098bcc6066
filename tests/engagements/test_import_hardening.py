"""Hostile or broken files get a line-numbered message naming the field, never a traceback."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from summitry.engagements.exporter import export
from summitry.engagements.importer import ImportFailed, import_text
from summitry.engagements.models import Engagement, Source
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

HEADER = "title,kind,status,start,sources\n"


def starts(text: str) -> list[int]:
    """The lines on which the records of a list written with indent=0 begin."""
    lines = text.splitlines()
    return [n for n in range(2, len(lines) + 1) if lines[n - 1] == "{" and lines[n - 2] in "[},"]


def problems_of(text: str, fmt: str) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        import_text(text, fmt)
    assert Engagement.objects.count() == 0
    return [str(p) for p in failed.value.problems]


def test_import_refuses_a_javascript_source_url_by_line() -> None:
    records = [
        {"title": "Fine", "kind": "telephone_call", "status": "proposed"},
        {
            "title": "Bad",
            "kind": "telephone_call",
            "status": "proposed",
            "sources": [{"citation": "Click", "url": "javascript:alert(document.cookie)"}],
        },
    ]
    text = json.dumps(records, indent=2)
    line = text.splitlines().index("  {", 2) + 1
    assert problems_of(text, "json") == [
        f"line {line}, field 'sources': 'javascript:alert(document.cookie)' "
        "is not an http or https address"
    ]


def test_detail_page_links_only_web_addresses(client: Client) -> None:
    record = factories.engagement(title="Old record")
    Source.objects.create(engagement=record, citation="Stored long ago", url="https://e.org/a")
    # As an older version could store it: defence in depth, the page must not link it.
    Source.objects.create(engagement=record, citation="Click me", url="javascript:alert(1)")
    page = client.get(f"/engagements/{record.pk}/").content.decode()
    assert '<a href="https://e.org/a"' in page
    assert "javascript:" not in page and "Click me" in page


def test_import_deeply_nested_json_is_refused_plainly() -> None:
    text = '[\n{"title": ' + "[" * 100_000 + "]" * 100_000 + ', "kind": "telephone_call"}]'
    assert problems_of(text, "json") == ["line 2: the JSON is nested too deeply"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0001-01-01+01:00", "a date alone takes no UTC offset"),
        ("9999-12-31-01:00", "a date alone takes no UTC offset"),
        ("0001-01-01T00:00+01:00", "is out of range (years 1 to 9999 in UTC)"),
        ("9999-12-31T23:30-01:00", "is out of range (years 1 to 9999 in UTC)"),
    ],
)
def test_import_date_out_of_range_names_line_and_field(value: str, message: str) -> None:
    text = HEADER + "Fine,telephone_call,proposed,,\n" + f"Call,telephone_call,held,{value},\n"
    problems = problems_of(text, "csv")
    assert len(problems) == 1 and problems[0].startswith("line 3, field 'start': ")
    assert message in problems[0]


def test_import_unterminated_quote_names_the_line_it_opens_on() -> None:
    text = HEADER + "First,telephone_call,proposed,,\n"
    text += 'Second,telephone_call,proposed,,"Ministry readout\n'
    text += "Third,telephone_call,proposed,,\nFourth,telephone_call,proposed,,\n"
    assert problems_of(text, "csv") == ["line 3: a quoted cell opens here and is never closed"]


def test_import_row_spanning_lines_is_named_by_its_first_line() -> None:
    text = "title,kind,status,readout\n"
    text += 'Call,telephone_call,proposed,"First line\nsecond line"\n'
    text += 'Other,telegram,proposed,"First line\nsecond line"\n'
    assert problems_of(text, "csv") == [
        "line 4, field 'kind': Unknown kind 'telegram'; expected one of telephone_call, "
        "video_meeting, virtual_summit, video_conference, video_address, written_message, "
        "in_person."
    ]


def test_import_nul_byte_is_refused_by_line_and_field() -> None:
    records = [
        {"title": "Call\u0000", "kind": "telephone_call"},
        {"title": "Call", "kind": "telephone_call", "sources": [{"citation": "a\u0000b"}]},
        {"title": "Call", "kind": "telephone_call", "ref": "bad\u0000ref"},
    ]
    text = json.dumps(records, indent=0)
    first, second, third = starts(text)
    problems = problems_of(text, "json")
    nul = "contains a NUL character, which cannot be stored"
    assert f"line {first}, field 'title': {nul}" in problems
    assert f"line {second}, field 'sources': {nul}" in problems
    assert f"line {third}, field 'ref': {nul}" in problems


def test_import_over_long_source_is_refused_by_line_and_field() -> None:
    records = [
        {
            "title": "Call",
            "kind": "telephone_call",
            "status": "proposed",
            "sources": [{"citation": "c" * 301}],
        },
        {
            "title": "Call",
            "kind": "telephone_call",
            "status": "proposed",
            "sources": [{"citation": "c", "note": "n" * 301}],
        },
    ]
    text = json.dumps(records, indent=0)
    first, second = starts(text)
    assert problems_of(text, "json") == [
        f"line {first}, field 'sources': a source's citation is longer than 300 characters",
        f"line {second}, field 'sources': a source's note is longer than 300 characters",
    ]


DANGEROUS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2", "@SUM(A1)", "\tx", "'=kept"]


def test_csv_export_neutralises_formulas_and_imports_them_back() -> None:
    for number, title in enumerate(DANGEROUS):
        factories.engagement(title=title, ref=f"cell-{number}", readout=title, topics=[title])
    out = io.StringIO()
    export(out, "csv")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    for row in rows:
        for name, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    assert {r["readout"] for r in rows} == {"'" + t for t in DANGEROUS}
    before = sorted((e.title, e.readout, e.topics.get().name) for e in Engagement.objects.all())
    Engagement.objects.all().delete()
    import_text(out.getvalue(), "csv")
    after = sorted((e.title, e.readout, e.topics.get().name) for e in Engagement.objects.all())
    assert after == before
    assert sorted(readout for _, readout, _ in after) == sorted(DANGEROUS)


def test_import_people_problems_are_named_by_line() -> None:
    text = json.dumps(
        {
            "people": [
                {
                    "name": "New Envoy",
                    "country": "FR",
                    "offices": [{"title": "Envoy", "start": "x"}],
                },
                {"name": "Other Envoy", "country": "Frnace"},
            ],
            "engagements": [{"title": "Call", "kind": "telephone_call", "status": "proposed"}],
        },
        indent=0,
    )
    lines = text.splitlines()
    first = lines.index('"name": "New Envoy",')
    second = lines.index('"name": "Other Envoy",')
    problems = problems_of(text, "json")
    assert problems[0] == (
        f"line {first}, field 'people': New Envoy, Envoy: start: "
        "expected a date as YYYY-MM-DD, got 'x'"
    )
    assert problems[1].startswith(
        f"line {second}, field 'people': Other Envoy: unknown country 'Frnace'"
    )
