from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.assistance.demo import load_demo
from summitry.assistance.links import link_delivery
from summitry.assistance.models import Delivery
from tests import factories as base
from tests.assistance import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _value(html: str, numeric: str) -> int:
    found = re.search(rf'data-code="{numeric}" data-value="(\d+)"', html)
    assert found, numeric
    return int(found.group(1))


def test_ledger_shows_the_demo_recorded_beside_reported(client: Client) -> None:
    load_demo()
    page = client.get("/assistance/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="delivery"') == 15
    # Twelve teams recorded; the 14 and the 29 reported stay apart.
    assert re.search(r"Medical expert teams</th><td class=\"number\">12</td><td>teams", html)
    assert "As of 12 Apr 2020" in html and "In 2020" in html
    assert "commercial exports, not aid" in html


def test_ledger_bad_filter_is_a_400_naming_the_field(client: Client) -> None:
    page = client.get("/assistance/?year=abc&modality=gift")
    assert page.status_code == 400
    assert "year" in page.content.decode() and "modality" in page.content.decode()


def test_map_shades_recipients_by_deliveries_and_by_item(client: Client) -> None:
    factories.delivery("RS", items=(("masks", 1000),))
    factories.delivery("RS", items=(("masks", 500),))
    factories.delivery("IT", modality="commercial", items=(("masks", 9000),))
    by_count = client.get("/assistance/map/").content.decode()
    assert _value(by_count, "688") == 2  # Serbia
    assert _value(by_count, "380") == 0  # Italy bought: not aid
    by_masks = client.get("/assistance/map/?by=masks").content.decode()
    assert _value(by_masks, "688") == 1500
    assert client.get("/assistance/map/?by=unicorns").status_code == 400


def test_map_by_usd_sums_converted_money(client: Client) -> None:
    factories.delivery("PK", modality="cash_grant", items=(), amount=Decimal(1000), currency="USD")
    assert _value(client.get("/assistance/map/?by=usd").content.decode(), "586") == 1000


def test_item_totals_page_counts_by_the_latest_days_year(client: Client) -> None:
    factories.delivery("RS", date=dt.date(2020, 12, 1), date_precision="month")
    html = client.get("/assistance/items/").content.decode()
    assert '<th scope="col">2020</th>' in html and "2021" not in html


def test_country_page_gathers_engagements_commitments_and_deliveries(client: Client) -> None:
    base.engagement(title="Call with the Central African Republic", countries=("CF",))
    focac = factories.commitment()
    delivery = factories.delivery("CF", items=(("vaccine-doses", 1000),))
    link_delivery(delivery, focac, Decimal(1000))
    html = client.get("/assistance/countries/cf/").content.decode()
    assert "Call with the Central African Republic" in html
    assert "one billion doses" in html
    assert f'data-ref="{delivery.ref}"' in html
    detail = client.get(delivery.get_absolute_url()).content.decode()
    assert "1,000 doses of this delivery count towards it" in detail
    assert client.get("/assistance/countries/ZZ/").status_code == 404


def test_confidential_engagements_delivery_hidden_from_the_public(client: Client) -> None:
    secret = base.engagement(confidentiality="confidential")
    delivery = factories.delivery("CF", engagement=secret.pk, by=base.user("administrator"))
    assert client.get(delivery.get_absolute_url()).status_code == 404
    assert delivery.ref not in client.get("/assistance/countries/CF/").content.decode()
    assert delivery.ref not in client.get("/assistance/").content.decode()


def _form(**changes: str) -> dict[str, str]:
    data = {
        "ref": "serbia-masks",
        "donor": factories.donor().name,
        "recipient": "RS",
        "modality": "donation_in_kind",
        "channel": "bilateral",
        "date": "2020-03-21",
        "date_precision": "day",
        "stage": "arrived",
        "item": "masks",
        "quantity": "250000",
        "citation": "Ministry press release",
    }
    data.update(changes)
    return data


def test_create_delivery_as_editor(client: Client) -> None:
    client.force_login(base.user(User.Role.EDITOR))
    page = client.post("/assistance/new/", _form())
    delivery = Delivery.objects.get(ref="serbia-masks")
    assert page.status_code == 302 and page["Location"] == delivery.get_absolute_url()
    assert delivery.items.get().quantity == 250000


def test_create_delivery_bad_recipient_is_a_400_naming_the_field(client: Client) -> None:
    client.force_login(base.user(User.Role.EDITOR))
    page = client.post("/assistance/new/", _form(recipient="XQ", modality="cash_grant"))
    html = page.content.decode()
    assert page.status_code == 400
    assert "XQ is neither a country code nor an organisation" in html
    assert "A cash grant or a loan has an amount." in html
    assert not Delivery.objects.exists()


def test_create_delivery_refused_to_a_reader(client: Client) -> None:
    client.force_login(base.user(User.Role.READER))
    assert client.post("/assistance/new/", _form()).status_code == 403


def test_create_medical_team_with_its_size_dates_and_engagement(client: Client) -> None:
    editor = base.user(User.Role.EDITOR)
    call = base.engagement(title="Call with Italy", countries=("IT",))
    client.force_login(editor)
    page = client.post(
        "/assistance/new/",
        _form(
            ref="italy-team", recipient="IT", modality="medical_team", item="medical-teams",
            quantity="1", team_size="9", specialities="intensive care",
            team_start="2020-03-12", team_end="2020-04-20", engagement=str(call.pk),
        ),
    )  # fmt: skip
    assert page.status_code == 302
    delivery = Delivery.objects.get(ref="italy-team")
    assert delivery.engagement == call
    team = delivery.medical_team
    assert (team.size, team.start, team.end) == (9, dt.date(2020, 3, 12), dt.date(2020, 4, 20))
    html = client.get(delivery.get_absolute_url()).content.decode()
    assert "9 members" in html and "Call with Italy" in html


def test_create_team_ending_before_it_starts_is_a_400(client: Client) -> None:
    client.force_login(base.user(User.Role.EDITOR))
    page = client.post(
        "/assistance/new/",
        _form(modality="medical_team", item="medical-teams", quantity="1",
              team_start="2020-04-20", team_end="2020-03-12"),
    )  # fmt: skip
    assert page.status_code == 400
    assert "A team&#x27;s end comes after its start." in page.content.decode()
