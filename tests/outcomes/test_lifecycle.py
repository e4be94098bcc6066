"""The lifecycle of an outcome document: circulation, silence procedure, adoption, corrigenda."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from summitry.accounts.models import User
from summitry.outcomes.models import Delegation, DocumentStatus, OutcomeDocument, SilenceOutcome
from summitry.outcomes.queries import current_revision, public_revision
from summitry.outcomes.services import (
    DocumentInvalid,
    adopt,
    break_silence,
    circulate,
    edit_text,
    publish,
    start_corrigendum,
    start_silence,
    withdraw,
)
from tests import factories
from tests.outcomes import factories as outcome_factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

Circulated = tuple[OutcomeDocument, Delegation]
START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
DEADLINE = dt.datetime(2026, 1, 7, 12, tzinfo=dt.UTC)


@pytest.fixture
def delegate() -> User:
    return factories.user(User.Role.READER, username="delegate-sn")


@pytest.fixture
def circulated(editor: User, delegate: User) -> Circulated:
    document = outcome_factories.document(editor)
    senegal = outcome_factories.delegation(document, editor, "SN", [delegate])
    outcome_factories.delegation(document, editor, "CN")
    circulate(document, editor)
    return document, senegal


def test_silence_broken_blocks_adoption(
    editor: User, delegate: User, circulated: Circulated
) -> None:
    document, senegal = circulated
    start_silence(document, DEADLINE, editor, now=START)
    objection = break_silence(
        document,
        senegal,
        "Paragraph 2 needs more work.",
        delegate,
        now=DEADLINE - dt.timedelta(hours=1),
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    assert objection.silence.outcome == SilenceOutcome.BROKEN
    # Long after the deadline, the broken silence still does not adopt the text.
    with pytest.raises(DocumentInvalid) as refused:
        adopt(document, editor, now=DEADLINE + dt.timedelta(days=3))
    assert "status" in refused.value.errors
    assert current_revision(document).adopted_at is None  # type: ignore[union-attr]
    # The objection is kept after the text goes back to draft and is edited.
    edit_text(document, document.title, ["Reworked."], editor)
    assert document.revisions.get(number=1).silences.get().objections.get().text == (
        "Paragraph 2 needs more work."
    )


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Shanghai"])
def test_silence_deadline_passes_at_one_instant_in_any_zone(
    editor: User,
    delegate: User,
    circulated: Circulated,
    zone: str,
) -> None:
    document, senegal = circulated
    # The deadline as a delegation in `zone` types it: the same instant as DEADLINE.
    local = DEADLINE.astimezone(zoneinfo.ZoneInfo(zone))
    start_silence(document, local, editor, now=START)
    just_before = (DEADLINE - dt.timedelta(microseconds=1)).astimezone(zoneinfo.ZoneInfo(zone))
    with pytest.raises(DocumentInvalid):
        adopt(document, editor, now=just_before)
    with pytest.raises(DocumentInvalid) as late:
        break_silence(document, senegal, "Too late.", delegate, now=DEADLINE)
    assert "deadline" in late.value.errors
    revision = adopt(document, editor, now=DEADLINE.astimezone(zoneinfo.ZoneInfo(zone)))
    assert revision.adopted_at == DEADLINE


def test_adopted_text_cannot_be_edited(editor: User, circulated: Circulated) -> None:
    document, _ = circulated
    start_silence(document, DEADLINE, editor, now=START)
    adopt(document, editor, now=DEADLINE)
    with pytest.raises(DocumentInvalid) as refused:
        edit_text(document, "Changed", ["Changed text."], editor)
    assert "status" in refused.value.errors
    publish(document, editor)
    with pytest.raises(DocumentInvalid):
        edit_text(document, "Changed", ["Changed text."], editor)
    assert [p.text for p in current_revision(document).paragraphs.all()] == [  # type: ignore[union-attr]
        "First paragraph.",
        "Second paragraph.",
    ]


def test_text_under_silence_cannot_be_edited(editor: User, circulated: Circulated) -> None:
    document, _ = circulated
    start_silence(document, DEADLINE, editor, now=START)
    with pytest.raises(DocumentInvalid):
        edit_text(document, "Changed", ["Changed text."], editor)


def test_corrigendum_needs_its_own_adoption(editor: User, circulated: Circulated) -> None:
    document, _ = circulated
    start_silence(document, DEADLINE, editor, now=START)
    adopt(document, editor, now=DEADLINE)
    publish(document, editor, now=DEADLINE)
    corrigendum = start_corrigendum(
        document, document.title, ["First paragraph.", "Corrected."], editor
    )
    document.refresh_from_db()
    assert corrigendum.is_corrigendum and corrigendum.number == 2
    assert document.status == DocumentStatus.DRAFT
    # The text in force is still the first adoption until the corrigendum is adopted.
    assert public_revision(document).number == 1  # type: ignore[union-attr]
    assert document.published_at is not None
    circulate(document, editor)
    later = DEADLINE + dt.timedelta(days=10)
    start_silence(document, later, editor, now=DEADLINE + dt.timedelta(days=1))
    adopted = adopt(document, editor, now=later)
    assert adopted.pk == corrigendum.pk and adopted.adopted_at == later
    assert public_revision(document).number == 2  # type: ignore[union-attr]


def test_silence_deadline_in_the_past_is_refused(editor: User, circulated: Circulated) -> None:
    document, _ = circulated
    with pytest.raises(DocumentInvalid) as refused:
        start_silence(document, START - dt.timedelta(minutes=1), editor, now=START)
    assert "deadline" in refused.value.errors
    with pytest.raises(DocumentInvalid) as naive:
        start_silence(document, dt.datetime(2030, 1, 1, 12), editor, now=START)
    assert "deadline" in naive.value.errors


def test_withdrawn_text_cannot_be_adopted(editor: User, circulated: Circulated) -> None:
    document, _ = circulated
    start_silence(document, DEADLINE, editor, now=START)
    withdraw(document, editor, now=START + dt.timedelta(hours=1))
    with pytest.raises(DocumentInvalid):
        adopt(document, editor, now=DEADLINE)
    document.refresh_from_db()
    assert document.status == DocumentStatus.WITHDRAWN


def test_break_silence_by_someone_else_delegation_is_refused(
    editor: User,
    delegate: User,
    circulated: Circulated,
) -> None:
    from django.core.exceptions import PermissionDenied

    document, _ = circulated
    china = document.delegations.get(country__code="CN")
    start_silence(document, DEADLINE, editor, now=START)
    with pytest.raises(PermissionDenied):
        break_silence(document, china, "Not mine to say.", delegate, now=START)
    document.refresh_from_db()
    assert document.status == DocumentStatus.UNDER_SILENCE
