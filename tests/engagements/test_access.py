"""The anonymous public sees only public engagements: in the UI, the API and the feed alike."""

from __future__ import annotations

import pytest
from django.test import Client

from summitry.accounts.models import User
from tests import factories
from tests.accounts.signin import sign_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def records(editor: User) -> dict[str, int]:
    return {
        level: factories.engagement(
            title=f"{level.title()} call", confidentiality=level, by=editor
        ).pk
        for level in ("public", "restricted", "confidential")
    }


def titles_in(content: bytes) -> set[str]:
    text = content.decode()
    return {t for t in ("Public call", "Restricted call", "Confidential call") if t in text}


def test_anonymous_sees_only_public_everywhere(client: Client, records: dict[str, int]) -> None:
    assert titles_in(client.get("/engagements/").content) == {"Public call"}
    assert {e["title"] for e in client.get("/api/engagements").json()} == {"Public call"}
    assert titles_in(client.get("/calendar.ics?from=2020-01-01&to=2020-12-31").content) == {
        "Public call"
    }
    assert client.get(f"/engagements/{records['restricted']}/").status_code == 404
    assert client.get(f"/api/engagements/{records['confidential']}").status_code == 404
    assert client.get("/api/review/2020").json()["total"] == 1


def test_reader_sees_restricted_but_not_confidential(
    client: Client, reader: User, records: dict[str, int]
) -> None:
    client.force_login(reader)
    assert titles_in(client.get("/engagements/").content) == {"Public call", "Restricted call"}
    assert client.get(f"/engagements/{records['confidential']}/").status_code == 404


def test_named_reader_and_administrator_see_confidential(
    client: Client, reader: User, administrator: User, records: dict[str, int]
) -> None:
    from summitry.engagements.models import Engagement

    Engagement.objects.get(pk=records["confidential"]).readers.add(reader)
    client.force_login(reader)
    assert client.get(f"/engagements/{records['confidential']}/").status_code == 200
    sign_in(client, administrator)
    assert titles_in(client.get("/engagements/").content) == {
        "Public call",
        "Restricted call",
        "Confidential call",
    }


def test_feed_stays_public_for_signed_in_staff(
    client: Client, administrator: User, records: dict[str, int]
) -> None:
    sign_in(client, administrator)
    assert titles_in(client.get("/calendar.ics?from=2020-01-01&to=2020-12-31").content) == {
        "Public call"
    }


def test_reader_cannot_write(client: Client, reader: User) -> None:
    client.force_login(reader)
    assert client.get("/engagements/new/").status_code == 403
    response = client.post(
        "/api/engagements",
        {"title": "x", "kind": "telephone_call"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


def test_administrator_without_second_factor_is_sent_to_enrol(client: Client) -> None:
    admin = factories.user(User.Role.ADMINISTRATOR, username="fresh-admin")
    client.force_login(admin)
    response = client.get("/engagements/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")
    assert client.get("/api/engagements").status_code == 403


def test_signup_is_closed(client: Client) -> None:
    assert b"Sign Up Closed" in client.get("/accounts/signup/").content
    client.post(
        "/accounts/signup/",
        {
            "username": "x",
            "email": "x@example.org",
            "password1": "Str0ng-pass-1",
            "password2": "Str0ng-pass-1",
        },
    )
    assert not User.objects.filter(username="x").exists()
