from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from summitry.accounts.models import User
from tests import factories


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
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return admin
