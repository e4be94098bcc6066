"""Schemathesis against /api/openapi.json, through the Django app in this process.

As the public and as a signed-in editor (session cookie and CSRF token): no answer is a server
error, and every answer conforms to the document (status, content type, body). Hypothesis is
derandomized and bounded, so that a run is the same every time and takes a minute or two.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from summitry.accounts.models import User
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def keep_the_test_transaction() -> Iterator[None]:
    # As Django's test client does: a request must not close the connection holding the test's
    # transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def register(editor: User) -> None:
    """A few records of each confidentiality, so that reads and writes find something."""
    france = factories.person("Fuzz Minister", country_code="FR")
    for level in ("public", "restricted", "confidential"):
        factories.engagement(
            title=f"{level} call", confidentiality=level, people=(france,), countries=("FR",)
        )
    factories.engagement(title="Own call", confidentiality="confidential", by=editor)


@pytest.fixture
def editor_session(editor: User) -> dict[str, Any]:
    browser = Client()
    browser.force_login(editor)
    blank = HttpRequest()
    token = get_token(blank)
    return {
        "cookies": {
            "sessionid": browser.cookies["sessionid"].value,
            "csrftoken": blank.META["CSRF_COOKIE"],
        },
        "headers": {"X-CSRFToken": token},
    }


@schema.parametrize()
@FUZZ
def test_api_as_the_public_never_fails_and_keeps_to_the_document(
    case: schemathesis.Case[Any], register: None
) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_api_as_an_editor_never_fails_and_keeps_to_the_document(
    case: schemathesis.Case[Any], register: None, editor_session: dict[str, Any]
) -> None:
    case.call_and_validate(
        checks=CHECKS, headers=editor_session["headers"], cookies=editor_session["cookies"]
    )
