from __future__ import annotations

from pathlib import Path

import pytest

from summitry.cli import main
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_review_text_prints_the_sentence_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    factories.engagement(kind="virtual_summit", countries=("SA",))
    assert main(["review", "2020"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Yearly review 2020")
    assert "attended 1 diplomatic event via video link" in out
    assert "Virtual summit" in out and "Saudi Arabia (SA): 1" in out


def test_review_pdf_writes_a_printable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factories.engagement(kind="telephone_call", countries=("FR",))
    target = tmp_path / "review.pdf"
    assert main(["review", "2020", "--format", "pdf", "-o", str(target)]) == 0
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    assert len(data) > 20_000  # the chart, the map and the tables are in it


def test_review_pdf_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "2020", "--format", "pdf"]) == 2
    assert "needs -o FILE" in capsys.readouterr().err
