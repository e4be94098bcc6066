"""The register list at scale: what a row reads, the indexes its pages and counts read, and how a
search with many matches is read (benchmarks/register_scale.py measures the same at 1,000,000)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from summitry import search
from summitry.accounts.models import User
from summitry.engagements import views
from summitry.engagements.services import TextInput
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROW = re.compile(r'<a href="/engagements/(\d+)/"')


def listed(html: str) -> list[int]:
    return [int(pk) for pk in ROW.findall(html)]


def following(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def page_queries(client: Client, url: str) -> list[str]:
    client.get(url)  # what a first request reads once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


def test_register_rows_read_no_readout(client: Client) -> None:
    factories.engagement(title="Call on trade", readout="A long readout. " * 50)
    read = page_queries(client, "/engagements/")
    assert any("engagements_engagement" in sql for sql in read)
    assert not [sql for sql in read if '"engagements_engagement"."readout"' in sql]


def test_register_rows_show_version_counterparts_and_badges_for_the_reader(
    client: Client, reader: User
) -> None:
    who = factories.organisation("WHO")
    record = factories.engagement(
        title="Call with Germany and France",
        countries=("DE", "FR"),
        organisations=[who],
        confidentiality="restricted",
        versions=[TextInput(language="fr", title="Appel avec l'Allemagne et la France")],
    )
    client.force_login(reader)
    html = client.get("/engagements/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    row = html[html.index(f'href="/engagements/{record.pk}/"') :]
    row = row[: row.index("</tr>")]
    assert 'lang="fr"' in row and "Appel avec l&#x27;Allemagne et la France" in row
    # Countries in the order of their recorded names, named in the reader's language.
    assert "<td>France, Allemagne; WHO</td>" in row
    assert '<span class="badge restricted">' in row
    assert '<span class="badge held">' in row
    # Names are separated as the reader's language separates them.
    arabic = client.get("/engagements/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "<td>فرنسا، ألمانيا; WHO</td>" in arabic
    english = client.get("/engagements/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Call with Germany and France" in english and "<td>France, Germany; WHO</td>" in english


def test_register_filtered_count_reads_the_index_alone(client: Client) -> None:
    factories.engagement(title="Call", start=dt.datetime(2020, 5, 1, 12, tzinfo=dt.UTC))
    read = page_queries(client, "/engagements/?year=2020&kind=telephone_call")
    count = next(sql for sql in read if sql.startswith("SELECT COUNT(*)"))
    if connection.vendor == "sqlite":
        assert "COVERING INDEX engagement_kind_date_access" in plan(count)
    else:
        # A handful of rows: PostgreSQL reads the table, so ask for the index itself.
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, "engagements_engagement")
        assert found["engagement_kind_date_access"]["columns"] == [
            "kind",
            "start",
            "id",
            "confidentiality",
        ]


@pytest.mark.parametrize("sort", ["-date", "title"])
def test_register_search_with_many_matches_walks_the_order_index(
    client: Client, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    day = dt.datetime(2020, 3, 1, 12, tzinfo=dt.UTC)
    matches = [
        factories.engagement(
            title=f"Call on vaccines {i % 3}", start=day + dt.timedelta(days=i % 4)
        )
        for i in range(8)
    ]
    factories.engagement(title="Call on trade")
    hidden = factories.engagement(title="Call on vaccines", confidentiality="confidential")

    def walk() -> tuple[list[int], str]:
        seen: list[int] = []
        url: str | None = f"?q=vaccine&sort={sort}"
        html = ""
        while url:
            html = client.get("/engagements/" + url).content.decode()
            seen += listed(html)
            url = following(html)
        return seen, html

    few, few_html = walk()
    monkeypatch.setattr(search, "FEW", 2)
    many, many_html = walk()
    # The same rows in the same order, the hidden one in neither, and the same count.
    assert many == few and sorted(few) == sorted(m.pk for m in matches)
    assert hidden.pk not in many
    assert "8 engagements match the filters." in few_html
    assert "8 engagements match the filters." in many_html
    if connection.vendor == "postgresql":
        many_page = next(
            sql
            for sql in page_queries(client, f"/engagements/?q=vaccine&sort={sort}")
            if sql.startswith('SELECT "engagements_engagement"."id"') and "ORDER BY" in sql
        )
        # Many matches: each row the walk meets is tested on its stored vector, not a new one.
        assert "search_vector" in many_page and "to_tsvector" not in many_page
        monkeypatch.setattr(search, "FEW", 2000)
        # Few matches: found through the GIN index, then the page read by id (the planner
        # would otherwise walk the order's index computing each row's vector).
        few_page = next(
            sql
            for sql in page_queries(client, f"/engagements/?q=vaccine&sort={sort}")
            if sql.startswith('SELECT "engagements_engagement"."id"') and "ORDER BY" in sql
        )
        assert "to_tsvector" not in few_page
        return
    page = next(
        sql
        for sql in page_queries(client, f"/engagements/?q=vaccine&sort={sort}")
        if sql.startswith('SELECT "engagements_engagement"."id"') and "ORDER BY" in sql
    )
    assert "TEMP B-TREE FOR ORDER BY" not in plan(page)
    assert "_access" in plan(page)
