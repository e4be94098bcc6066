"""Recording commitments and progress from the editor's pages, through the real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.commitments.models import Commitment
from tests import factories
from tests.commitments import factories as commitment_factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _form(**changes: Any) -> dict[str, Any]:
    factories.country("CN")
    factories.organisation("AU", ("ZA",))
    data: dict[str, Any] = {
        "maker_country": "CN",
        "made_on": "2021-10-12",
        "text": "China will take the lead in investing 1.5 billion yuan.",
        "kind": "funding",
        "amount": "1500000000",
        "unit": "CNY",
        "beneficiary_members_of": ["AU"],
        "sources": "Seed 002 | https://example.org/cop15",
    }
    data.update(changes)
    return data


def _editor(client: Client) -> User:
    editor = factories.user(User.Role.EDITOR)
    client.force_login(editor)
    return editor


def test_record_commitment_by_editor_converts_and_shows_rate(client: Client) -> None:
    _editor(client)
    assert client.get("/commitments/new/").status_code == 200
    page = client.post("/commitments/new/", _form(), follow=True)
    assert page.status_code == 200
    pledge = Commitment.objects.get()
    assert pledge.unit == "CNY" and pledge.usd is not None and pledge.usd > 0
    assert [o.acronym for o in pledge.beneficiary_members_of.all()] == ["AU"]
    html = page.content.decode()
    assert "US dollars per unit" in html and 'id="conversion"' in html


def test_record_commitment_by_reader_refused_403(client: Client) -> None:
    client.force_login(factories.user(User.Role.READER))
    assert client.get("/commitments/new/").status_code == 403
    assert client.post("/commitments/new/", _form()).status_code == 403
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "label", "words"),
    [
        ({"amount": "-5"}, "Amount", "greater than zero"),
        ({"unit": "XYZ"}, "Unit or currency", "neither an ISO 4217 currency code"),
        ({"due": "2020-01-01"}, "Due date", "earlier than the day"),
        ({"made_on": "2021-13-45"}, "Made on", "valid date"),
    ],
)
def test_record_commitment_bad_input_reshown_naming_field(
    client: Client, changes: dict[str, str], label: str, words: str
) -> None:
    _editor(client)
    page = client.post("/commitments/new/", _form(**changes))
    assert page.status_code == 400
    html = page.content.decode()
    summary = html.split('class="errorsummary"', 1)[1].split("</div>", 1)[0]
    assert f">{label}</a>: " in summary and words in summary
    assert "engagements/forms.js" in html  # focuses the summary
    assert not Commitment.objects.exists()


def test_add_progress_report_by_editor_updates_status(client: Client) -> None:
    pledge = commitment_factories.commitment(amount=1000, unit="doses")
    _editor(client)
    page = client.post(
        f"/commitments/{pledge.pk}/progress/",
        {"on": "2022-01-01", "amount": "400", "source": "Ministry report"},
        follow=True,
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ministry report" in html and 'id="status"' in html and "40%" in html


def test_add_progress_report_bad_date_reshown_naming_field(client: Client) -> None:
    pledge = commitment_factories.commitment(made_on=dt.date(2021, 11, 29))
    _editor(client)
    page = client.post(
        f"/commitments/{pledge.pk}/progress/",
        {"on": "2020-01-01", "amount": "10", "source": "Early"},
    )
    assert page.status_code == 400
    assert ">Date</a>: The report is dated before" in page.content.decode()
    assert not pledge.progress_reports.exists()


def test_withdraw_commitment_by_editor_and_reader_refused(client: Client) -> None:
    pledge = commitment_factories.commitment()
    client.force_login(factories.user(User.Role.READER))
    assert (
        client.post(
            f"/commitments/{pledge.pk}/withdraw/", {"withdrawn_on": "2022-01-01"}
        ).status_code
        == 403
    )
    _editor(client)
    page = client.post(
        f"/commitments/{pledge.pk}/withdraw/", {"withdrawn_on": "2022-01-01"}, follow=True
    )
    assert page.status_code == 200
    pledge.refresh_from_db()
    assert pledge.withdrawn_on == dt.date(2022, 1, 1)


def test_edit_commitment_due_date_by_editor_and_bad_due_named(client: Client) -> None:
    pledge = commitment_factories.commitment(made_on=dt.date(2021, 11, 29))
    _editor(client)
    url = f"/commitments/{pledge.pk}/edit/"
    bad = client.post(url, {"due": "2020-01-01", "period": "", "conditions": ""})
    assert (
        bad.status_code == 400 and ">Due date</a>: The due date is earlier" in bad.content.decode()
    )
    saved = client.post(url, {"due": "2024-12-31", "period": "over three years", "conditions": ""})
    assert saved.status_code == 302
    pledge.refresh_from_db()
    assert pledge.due == dt.date(2024, 12, 31) and pledge.period == "over three years"


def test_record_commitment_from_engagement_prefills_it(client: Client) -> None:
    call = factories.engagement(title="COP15 opening")
    _editor(client)
    html = client.get(f"/commitments/new/?engagement={call.pk}").content.decode()
    assert f'<option value="{call.pk}" selected>' in html and 'value="2020-03-26"' in html


def test_engagement_page_offers_an_editor_to_record_a_commitment_made_there(
    client: Client, editor: User
) -> None:
    held = factories.engagement(title="Extraordinary summit", by=editor)
    link = f"/commitments/new/?engagement={held.pk}"
    assert link not in client.get(held.get_absolute_url()).content.decode()
    client.force_login(editor)
    assert link in client.get(held.get_absolute_url()).content.decode()
