from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from summitry.accounts.models import User
from tests.accounts.signin import fresh_totp_code

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_administrator_needs_the_totp_code_after_the_password(
    client: Client, administrator: User
) -> None:
    response = client.post("/accounts/login/", {"login": "admin", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # The password alone does not sign in.
    assert client.get("/engagements/new/").status_code == 302

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and b"Incorrect code" in wrong.content

    accepted = client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code(administrator)})
    assert accepted.status_code == 302
    assert client.get("/engagements/new/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_editor_signs_in_with_a_password_and_may_enrol_totp(client: Client, editor: User) -> None:
    response = client.post("/accounts/login/", {"login": "editor", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get("/engagements/new/").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200
    # Enrolling a second factor asks for the password again first.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    assert client.get("/admin/").status_code == 302  # the admin is for administrators


def test_wrong_password_is_refused(client: Client, editor: User) -> None:
    response = client.post("/accounts/login/", {"login": "editor", "password": "nope"})
    assert response.status_code == 200
    assert b"not correct" in response.content


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy` in a process of its own, with a production environment."""
    clean = {k: v for k, v in env.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    command = ["manage", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(
        [sys.executable, "-m", "summitry.cli", *command],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
    )


@pytest.mark.unit
def test_deploy_check_is_clean_under_production_settings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SUMMITRY_SECRET_KEY": secrets.token_urlsafe(64),
        "SUMMITRY_HTTPS": "1",
        "SUMMITRY_DEBUG": "0",
        "SUMMITRY_ALLOWED_HOSTS": "summitry.example.org",
        "SUMMITRY_DATA_DIR": str(tmp_path),
    }
    result = deploy_check(env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.unit
def test_deploy_check_flags_the_development_key(tmp_path: Path) -> None:
    env = {**os.environ, "SUMMITRY_HTTPS": "1", "SUMMITRY_DATA_DIR": str(tmp_path)}
    env.pop("SUMMITRY_SECRET_KEY", None)
    result = deploy_check(env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
