from __future__ import annotations

import pytest

from summitry.knowledge import documents, services
from tests.knowledge import factories


@pytest.mark.unit
def test_diff_marks_words_changed_inside_a_paragraph() -> None:
    blocks = documents.diff(
        "Isolate contacts for 14 days.\n\nWear masks.",
        "Isolate contacts for 7 days.\n\nWear masks.\n\nVentilate rooms.",
    )
    assert [b.change for b in blocks] == ["replace", "equal", "insert"]
    assert blocks[0].html == "Isolate contacts for <del>14</del><ins>7</ins> days."
    assert blocks[2].html == "<ins>Ventilate rooms.</ins>"


@pytest.mark.unit
def test_diff_marks_chinese_characters_one_by_one() -> None:
    blocks = documents.diff("轻型病例隔离治疗", "轻型和普通型病例隔离治疗")
    html = blocks[0].html
    # Four characters inserted, none deleted (which four of the equal pair is the matcher's).
    assert "<del>" not in html
    inserted = html.split("<ins>")[1].split("</ins>")[0]
    assert len(inserted) == 4
    assert html.replace("<ins>", "").replace("</ins>", "") == "轻型和普通型病例隔离治疗"


@pytest.mark.unit
def test_diff_escapes_markup_in_the_texts() -> None:
    blocks = documents.diff("<b>old</b>", "<script>alert(1)</script>")
    html = blocks[0].html
    assert "<script" not in html
    assert "<b>" not in html
    assert html.count("&lt;") == 2


@pytest.mark.unit
def test_markdown_renders_no_raw_html_and_no_script_links() -> None:
    html = documents.render_markdown(
        "# Protocol\n\n<script>alert(1)</script>\n\n[link](javascript:alert(1))"
    )
    assert "<h1>Protocol</h1>" in html
    assert "<script>" not in html
    assert 'href="javascript' not in html


@pytest.mark.integration
@pytest.mark.django_db
def test_pdf_text_is_extracted_for_search() -> None:
    upload = factories.pdf_file("Early detection and isolation of cases.", "Dépistage précoce.")
    edition = factories.edition(upload=upload)
    assert edition.text_format == "pdf"
    assert "Early detection and isolation" in edition.text
    assert "Dépistage précoce" in edition.text
    assert edition.file.name.endswith(".pdf")


@pytest.mark.integration
@pytest.mark.django_db
def test_docx_text_is_extracted_in_chinese_and_arabic() -> None:
    upload = factories.docx_file("早发现、早报告、早隔离、早治疗", "العزل المبكر للحالات")
    edition = factories.edition(upload=upload)
    assert edition.text_format == "docx"
    assert "早发现、早报告" in edition.text
    assert "العزل المبكر" in edition.text


@pytest.mark.integration
@pytest.mark.django_db
def test_docx_with_a_damaged_body_is_refused_naming_the_file() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = factories.docx_file("Text.").read()
    damaged = SimpleUploadedFile("x.docx", good[: len(good) // 2])
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.edition(upload=damaged)
    assert list(refused.value.errors) == ["file"]
