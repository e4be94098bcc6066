"""The review's sentence where people read it: the command line, the JSON, the page and the PDF."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from summitry.cli import main
from summitry.engagements.demo import load_demo
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

NBSP = "\u00a0"
# The demo's 2020, written by hand from its figures: Xi Jinping's 16 calls and 8 events by video
# link; 36 engagements, 83.3 % at a distance, 38 countries and 7 international organisations
# (forums, formats and initiatives are not counted as organisations). Russian readers see the
# name as Russian writes it.
DEMO_RU = (
    "Си Цзиньпин в 2020 году: 16 телефонных разговоров с лидерами зарубежных стран и "
    "международных организаций и 8 дипломатических мероприятий по видеосвязи. Всего за год "
    f"проведено 36 мероприятий, доля дистанционных — 83,3{NBSP}%; партнёры представляли 38 стран "
    "и 7 международных организаций."
)
DEMO_EN = (
    "In 2020, Xi Jinping had 16 telephone calls with leaders of foreign countries and "
    "international organizations, and attended 8 diplomatic events via video link. Of 36 "
    "engagements in all, 83.3% were held at a distance, with counterparts from 38 countries and "
    "7 international organizations."
)
# Two calls and a virtual summit, no principal recorded, counterparts from France and Saudi Arabia.
SMALL_ZH = (
    "2020年，主要领导人同外国领导人和国际组织负责人通话2次，以视频方式出席1场外交活动。"
    "全年共开展外交活动3次，其中100%以远程方式进行，对方来自2个国家。"
)
SMALL_AR = (
    "في عام 2020، شملت حصيلة النشاط مكالمتين هاتفيتين مع قادة دول أجنبية ومنظمات دولية، "
    "وفعالية دبلوماسية واحدة عبر الفيديو. وبلغت نسبة الأنشطة التي جرت عن بُعد 100% من أصل 3 "
    "أنشطة، مع نظراء من دولتين."
)
SMALL_FR = (
    "En 2020, le responsable principal a eu 2 entretiens téléphoniques avec des dirigeants de "
    "pays étrangers et d'organisations internationales et a participé à 1 événement diplomatique "
    f"par visioconférence. Au total, 3 activités ont eu lieu, dont 100{NBSP}% à distance, avec "
    "des interlocuteurs de 2 pays."
)


@pytest.fixture
def small_year() -> None:
    factories.engagement(kind="telephone_call", countries=("FR",))
    factories.engagement(kind="telephone_call", countries=("SA",))
    factories.engagement(kind="virtual_summit", countries=("FR", "SA"))


def test_review_cli_prints_the_demos_sentence_in_russian(
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_demo()
    capsys.readouterr()
    assert main(["review", "2020", "--language", "ru"]) == 0
    out = capsys.readouterr().out
    assert DEMO_RU in out.splitlines()
    assert "In 2020" not in out


def test_review_cli_refuses_an_unknown_language_naming_the_six(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["review", "2020", "--language", "de"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--language" in err and "'de'" in err
    assert all(f"'{code}'" in err for code in ("en", "ar", "zh-hans", "fr", "ru", "es"))


def test_review_json_keeps_the_english_sentence_and_adds_the_six(
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_demo()
    capsys.readouterr()
    assert main(["review", "2020", "--format", "json", "--language", "ru"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["language"] == "ru"
    assert data["sentence"] == DEMO_EN
    assert list(data["sentences"]) == ["en", "ar", "zh-hans", "fr", "ru", "es"]
    assert data["sentences"]["ru"] == DEMO_RU
    assert data["sentences"]["en"] == DEMO_EN


def test_review_page_shows_the_sentence_in_the_active_language(small_year: None) -> None:
    # The override stands for the language of the request until a middleware chooses it from
    # the header; with one, the header alone chooses French.
    with translation.override("fr"):
        response = Client().get(reverse("review:year", args=[2020]), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<p class="sentence" id="sentence">{escape(SMALL_FR)}</p>' in html


def test_review_pdf_of_the_site_is_in_the_active_language(small_year: None) -> None:
    with translation.override("ar"):
        response = Client().get(reverse("review:pdf", args=[2020]), HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    pdf = PdfReader(io.BytesIO(response.content))
    assert _lang(pdf) == "ar"
    assert Counter(_runs(SMALL_AR)) - Counter(_runs(pdf.pages[0].extract_text())) == Counter()


def _pdf(tmp_path: Path, language: str) -> PdfReader:
    target = tmp_path / f"review-{language}.pdf"
    assert (
        main(["review", "2020", "--format", "pdf", "--language", language, "-o", str(target)]) == 0
    )
    return PdfReader(io.BytesIO(target.read_bytes()))


def _dictionary(value: object) -> DictionaryObject:
    if isinstance(value, IndirectObject):
        value = value.get_object()
    assert isinstance(value, DictionaryObject)
    return value


def _lang(pdf: PdfReader) -> str:
    return str(_dictionary(pdf.trailer["/Root"])["/Lang"])


def _fonts(pdf: PdfReader) -> set[str]:
    fonts = set()
    for page in pdf.pages:
        for font in _dictionary(_dictionary(page["/Resources"]).get("/Font", {})).values():
            fonts.add(str(_dictionary(font)["/BaseFont"]).split("+")[-1])
    return fonts


def test_review_pdf_in_chinese_holds_the_sentence_in_noto_sans_cjk(
    small_year: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _pdf(tmp_path, "zh-hans")
    assert _lang(pdf) == "zh-hans"
    assert SMALL_ZH in pdf.pages[0].extract_text().replace("\n", "")
    assert "Noto-Sans-CJK-SC" in _fonts(pdf)


def _runs(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+|\d+", text)


def test_review_pdf_in_arabic_holds_the_sentence_right_to_left_in_noto_naskh(
    small_year: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _pdf(tmp_path, "ar")
    assert _lang(pdf) == "ar"
    page = pdf.pages[0]
    # Lines of right-to-left text come out in their visual order, a number stuck to the word
    # beside it: compare the runs of letters and of digits.
    expected = Counter(_runs(SMALL_AR))
    assert len(expected) > 20
    assert expected - Counter(_runs(page.extract_text())) == Counter()
    assert "Noto-Naskh-Arabic" in _fonts(pdf)
    # Right to left: the title starts at the right-hand margin.
    starts: list[float] = []

    def title_start(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if "2020" in text and not starts:
            starts.append(tm[4])

    page.extract_text(visitor_text=title_start)
    assert starts and starts[0] > float(page.mediabox.width) / 2
