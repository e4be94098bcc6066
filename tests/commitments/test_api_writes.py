"""POST /api/commitments, PATCH /api/commitments/{id}, POST /api/commitments/{id}/progress."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.commitments.models import Commitment
from tests import factories
from tests.commitments import factories as commitment_factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _pledge(**changes: Any) -> dict[str, Any]:
    factories.country("CN")
    factories.organisation("AU", ("ZA",))
    body: dict[str, Any] = {
        "made_on": "2021-10-12",
        "made_by": "CN",
        "text": "China will invest 1.5 billion yuan.",
        "kind": "funding",
        "amount": "1500000000",
        "unit": "CNY",
        "beneficiary_members_of": ["AU"],
        "sources": [{"citation": "Seed 002"}],
    }
    body.update(changes)
    return body


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_api_create_commitment_by_editor_converts_to_usd(client: Client, editor: User) -> None:
    client.force_login(editor)
    answer = _post(client, "/api/commitments", _pledge())
    assert answer.status_code == 201, answer.content
    record = answer.json()
    assert record["unit"] == "CNY" and record["usd"] > 0 and record["rate_source"]
    assert record["beneficiaries"] == ["members:AU"] and record["status"] == "announced"


def test_api_create_commitment_refused_to_reader_and_public(client: Client) -> None:
    assert _post(client, "/api/commitments", _pledge()).status_code == 401
    client.force_login(factories.user(User.Role.READER))
    assert _post(client, "/api/commitments", _pledge()).status_code == 403
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"unit": "XYZ"}, "unit"),
        ({"made_by": "ZZZZ"}, "made_by"),
        ({"due": "2020-01-01"}, "due"),
        ({"beneficiary_countries": ["QQ"]}, "beneficiary_countries"),
        ({"engagement": 999999}, "engagement"),
    ],
)
def test_api_create_commitment_bad_input_400_naming_field(
    client: Client, editor: User, changes: dict[str, Any], field: str
) -> None:
    client.force_login(editor)
    answer = _post(client, "/api/commitments", _pledge(**changes))
    assert answer.status_code == 400, answer.content
    assert [p["field"] for p in answer.json()["problems"]] == [field]


def test_api_progress_and_patch_by_editor(client: Client, editor: User) -> None:
    pledge = commitment_factories.commitment(amount=1000, unit="doses")
    client.force_login(editor)
    url = f"/api/commitments/{pledge.pk}"
    answer = _post(client, f"{url}/progress", {"on": "2022-01-01", "amount": 250, "source": "R"})
    assert answer.status_code == 201, answer.content
    assert answer.json()["progress"] == 0.25 and answer.json()["status"] == "in_progress"
    early = _post(client, f"{url}/progress", {"on": "2019-01-01", "amount": 1, "source": "R"})
    assert early.status_code == 400 and early.json()["problems"][0]["field"] == "on"
    changed = client.patch(
        url, {"due": "2025-12-31", "withdrawn_on": "2023-01-01"}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["due"] == "2025-12-31" and changed.json()["status"] == "withdrawn"
    bad = client.patch(url, {"due": "2000-01-01"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["problems"][0]["field"] == "due"
