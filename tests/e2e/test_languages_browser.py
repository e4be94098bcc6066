"""A browser asking for Arabic or Chinese gets the register, an engagement and the review in that
language: <html lang dir>, and no English left in the interface's own words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from summitry.accounts.models import User
from summitry.engagements.services import ParticipantInput
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The interface's English words, by where they stand; extend a list when a part is translated
# (the register's list and the review's body are translated in their own branches).
CHROME_WORDS = [
    "Skip to content",
    "Register",
    "Calendar",
    "Yearly review",
    "Sign in",
    "Language",
    "Change language",
    "times shown in",
    "Subscribe to public engagements",
]
DETAIL_WORDS = [
    "Edit",
    "Kind",
    "Status",
    "When",
    "Countries",
    "Organisations",
    "Topics",
    "Confidentiality",
    "Participants",
    "Participant",
    "Office held on the day",
    "Local time",
    "Readout",
    "Sources",
    "History",
    "Recorded",
    "Telephone call",
    "Held",
    "Public",
]
REVIEW_WORDS = [
    "Yearly review",
    "Printable PDF",
    "engagements held",
    "held at a distance",
    "counterpart leaders",
    "counterpart countries",
    "By kind",
    "Per month",
    "Total",
    "Kind",
    "Engagements",
    "Country",
    "Region",
    "How the figures are counted",
    "None",
    "Telephone call",
    "Not on the map",
    "France",
    "Jan",
    "Mar",
    "Dec",
]
CALENDAR_WORDS = [
    "Calendar",
    "Previous month",
    "Next month",
    "This month",
    "Calendar view",
    "Go to a month",
    "Month",
    "Week",
    "Agenda",
    "Go",
    "Kinds of engagement",
    "Telephone call",
    "Mon",
    "Sun",
    "March",
]
FIND_TIME_WORDS = [
    "Find a time",
    "Back to the engagement",
    "Recommended time",
    "your time",
    "Acceptable",
    "Schedule at this time",
    "Participant",
    "Local time",
    "Outside the working day",
    "Within the working day",
    "working day",
    "working hours",
    "night",
    "day off",
    "Other times",
    "Searched",
    "Search settings",
    "Duration",
    "Days to search",
    "Start every",
    "Optional participants",
    "Find times",
    "minutes",
    "Yes",
    "No",
    "Thu",
    "Fri",
    "United States",
    "Australia",
]
# The register list: its filters, summary, column heads, exports and pages (the titles are data).
REGISTER_WORDS = [
    "Register of engagements",
    "Search",
    "Any region",
    "Filter",
    "Export what is listed",
    "Date",
    "Engagement",
    "Counterparts",
    "Status",
    "engagement",
]
REGISTER_PARTS = ["main h1", "main form.filters", "main .register-summary", "main table thead"]
CHROME = ["a.skip", ".language-bar", "header.site", "footer.site"]


@pytest.fixture(params=[("ar", "ar", "rtl"), ("zh-CN", "zh-hans", "ltr")], ids=["ar", "zh"])
def language(request: pytest.FixtureRequest) -> tuple[str, str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def reader_page(browser: Browser, language: tuple[str, str, str]) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="Europe/Paris", locale=language[0]
    )
    yield context.new_page()
    context.close()


def english_left(page: Page, selectors: list[str], words: list[str]) -> list[str]:
    found = []
    for selector in selectors:
        for part in page.locator(selector).all():
            text = part.text_content() or ""
            found += [
                f"{selector}: {word!r}"
                for word in words
                if re.search(rf"\b{re.escape(word)}\b", text)
            ]
    return found


def check_page(page: Page, language: tuple[str, str, str]) -> None:
    _header, code, direction = language
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert not english_left(page, CHROME, CHROME_WORDS)


def test_register_engagement_and_review_in_arabic_and_chinese(
    reader_page: Page, live_server: LiveServer, artifacts: Path, language: tuple[str, str, str]
) -> None:
    xi = factories.person("Xi Jinping", "CN")
    call = factories.engagement(
        title="Conversation with President Macron",
        start=dt.datetime(2020, 3, 23, 16, 30, tzinfo=dt.UTC),
        countries=("FR", "CN"),
        people=(xi,),
        readout="The two presidents discussed cooperation against COVID-19.",
    )
    base, name = live_server.url, language[1]

    reader_page.goto(f"{base}/engagements/")
    check_page(reader_page, language)
    assert not english_left(reader_page, REGISTER_PARTS, REGISTER_WORDS)
    reader_page.screenshot(path=str(artifacts / f"i18n-{name}-register.png"), full_page=True)

    reader_page.goto(f"{base}{call.get_absolute_url()}")
    check_page(reader_page, language)
    assert not english_left(
        reader_page,
        ["main .toolbar", "dl.facts", "main h2", "main table thead", "main p.muted"],
        DETAIL_WORDS,
    )
    reader_page.screenshot(path=str(artifacts / f"i18n-{name}-engagement.png"), full_page=True)

    reader_page.goto(f"{base}/review/2020/")
    check_page(reader_page, language)
    assert not english_left(reader_page, ["main"], REVIEW_WORDS)
    reader_page.screenshot(path=str(artifacts / f"i18n-{name}-review.png"), full_page=True)

    reader_page.goto(f"{base}/engagements/calendar/?year=2020&month=3")
    check_page(reader_page, language)
    assert not english_left(reader_page, ["main"], CALENDAR_WORDS)
    # The previous period lies towards the line's start: left in Chinese, right in Arabic.
    direction = language[2]
    toolbar = reader_page.locator("main .toolbar")
    previous, following = toolbar.locator("a[rel=prev]"), toolbar.locator("a[rel=next]")
    earlier = previous.bounding_box()["x"] > following.bounding_box()["x"]  # type: ignore[index]
    assert earlier == (direction == "rtl")
    flipped = previous.locator(".arrow").evaluate("e => getComputedStyle(e).transform")
    assert (flipped == "matrix(-1, 0, 0, 1, 0, 0)") == (direction == "rtl"), flipped
    reader_page.screenshot(path=str(artifacts / f"i18n-{name}-calendar.png"), full_page=True)


def test_find_a_time_in_arabic_and_chinese(
    reader_page: Page, live_server: LiveServer, artifacts: Path, language: tuple[str, str, str]
) -> None:
    editor = factories.user(User.Role.EDITOR, username="protocol")
    call = factories.engagement(
        "Extraordinary leaders' call on the pandemic",
        kind="virtual_summit",
        status="proposed",
        start=None,
        participants=[
            ParticipantInput(factories.person("Donald Trump", "US")),
            ParticipantInput(factories.person("Xi Jinping", "CN")),
            ParticipantInput(factories.person("Scott Morrison", "AU")),
        ],
    )
    signed_in = Client()
    signed_in.force_login(editor)
    base = live_server.url
    session = signed_in.cookies["sessionid"].value
    reader_page.context.add_cookies([{"name": "sessionid", "value": session, "url": base}])

    # Eight hours fit nobody's day: the relaxation is shown too.
    first_day = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    reader_page.goto(
        f"{base}/engagements/{call.pk}/find-time/?duration=480&days=3&step=60&first_day={first_day}"
    )
    check_page(reader_page, language)
    expect(reader_page.locator(".relaxation")).to_be_visible()
    assert not english_left(reader_page, ["main"], FIND_TIME_WORDS)
    assert not english_left(reader_page, [".relaxation"], ["make", "optional", "allow", "To meet"])
    reader_page.screenshot(
        path=str(artifacts / f"i18n-{language[1]}-find-time.png"), full_page=True
    )


def test_switcher_changes_the_language_in_the_browser(
    page: Page, live_server: LiveServer, artifacts: Path
) -> None:
    page.goto(f"{live_server.url}/engagements/")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("link", name="السجل", exact=True)).to_be_visible()
    # Mirrored: the switcher strip's end is on the left in Arabic.
    switcher = page.locator(".language-switcher").bounding_box()
    assert switcher is not None and switcher["x"] < 640
    page.get_by_label("اللغة").select_option("zh-hans")
    page.get_by_role("button", name="تغيير اللغة").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
