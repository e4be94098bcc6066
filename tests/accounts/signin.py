"""Signing in as a person does: allauth's pages, with the TOTP code when a factor is enrolled."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pyotp
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.test import Client

from summitry.accounts.models import User

PASSWORD = "pw-for-tests-1"


def totp_secret(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret: str = decrypt(authenticator.data["secret"])
    return secret


def fresh_totp_code(user: User) -> str:
    return fresh_code(totp_secret(user))


def fresh_code(secret: str) -> str:
    """The current code, once its 30-second step has time left to travel and be checked."""
    totp = pyotp.TOTP(secret)
    deadline = time.monotonic() + totp.interval + 5
    while totp.interval - time.time() % totp.interval < 5:
        assert time.monotonic() < deadline, "the clock did not reach the next TOTP step"
        time.sleep(0.2)
    return totp.now()


def sign_in(client: Client, user: User, password: str = PASSWORD, next_url: str = "") -> str:
    """Sign in through allauth, passing the second factor if one is enrolled; returns where the
    last step sends the browser."""
    client.logout()
    query = "?" + urlencode({"next": next_url}) if next_url else ""
    response = client.post(
        f"/accounts/login/{query}", {"login": user.username, "password": password}
    )
    assert response.status_code == 302, response.content
    if response["Location"] == "/accounts/2fa/authenticate/":
        response = client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code(user)})
        assert response.status_code == 302, response.content
    location: str = response["Location"]
    return location
