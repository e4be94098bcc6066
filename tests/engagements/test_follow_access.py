"""Records read through an engagement's access rule ask it row by row, never by listing every
engagement the reader may see: that list is the whole register (about 200 ms at a million
records on SQLite, for a review page's dozen commitments)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import QuerySet

from summitry.accounts.models import User
from summitry.assistance.queries import visible_to as deliveries_visible_to
from summitry.commitments.queries import visible_to as commitments_visible_to
from summitry.engagements.queries import topics_visible_to
from summitry.exchanges.queries import questions_visible_to
from summitry.outcomes.queries import visible_to as documents_visible_to
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

READS: dict[str, Callable[[Any], QuerySet[Any]]] = {
    "commitments": commitments_visible_to,
    "deliveries": deliveries_visible_to,
    "documents": documents_visible_to,
    "questions": questions_visible_to,
    "topics": topics_visible_to,
}
# `... "engagement_id" IN (SELECT ...` : the list of every visible engagement.
LISTED = re.compile(r'"engagement_id"\) IN \(SELECT|"engagement_id" IN \(SELECT')


@pytest.mark.parametrize("read", sorted(READS))
@pytest.mark.parametrize("who", ["public", "staff"])
def test_a_read_that_follows_an_engagement_asks_it_by_id(read: str, who: str) -> None:
    user = None if who == "public" else factories.user(User.Role.EDITOR, username="desk")
    sql = str(READS[read](user).query)
    assert "engagements_engagement" in sql, "the rule reads the engagement"
    assert not LISTED.search(sql), sql
