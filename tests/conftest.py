from __future__ import annotations

from collections.abc import Iterator

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from summitry.accounts.models import User
from tests import factories


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Live servers in threads write while pages load: SQLite's shared-cache in-memory test
    # database answers "table is locked" at once, where a file in WAL mode waits (busy timeout).
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("database") / "summitry.sqlite3"
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests are the slowest: run them last, so that a quick failure shows first.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(autouse=True)
def _fresh_shared_cache() -> Iterator[None]:
    # The database cache is rolled back with each test; Redis keeps what a test (or run) left.
    from django.conf import settings

    if settings.REDIS_URL:
        from django.core.cache import cache

        client = cache._cache.get_client()  # type: ignore[attr-defined]
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    yield


@pytest.fixture
def reader(db: None) -> User:
    return factories.user(User.Role.READER, username="reader")


@pytest.fixture
def editor(db: None) -> User:
    return factories.user(User.Role.EDITOR, username="editor")


@pytest.fixture
def administrator(db: None) -> User:
    admin = factories.user(User.Role.ADMINISTRATOR, username="admin")
    # A second factor is mandatory for administrators, and each session must pass it: sign in
    # with tests.accounts.signin.sign_in (force_login makes a session that is refused).
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    admin.totp_secret = secret  # type: ignore[attr-defined]
    return admin
