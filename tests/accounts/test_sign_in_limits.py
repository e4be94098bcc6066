"""Failed sign-ins are limited per account (strictly) and per address (loosely), in the cache
that every worker shares, by the address the client has behind a proxy."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import Client, override_settings

from summitry.accounts.models import User
from tests.accounts.signin import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

OFFICE = "203.0.113.7"
TOO_MANY = b"Too many failed login attempts"


def attempt(client: Client, login: str, password: str, **headers: str) -> bytes:
    """One sign-in; returns the page's content, empty when it signed in."""
    response = client.post(
        "/accounts/login/", {"login": login, "password": password}, headers=headers
    )
    if response.status_code == 302:
        client.logout()
        return b""
    assert response.status_code == 200
    return response.content


def limit_keys_in_cache_table() -> list[str]:
    """The sign-in limit entries held where every worker reads: the database table, or Redis."""
    from django.conf import settings
    from django.core.cache import cache

    location = str(settings.CACHES["default"]["LOCATION"])
    if settings.REDIS_URL:
        client = cache._cache.get_client()  # type: ignore[attr-defined]
        keys = [key.decode() for key in client.scan_iter("*:login_failed:*")]
    else:
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(location)
            cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608 - the name is ours
            keys = [row[0] for row in cursor.fetchall()]
    return [key for key in keys if ":login_failed:" in key]


def test_failures_on_made_up_names_leave_a_real_editor_signing_in(editor: User) -> None:
    attacker = Client(REMOTE_ADDR=OFFICE)
    for n in range(10):
        assert b"not correct" in attempt(attacker, f"nobody{n}", "guess")
    colleague = Client(REMOTE_ADDR=OFFICE)
    assert attempt(colleague, "editor", PASSWORD) == b""


def test_failures_against_one_account_lock_that_account_only(editor: User, reader: User) -> None:
    attacker = Client(REMOTE_ADDR=OFFICE)
    for _ in range(5):
        assert b"not correct" in attempt(attacker, "editor", "guess")
    # The right password no longer opens the account, from any address...
    assert TOO_MANY in attempt(attacker, "editor", PASSWORD)
    assert TOO_MANY in attempt(Client(REMOTE_ADDR="198.51.100.20"), "editor", PASSWORD)
    # ...while the other accounts, at the same address, are not touched.
    assert attempt(Client(REMOTE_ADDR=OFFICE), "reader", PASSWORD) == b""


def test_sign_in_limits_are_kept_in_the_cache_every_worker_shares(editor: User) -> None:
    attempt(Client(REMOTE_ADDR=OFFICE), "editor", "guess")
    # In the database table (or Redis) that every worker reads, not in a worker's memory.
    keys = limit_keys_in_cache_table()
    assert any(key.endswith(f":ip:{OFFICE}") for key in keys), keys
    assert len(keys) == 2  # one per address, one per account


def test_code_failures_count_against_the_account(client: Client, administrator: User) -> None:
    client.post("/accounts/login/", {"login": "admin", "password": PASSWORD})
    for _ in range(5):
        wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
        assert b"Incorrect code" in wrong.content
    assert TOO_MANY in client.post("/accounts/2fa/authenticate/", {"code": "000000"}).content


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_client_address_counts_not_the_proxy(editor: User) -> None:
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    # Entries left of the proxy's own are the client's word, and ignored.
    attempt(proxy, "nobody", "guess", X_FORWARDED_FOR="192.0.2.99, 198.51.100.1")
    keys = limit_keys_in_cache_table()
    assert any(key.endswith(":ip:198.51.100.1") for key in keys), keys
    assert not any("10.0.0.2" in key or "192.0.2.99" in key for key in keys), keys


@pytest.mark.unit
@pytest.mark.parametrize(
    ("environment", "count"),
    [({}, "0"), ({"SUMMITRY_BEHIND_PROXY": "1"}, "1"), ({"SUMMITRY_PROXY_COUNT": "2"}, "2")],
)
def test_proxy_count_follows_the_environment(environment: dict[str, str], count: str) -> None:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SUMMITRY_BEHIND_PROXY", "SUMMITRY_PROXY_COUNT")
    }
    script = "from summitry import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**clean, **environment},
        check=True,
    )
    assert result.stdout.strip() == count


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_request_that_skipped_a_proxy_counts_against_its_peer(editor: User) -> None:
    peer = Client(REMOTE_ADDR="10.0.0.3")
    assert b"not correct" in attempt(peer, "nobody", "guess", X_FORWARDED_FOR="198.51.100.2")
    keys = limit_keys_in_cache_table()
    assert any(key.endswith(":ip:10.0.0.3") for key in keys), keys
