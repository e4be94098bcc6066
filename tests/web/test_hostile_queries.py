"""Pages answer odd or hostile addresses with a 4xx that says why, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from summitry.accounts.models import User
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ODD_VALUES = ["", "-1", "0", "1", "9999", "99999999999999999999", "abc", "1e9", "\x00", "2020-13"]
PARAMETERS = ["year", "month", "kind", "status", "counterpart", "region", "topic", "q", "page"]
YEARS = ["0", "1", "1799", "3000", "9999", "10000", "99999999999999999999"]


def addresses(engagement_pk: int) -> list[str]:
    found = [
        f"{page}?{name}={value}"
        for page in ("/engagements/", "/engagements/calendar/", f"/engagements/{engagement_pk}/")
        for name in PARAMETERS
        for value in ODD_VALUES
    ]
    found += [f"/review/{year}/" for year in YEARS] + [f"/review/{year}.pdf" for year in YEARS]
    found += [f"/api/review/{year}" for year in YEARS]
    return found


@pytest.mark.parametrize("who", ["public", "editor"])
def test_odd_addresses_get_a_refusal_not_a_server_error(who: str) -> None:
    engagement = factories.engagement(title="Telephone call")
    client = Client(raise_request_exception=False)
    if who == "editor":
        client.force_login(factories.user(User.Role.EDITOR, username="editor"))
    failures = {}
    for address in addresses(engagement.pk):
        status = client.get(address).status_code
        if status >= 500:
            failures[address] = status
    assert failures == {}


def test_review_outside_the_register_years_says_which_years_it_covers() -> None:
    response = Client().get("/review/1/")
    assert response.status_code == 404
    assert b"1800" in response.content and b"2999" in response.content
