"""Search over every edition and translation, in four scripts, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from summitry.accounts.models import User
from summitry.knowledge import queries, services
from summitry.search import segment, segmented_words
from tests import factories as base
from tests.knowledge import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ENGLISH = "Suspected cases are isolated and treated in designated hospitals."
FRENCH = "Les cas suspects sont isolés et traités dans des hôpitaux désignés."
ARABIC = "تُعزل الحالات المشتبه بها وتُعالج في مستشفيات مخصصة."
CHINESE = "疑似病例应在具备有效隔离条件和防护条件的定点医院隔离治疗。"


@pytest.fixture
def protocol() -> None:
    work = factories.work(title="Diagnosis and Treatment Protocol", slug="protocol")
    edition = factories.edition(work, markdown=f"# 总则\n\n{CHINESE}")
    factories.translation(edition, language="en", markdown=ENGLISH)
    factories.translation(edition, language="fr", upload=factories.docx_file(FRENCH))
    factories.translation(edition, language="ar", upload=factories.docx_file(ARABIC))


def _found(query: str, user: object = None) -> list[str]:
    return [hit.language for hit in queries.search(user, query)]


@pytest.mark.usefixtures("protocol")
def test_search_finds_english_words_and_their_starts() -> None:
    assert _found("designated hospitals") == ["en"]
    assert _found("isolat") == ["en"]


@pytest.mark.usefixtures("protocol")
def test_search_finds_french_with_or_without_accents() -> None:
    assert _found("hôpitaux désignés") == ["fr"]
    assert _found("hopitaux designes") == ["fr"]


@pytest.mark.usefixtures("protocol")
def test_search_finds_arabic_with_or_without_vowel_marks() -> None:
    assert _found("مستشفيات مخصصة") == ["ar"]
    # The text is written with a damma on تُعزل; the query without, and the other way round.
    assert _found("تعزل") == ["ar"]
    assert _found("مُستشفيات") == ["ar"]


@pytest.mark.usefixtures("protocol")
def test_search_finds_chinese_words_inside_a_sentence() -> None:
    assert _found("定点医院") == ["zh-hans"]
    assert _found("隔离") == ["zh-hans"]
    assert _found("隔离 医院") == ["zh-hans"]
    assert _found("治") == ["zh-hans"]


@pytest.mark.usefixtures("protocol")
def test_search_misses_chinese_characters_not_side_by_side() -> None:
    # 隔 and 院 both occur, but 隔院 does not.
    assert _found("隔院") == []


@pytest.mark.usefixtures("protocol")
def test_search_snippet_marks_the_words_found() -> None:
    (hit,) = queries.search(None, "定点医院")
    assert "<mark>定点医院</mark>" in hit.snippet
    (hit,) = queries.search(None, "hopitaux")
    assert "<mark>hôpitaux</mark>" in hit.snippet
    (hit,) = queries.search(None, "تعزل")
    assert "<mark>تُعزل</mark>" in hit.snippet


def test_search_snippet_escapes_the_text() -> None:
    factories.edition(markdown="Use <script>alert(1)</script> masks `<b>`")
    (hit,) = queries.search(None, "masks")
    assert "<script" not in hit.snippet
    assert "<mark>masks</mark>" in hit.snippet


def test_search_lists_current_edition_first() -> None:
    work = factories.work(title="Containment Plan")
    factories.edition(work, markdown="Close contacts are observed at home.")
    factories.edition(work, markdown="Close contacts are observed in designated places.")
    hits = queries.search(None, "close contacts")
    assert [(h.edition.number, h.edition.is_current) for h in hits] == [(2, True), (1, False)]


def test_search_sees_text_replaced_by_a_new_upload() -> None:
    edition = factories.edition(markdown="Old wording.")
    services.set_edition_text(edition, upload=factories.docx_file("Revised wording."))
    assert queries.search(None, "old") == []
    assert [h.edition for h in queries.search(None, "revised")] == [edition]


def test_search_hides_works_shared_with_other_countries() -> None:
    restricted = factories.work(title="Shared with France", shared_with=("FR",))
    factories.translation(factories.edition(restricted, markdown="甲"), "en", "ventilation")
    french = base.user(User.Role.READER)
    services.grant_access(french, "FR")
    german = base.user(User.Role.READER)
    services.grant_access(german, "DE")
    assert _found("ventilation", None) == []
    assert _found("ventilation", german) == []
    assert _found("ventilation", french) == ["en"]


@pytest.mark.unit
def test_segment_cuts_unspaced_runs_into_pairs() -> None:
    assert segment("定点医院 COVID-19 hôpital") == " 定点 点医 医院 院  COVID-19 hopital"
    assert segmented_words("定点医院") == ["定点", "点医", "医院"]
    assert segmented_words("疫") == ["疫"]
