from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from summitry.accounts.models import User
from tests import factories


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests are the slowest: run them last, so that a quick failure shows first.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture
def reader(db: None) -> User:
    return factories.user(User.Role.READER, username="reader")


@pytest.fixture
def editor(db: None) -> User:
    return factories.user(User.Role.EDITOR, username="editor")


@pytest.fixture
def administrator(db: None) -> User:
    admin = factories.user(User.Role.ADMINISTRATOR, username="admin")
    # A second factor is mandatory for administrators; tests that need one get it enrolled.
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    admin.totp_secret = secret  # type: ignore[attr-defined]
    return admin
