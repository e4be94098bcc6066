"""Builders for outcome documents; every write goes through the services, as in production."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from summitry.accounts.models import User
from summitry.engagements.models import Engagement
from summitry.outcomes.models import Delegation, OutcomeDocument
from summitry.outcomes.services import (
    DocumentInput,
    add_delegation,
    create_document,
    set_delegates,
)
from tests import factories

_serial = itertools.count(1)


def document(
    by: User,
    engagement: Engagement | None = None,
    title: str | None = None,
    paragraphs: Sequence[str] = ("First paragraph.", "Second paragraph."),
    kind: str = "joint_statement",
) -> OutcomeDocument:
    return create_document(
        DocumentInput(
            kind=kind,
            title=title or f"Document {next(_serial)}",
            paragraphs=paragraphs,
            drafted_at=[engagement or factories.engagement(by=by)],
        ),
        by=by,
    )


def delegation(
    document: OutcomeDocument, by: User, code: str, delegates: Sequence[User] = ()
) -> Delegation:
    made = add_delegation(document, by, country=factories.country(code))
    set_delegates(made, list(delegates), by)
    return made
