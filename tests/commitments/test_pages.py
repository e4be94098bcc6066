"""The tracker and a commitment's page, through Django's test client and the real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from summitry.accounts.models import User
from tests import factories
from tests.commitments import factories as commitment_factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_tracker_lists_visible_commitments_with_progress(client: Client) -> None:
    pledge = commitment_factories.commitment(amount=1000, text="Provide a thousand doses.")
    commitment_factories.report(pledge, dt.date(2022, 1, 1), 250)
    secret = factories.engagement(confidentiality="confidential")
    commitment_factories.commitment(engagement=secret, text="A confidential pledge.")
    page = client.get("/commitments/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Provide a thousand doses." in html and "A confidential pledge." not in html
    assert 'data-status="in_progress"' in html and "25%" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-timeline"' in html
    assert "style=" not in html.split("<main", 1)[1]  # the CSP allows no inline style


def test_tracker_filters_by_kind_status_year_maker_beneficiary(client: Client) -> None:
    commitment_factories.commitment(
        kind="vaccines",
        text="Vaccines for the AU.",
        beneficiary_members_of=[factories.organisation("AU", ("ZA",))],
    )
    commitment_factories.commitment(kind="trade", made_on=dt.date(2020, 5, 1), text="Trade pledge.")
    html = client.get("/commitments/?kind=trade").content.decode()
    assert "Trade pledge." in html and "Vaccines for the AU." not in html
    html = client.get("/commitments/?year=2021").content.decode()
    assert "Trade pledge." not in html and "Vaccines for the AU." in html
    html = client.get("/commitments/?beneficiary=AU&maker=CN").content.decode()
    assert "Trade pledge." not in html and "Vaccines for the AU." in html
    html = client.get("/commitments/?status=announced").content.decode()
    assert "Trade pledge." in html


def test_tracker_bad_filter_is_400_naming_field(client: Client) -> None:
    page = client.get("/commitments/?kind=bananas&year=abc")
    assert page.status_code == 400
    html = page.content.decode()
    assert "Kind:" in html and "Year:" in html


def test_commitment_detail_shows_rate_and_fallback_day(client: Client) -> None:
    pledge = commitment_factories.commitment(
        made_on=dt.date(2021, 4, 5), amount="1000", unit="EUR", kind="funding"
    )
    html = client.get(f"/commitments/{pledge.pk}/").content.decode()
    assert "the nearest earlier day with a rate" in html
    assert "European Central Bank" in html and "1 April 2021" in html


def test_commitment_detail_hidden_as_its_engagement(client: Client) -> None:
    reader = factories.user(User.Role.READER)
    secret = factories.engagement(confidentiality="confidential", readers=[reader])
    pledge = commitment_factories.commitment(engagement=secret)
    assert client.get(f"/commitments/{pledge.pk}/").status_code == 404
    client.force_login(reader)
    assert client.get(f"/commitments/{pledge.pk}/").status_code == 200


def test_api_lists_commitments_in_openapi_and_hides_confidential(client: Client) -> None:
    public = commitment_factories.commitment(amount=1000)
    commitment_factories.report(public, dt.date(2022, 1, 1), 2500)
    secret = factories.engagement(confidentiality="confidential")
    hidden = commitment_factories.commitment(engagement=secret)
    records = client.get("/api/commitments").json()
    assert [r["id"] for r in records] == [public.pk]
    assert records[0]["progress"] == 1 and records[0]["progress_capped"] is True
    assert records[0]["delivered"] == 2500 and records[0]["status"] == "fulfilled"
    assert client.get(f"/api/commitments/{hidden.pk}").status_code == 404
    assert client.get(f"/api/commitments/{public.pk}").json()["made_by"] == "CN"
    assert client.get("/api/commitments?status=fulfilled").json()[0]["id"] == public.pk
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/commitments" in paths and "/api/commitments/{commitment_id}" in paths


def test_api_bad_filter_is_422_naming_field(client: Client) -> None:
    answer = client.get("/api/commitments?kind=bananas&year=99999")
    assert answer.status_code == 422
    fields = {p["field"] for p in answer.json()["problems"]}
    assert fields == {"kind", "year"}


def test_tracker_and_detail_link_a_country_maker_to_its_country_page(client: Client) -> None:
    pledge = commitment_factories.commitment(maker="CN", text="Provide a thousand doses.")
    commitment_factories.commitment(maker="WHO", text="An organisation's pledge.")
    html = client.get("/commitments/").content.decode()
    assert html.count('href="/assistance/countries/CN/"') == 1
    detail = client.get(pledge.get_absolute_url()).content.decode()
    assert 'id="maker"><a href="/assistance/countries/CN/">' in detail
