"""A live room in Arabic and in Chinese: Chromium asking for the language, the real Janus.

The browser's locale sets its Accept-Language; the page comes in that language and direction,
the room's scripts speak it (Django's JavaScript catalogue), name the interpretation channel
in it and write its numbers; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.rooms_helpers import named_room
from tests.rooms.languages import english_left

pytestmark = [pytest.mark.e2e, pytest.mark.janus, pytest.mark.django_db(transaction=True)]

#: Django's code -> (browser locale, catalogue folder, direction, words the page must show).
CASES = {
    "ar": (
        "ar",
        "ar",
        "rtl",
        {
            "join": "الانضمام إلى الاجتماع",
            "lobby": "في انتظار قبولك من المضيف",
            "speakers": "قائمة المتكلمين",
            "admit": "قبول Bertrand Roux",
            "request": "طلب الكلمة",
            "give": "إعطاء الكلمة لـ Bertrand Roux",
            "holder": "الكلمة لـ Bertrand Roux",
            "left": "الوقت المتبقي للكلمة",
            "connected": "متصل.",
            "french": "الفرنسية",
            "floor": "القاعة (اللغة الأصلية)",
        },
    ),
    "zh-hans": (
        "zh-CN",
        "zh_Hans",
        "ltr",
        {
            "join": "加入会议",
            "lobby": "正在等候主持人准许入会",
            "speakers": "发言名单",
            "admit": "准许 Bertrand Roux 入会",
            "request": "请求发言",
            "give": "请 Bertrand Roux 发言",
            "holder": "Bertrand Roux 正在发言",
            "left": "剩余发言时间",
            "connected": "已连接。",
            "french": "法语",
            "floor": "会场原声",
        },
    ),
}

INTERFACE_TEXT = """() => {
  const app = document.getElementById("room-app");
  const labels = Array.from(app.querySelectorAll("[aria-label]"), (n) => n.getAttribute("aria-label"));
  const options = Array.from(app.querySelectorAll("option"), (n) => n.textContent);
  return [app.innerText, ...labels, ...options].join("\\n");
}"""


@pytest.fixture
def page_in(browser: Browser) -> Iterator[Callable[[str], Page]]:
    """A page in its own browser context whose browser asks for ``locale``."""
    contexts = []

    def make(locale: str) -> Page:
        context = browser.new_context(
            viewport={"width": 1280, "height": 860}, timezone_id="Europe/Paris", locale=locale
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language", CASES)
def test_a_room_reads_in_the_browsers_language(
    server: str, page_in: Callable[[str], Page], artifacts: Path, language: str
) -> None:
    locale, folder, direction, words = CASES[language]
    _, invitations = named_room(
        "virtual_summit", speaking_limit_seconds=600, interpretation_languages=["fr"]
    )
    chair_page, a_page = page_in(locale), page_in(locale)
    for page, label in ((chair_page, "chair"), (a_page, "a")):
        page.goto(f"{server}/rooms/join/{invitations[label][1]}/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", direction)
        page.get_by_role("button", name=words["join"]).click()
    expect(a_page.get_by_role("heading", name=words["lobby"])).to_be_visible()
    a_page.screenshot(path=str(artifacts / f"room-{language}-lobby.png"))

    chair_page.get_by_role("button", name=words["admit"]).click()
    expect(a_page.get_by_role("heading", name=words["speakers"])).to_be_visible()
    a_page.get_by_role("button", name=words["request"]).click()
    chair_page.get_by_role("button", name=words["give"]).click()
    for page in (chair_page, a_page):
        expect(page.locator("#floor-holder")).to_have_text(words["holder"])
        timer = page.get_by_role("timer")
        expect(timer).to_contain_text(words["left"])
        expect(page.locator("#connection-status")).to_have_text(words["connected"])
    # The interpretation channel is named in the reader's language; so is the floor.
    channel = chair_page.locator("#channel")
    expect(channel.locator("option")).to_have_text([words["floor"], words["french"]])
    for name, page in (("chair", chair_page), ("participant", a_page)):
        text = page.evaluate(INTERFACE_TEXT)
        assert english_left(text, folder, ("django", "djangojs")) == [], name
        page.screenshot(path=str(artifacts / f"room-{language}-{name}.png"))
    # Numbers as the language writes them (CLDR through the browser's Intl), not hand-formatted.
    digits = re.sub(
        r"\D",
        "",
        chair_page.evaluate(
            "new Intl.NumberFormat(document.documentElement.lang).format(1234567890)"
        ),
    )
    assert len(digits) == 10, digits
    expect(chair_page.locator("#countdown-value")).to_have_text(
        re.compile(rf"^[{digits}]+:[{digits}]{{2}}$")
    )

    # Right to left mirrors the room: the side panel (speakers, chair) is at the reader's end.
    stage = chair_page.locator(".stage").bounding_box()
    side = chair_page.locator("aside.side").bounding_box()
    assert stage is not None and side is not None
    assert (side["x"] < stage["x"]) == (direction == "rtl")
