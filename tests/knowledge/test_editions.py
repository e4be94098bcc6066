from __future__ import annotations

import datetime as dt

import pytest

from summitry.knowledge import queries, services
from summitry.knowledge.models import Edition
from tests.knowledge import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_edition_published_supersedes_the_current_one() -> None:
    work = factories.work()
    first = factories.edition(work, markdown="First.")
    second = factories.edition(work, markdown="Second.")
    first.refresh_from_db()
    assert (first.number, first.is_current) == (1, False)
    assert (second.number, second.is_current) == (2, True)
    assert work.editions.filter(is_current=True).count() == 1


def test_edition_of_the_back_catalogue_leaves_the_current_one() -> None:
    work = factories.work()
    factories.edition(work, number=7, label="Trial Version 7")
    sixth = factories.edition(work, number=6, label="Trial Version 6")
    assert sixth.is_current is False
    assert work.editions.get(is_current=True).number == 7


def test_editions_ordered_current_first_then_newest() -> None:
    work = factories.work()
    for number in (2, 5, 1, 3):
        factories.edition(work, number=number)
    ordered = queries.current_first(Edition.objects.filter(work=work))
    assert [e.number for e in ordered] == [5, 3, 2, 1]
    assert ordered[0].is_current


def test_edition_number_taken_is_refused_naming_the_number() -> None:
    work = factories.work()
    factories.edition(work, number=3)
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.edition(work, number=3)
    assert list(refused.value.errors) == ["number"]
    assert work.editions.count() == 1


@pytest.mark.parametrize("number", [0, -1, 40000])
def test_edition_number_out_of_range_is_refused(number: int) -> None:
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.edition(factories.work(), number=number)
    assert "number" in refused.value.errors


def test_edition_with_markdown_and_file_is_refused_naming_the_text() -> None:
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.edition(markdown="Text.", upload=factories.docx_file("Text."))
    assert "text" in refused.value.errors


def test_edition_file_that_is_not_a_document_is_refused_naming_the_file() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("protocol.pdf", b"<html>not a PDF</html>")
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.edition(upload=fake)
    assert list(refused.value.errors) == ["file"]


def test_edition_date_out_of_range_is_refused() -> None:
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.edition(published_on=dt.date(1, 1, 1))
    assert "published_on" in refused.value.errors


def test_translation_in_the_original_language_is_refused() -> None:
    edition = factories.edition(factories.work(language="zh-hans"))
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.translation(edition, language="zh-hans")
    assert "language" in refused.value.errors


def test_translation_twice_in_one_language_is_refused() -> None:
    edition = factories.edition()
    factories.translation(edition, language="fr")
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.translation(edition, language="FR")
    assert "language" in refused.value.errors
    assert edition.translations.count() == 1


def test_translation_in_an_unknown_language_is_refused() -> None:
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.translation(language="klingon")
    assert "language" in refused.value.errors


def test_translation_review_keeps_the_reviewer_only_when_reviewed() -> None:
    translation = factories.translation(language="es", translator="A. Translator")
    services.set_review(translation, reviewed=True, reviewer="B. Reviewer")
    assert (translation.reviewed, translation.reviewer) == (True, "B. Reviewer")
    services.set_review(translation, reviewed=False, reviewer="B. Reviewer")
    translation.refresh_from_db()
    assert (translation.reviewed, translation.reviewer) == (False, "")


def test_work_shared_with_unknown_country_is_refused() -> None:
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.work(shared_with=("XX",))
    assert "shared_with" in refused.value.errors


def test_work_slug_taken_is_refused() -> None:
    factories.work(slug="protocol")
    with pytest.raises(services.KnowledgeInvalid) as refused:
        factories.work(slug="protocol")
    assert "slug" in refused.value.errors
