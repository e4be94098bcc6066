"""A second factor is asked of the session, not merely enrolled on the account: every way in
(allauth's pages, the admin's sign-in, a session made some other way) meets it."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from summitry.accounts.models import User
from tests import factories
from tests.accounts.signin import PASSWORD, fresh_code, fresh_totp_code, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

NEW_RECORD: dict[str, Any] = {
    "title": "Call",
    "kind": "telephone_call",
    "status": "held",
    "start": "2020-03-23T12:00:00Z",
}


@pytest.fixture
def secret_record(editor: User) -> int:
    return factories.engagement(
        title="Confidential call", confidentiality="confidential", by=editor
    ).pk


def api_write(client: Client) -> Any:
    return client.post("/api/engagements", NEW_RECORD, content_type="application/json")


def assert_refused_everywhere(client: Client, record: int) -> None:
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"
    page = client.get(f"/engagements/{record}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert client.get(f"/api/engagements/{record}").status_code == 403
    write = api_write(client)
    assert write.status_code == 403
    assert write["Content-Type"].startswith("text/plain")
    assert b"second factor" in write.content


def test_admin_sign_in_page_hands_over_to_allauth(client: Client) -> None:
    response = client.get("/admin/login/", {"next": "/admin/engagements/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fengagements%2F"
    # A foreign address is not followed.
    elsewhere = client.get("/admin/login/", {"next": "https://example.org/"})
    assert elsewhere["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_admin_sign_in_with_password_only_reaches_nothing(
    client: Client, administrator: User, secret_record: int
) -> None:
    # Django's admin sign-in form, as an attacker who knows the password posts it.
    client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": PASSWORD, "next": "/admin/"},
    )
    assert client.get("/admin/").status_code == 302
    assert client.get(f"/engagements/{secret_record}/").status_code == 404
    assert api_write(client).status_code in (401, 403)


def test_session_signed_in_without_second_factor_is_refused_everywhere(
    client: Client, administrator: User, secret_record: int
) -> None:
    # What Django's admin sign-in did: the password checked, a session made, no second factor.
    assert client.login(username="admin", password=PASSWORD)
    assert_refused_everywhere(client, secret_record)


def test_admin_reaches_everything_after_the_code_through_the_admin_sign_in(
    client: Client, administrator: User, secret_record: int
) -> None:
    handed_over = client.get("/admin/login/", {"next": "/admin/"})["Location"]
    assert handed_over == "/accounts/login/?next=%2Fadmin%2F"
    password = client.post(handed_over, {"login": "admin", "password": PASSWORD})
    assert password["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302
    code = client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code(administrator)})
    assert code["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/engagements/{secret_record}/").status_code == 200
    assert api_write(client).status_code == 201


def test_session_without_second_factor_passes_it_by_the_code(
    client: Client, administrator: User, secret_record: int
) -> None:
    assert client.login(username="admin", password=PASSWORD)
    step = client.get("/admin/")["Location"]
    passed = client.post(step, {"code": fresh_totp_code(administrator)})
    assert passed["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert api_write(client).status_code == 201


def test_editor_with_totp_enrolled_must_pass_it_too(client: Client, secret_record: int) -> None:
    editor = factories.user(User.Role.EDITOR, username="careful")
    TOTP.activate(editor, generate_totp_secret())
    assert client.login(username="careful", password=PASSWORD)
    page = client.get("/engagements/new/")
    assert page["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert api_write(client).status_code == 403
    # Leaving is always possible.
    assert client.post("/accounts/logout/").status_code == 302
    assert sign_in(client, editor) == "/engagements/"
    assert api_write(client).status_code == 201


def test_editor_without_a_factor_signs_in_with_the_password(client: Client, editor: User) -> None:
    sign_in(client, editor)
    assert api_write(client).status_code == 201


def test_admin_sign_out_goes_through_allauth(client: Client, administrator: User) -> None:
    sign_in(client, administrator)
    assert client.get("/admin/").status_code == 200
    assert client.post("/admin/logout/")["Location"] == "/engagements/"
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_signed_in_non_administrator_is_refused_the_admin_without_a_loop(
    client: Client, editor: User
) -> None:
    sign_in(client, editor)
    assert client.get("/admin/login/", {"next": "/admin/"}).status_code == 403


def test_new_administrator_enrols_then_passes_the_code(client: Client) -> None:
    admin = factories.user(User.Role.ADMINISTRATOR, username="new-admin")
    sign_in(client, admin)
    enrol = client.get("/engagements/")["Location"]
    assert enrol.startswith("/accounts/2fa/totp/activate/")
    assert client.get("/api/engagements").status_code == 403
    # allauth asks for the password again before a factor is added.
    again = client.get(enrol)["Location"]
    assert client.post(again, {"password": PASSWORD})["Location"] == enrol
    assert client.get(enrol).status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert client.post(enrol, {"code": fresh_code(secret)}).status_code == 302
    # Enrolled; this session now passes the code like any other.
    step = client.get("/engagements/")["Location"]
    assert step.startswith("/accounts/2fa/reauthenticate/")
    assert client.post(step, {"code": fresh_totp_code(admin)})["Location"] == "/engagements/"
    assert client.get("/engagements/").status_code == 200
