"""The register list: sorting, keyset pages, full-text search and export, all under visible_to."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from summitry.accounts.models import User
from summitry.engagements import views
from summitry.engagements.models import Engagement
from summitry.engagements.search import ENGAGEMENT_TEXT, ensure_index
from summitry.engagements.services import SourceInput
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROW = re.compile(r'<a href="/engagements/(\d+)/"')


def listed(content: bytes) -> list[int]:
    return [int(pk) for pk in ROW.findall(content.decode())]


def link(content: bytes, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


def at(day: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2020, month, day, 12, tzinfo=dt.UTC)


def test_register_sorts_by_title_and_says_so_to_screen_readers(client: Client) -> None:
    for title in ("Bravo call", "Alpha call", "Charlie call"):
        factories.engagement(title=title)
    factories.engagement(title="Alpha summit", kind="virtual_summit")
    response = client.get("/engagements/", {"sort": "title", "kind": "telephone_call"})
    titles = [Engagement.objects.get(pk=pk).title for pk in listed(response.content)]
    assert titles == ["Alpha call", "Bravo call", "Charlie call"]
    html = response.content.decode()
    assert re.search(r'<th scope="col" aria-sort="ascending"><a href="[^"]*sort=-title', html)
    # Every sort link keeps the filter.
    for href in re.findall(r'<th scope="col"[^>]*><a href="([^"]+)"', html):
        assert "kind=telephone_call" in href
    descending = client.get("/engagements/", {"sort": "-title", "kind": "telephone_call"})
    assert [Engagement.objects.get(pk=pk).title for pk in listed(descending.content)] == [
        "Charlie call",
        "Bravo call",
        "Alpha call",
    ]
    assert 'aria-sort="descending"' in descending.content.decode()


@pytest.mark.parametrize("sort", ["-date", "date", "title", "-kind"])
def test_register_pages_cover_every_record_once_when_keys_repeat(
    client: Client, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    for i in range(11):
        # Three dates and two titles for eleven records; two records have no date yet.
        factories.engagement(title=f"Call {i % 2}", start=at(1 + i % 3))
    for _ in range(2):
        factories.engagement(title="Call 0", status="proposed", start=None)
    pages = []
    url: str | None = f"?sort={sort}"
    response = None
    while url:
        response = client.get("/engagements/" + url)
        assert response.status_code == 200
        pages.append(listed(response.content))
        url = link(response.content, "next")
        assert url is None or f"sort={sort}" in url
    seen = [pk for page in pages for pk in page]
    assert sorted(seen) == sorted(Engagement.objects.values_list("pk", flat=True))
    assert [len(page) for page in pages] == [4, 4, 4, 1]
    # Back from the last page, the same pages come in reverse.
    assert response is not None
    back = [pages[-1]]
    while previous := link(response.content, "prev"):
        response = client.get("/engagements/" + previous)
        back.append(listed(response.content))
    assert back == list(reversed(pages))


def test_register_dates_sort_newest_first_with_undated_last(client: Client) -> None:
    undated = factories.engagement(title="Undated", status="proposed", start=None)
    old = factories.engagement(title="Old", start=at(1))
    new = factories.engagement(title="New", start=at(9))
    assert listed(client.get("/engagements/").content) == [new.pk, old.pk, undated.pk]
    assert listed(client.get("/engagements/?sort=date").content) == [old.pk, new.pk, undated.pk]


def test_register_refuses_a_forged_cursor_naming_it(client: Client) -> None:
    response = client.get("/engagements/", {"after": "not-a-cursor!"})
    assert response.status_code == 400
    assert "after" in response.content.decode()


def test_register_search_reads_the_full_text_index(client: Client) -> None:
    vaccine = factories.engagement(title="Call on vaccines", readout="")
    readout = factories.engagement(title="Call", readout="They spoke of Vaccine cooperation.")
    factories.engagement(title="Call on trade", readout="Tariffs.")
    found = listed(client.get("/engagements/", {"q": "vacc"}).content)
    assert sorted(found) == sorted([vaccine.pk, readout.pk])
    # Every word must appear; punctuation is no syntax.
    assert listed(client.get("/engagements/", {"q": 'vaccine "cooperation" OR'}).content) == []
    assert listed(client.get("/engagements/", {"q": 'vaccine* "cooperation'}).content) == [
        readout.pk
    ]
    # The index follows edits and deletions.
    Engagement.objects.filter(pk=vaccine.pk).update(title="Call on trade")
    assert listed(client.get("/engagements/", {"q": "vaccines"}).content) == []
    readout.delete()
    assert listed(client.get("/engagements/", {"q": "vaccine"}).content) == []


def test_register_search_is_the_database_index(client: Client) -> None:
    factories.engagement(title="Call on vaccines")
    query = Engagement.objects.all()
    from summitry.engagements.search import matching

    # A page may first ask the index how many rows match (then read them by id).
    with CaptureQueriesContext(connection) as asked:
        sql = str(matching(query, "vaccines").query)
    read = " ".join([sql, *(q["sql"] for q in asked.captured_queries)])
    assert ("MATCH" in read) if connection.vendor == "sqlite" else ("@@" in read)
    counted = str(matching(query, "vaccines", ordered=False).query)
    assert ("MATCH" in counted) if connection.vendor == "sqlite" else ("@@" in counted)


def test_register_search_follows_every_write_to_title_and_readout(client: Client) -> None:
    engagement = factories.engagement(title="Call on vaccines")
    # A write of any kind, even one that bypasses the model: the index is kept by the database.
    Engagement.objects.filter(pk=engagement.pk).update(title="Call on trade", readout="Grain")
    assert listed(client.get("/engagements/", {"q": "trade grain"}).content) == [engagement.pk]
    assert listed(client.get("/engagements/", {"q": "vaccines"}).content) == []
    Engagement.objects.filter(pk=engagement.pk).update(readout="")
    assert listed(client.get("/engagements/", {"q": "grain"}).content) == []


def test_register_search_never_shows_or_counts_hidden_records(client: Client, reader: User) -> None:
    author = factories.user(User.Role.EDITOR, username="author")
    factories.engagement(title="Public call on vaccines")
    hidden = factories.engagement(
        title="Secret call on vaccines", confidentiality="confidential", by=author
    )
    for viewer in (None, reader):
        if viewer is not None:
            client.force_login(viewer)
        response = client.get("/engagements/", {"q": "secret"})
        assert listed(response.content) == []
        assert "0 engagements match" in response.content.decode()
        both = client.get("/engagements/", {"q": "vaccines"}).content.decode()
        assert "1 engagement matches" in both and "Secret" not in both
        exported = client.get("/engagements/export.csv", {"q": "secret"})
        assert "Secret" not in b"".join(exported.streaming_content).decode()  # type: ignore[attr-defined]
    hidden.readers.add(reader)
    assert listed(client.get("/engagements/", {"q": "secret"}).content) == [hidden.pk]


def test_register_export_holds_what_the_filters_list(client: Client) -> None:
    factories.engagement(
        title="=cmd call on vaccines",
        countries=("FR",),
        sources=[SourceInput(citation="Readout")],
    )
    factories.engagement(title="Call on vaccines", kind="video_meeting", countries=("FR",))
    factories.engagement(title="Call on trade", countries=("FR",))
    factories.engagement(title="Restricted call on vaccines", confidentiality="restricted")
    page = client.get("/engagements/", {"q": "vaccines", "kind": "telephone_call"}).content
    href = re.search(r'href="(/engagements/export\.csv[^"]*)"', page.decode())
    assert href is not None
    response = client.get(href.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    # The spreadsheet guard of every export: a leading = is quoted.
    assert [row["title"] for row in rows] == ["'=cmd call on vaccines"]
    calendar = b"".join(client.get("/engagements/export.ics", {"q": "vaccines"}).streaming_content)  # type: ignore[attr-defined]
    assert calendar.count(b"BEGIN:VEVENT") == 2
    document = b"".join(client.get("/engagements/export.json").streaming_content)  # type: ignore[attr-defined]
    assert document.decode().count('"title"') == 3


def test_register_export_refuses_bad_filters_naming_them(client: Client) -> None:
    response = client.get("/engagements/export.csv", {"year": "twenty"})
    assert response.status_code == 400
    assert "year" in response.content.decode()
    assert client.get("/engagements/export.xls").status_code == 404


def test_text_index_comes_back_after_a_table_rebuild_drops_its_triggers(client: Client) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its index through any ALTER TABLE")
    with connection.cursor() as cursor:
        for name in ENGAGEMENT_TEXT._triggers():
            cursor.execute(f"DROP TRIGGER {name}")
    ensure_index()
    record = factories.engagement(title="Call on vaccines")
    assert listed(client.get("/engagements/", {"q": "vaccines"}).content) == [record.pk]


def test_register_page_reads_as_many_times_for_fifty_rows_as_for_two(client: Client) -> None:
    from django.test.utils import CaptureQueriesContext

    def reads() -> int:
        client.get("/engagements/")  # what a first request reads once
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/engagements/").status_code == 200
        return len(queries)

    for day in (1, 2):
        factories.engagement(start=at(day))
    few = reads()
    for day in range(3, 28):
        for hour in (9, 15):
            factories.engagement(start=at(day).replace(hour=hour))
    assert Engagement.objects.count() >= views.PAGE_SIZE
    assert reads() <= few
