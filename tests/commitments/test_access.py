"""Who sees a commitment: whoever may see its engagement and the document paragraph it is in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from summitry.accounts.models import User
from summitry.commitments.queries import visible_to
from summitry.commitments.services import CommitmentInvalid
from summitry.outcomes.models import OutcomeDocument, Paragraph, Revision
from tests import factories
from tests.commitments import factories as commitment_factories

pytestmark = pytest.mark.django_db


def _paragraph(adopted: bool, published: bool = False) -> Paragraph:
    # Rows as the outcomes services leave them: a document linked to a public engagement.
    now = timezone.now()
    document = OutcomeDocument.objects.create(
        kind="declaration", title="A declaration", published_at=now if published else None
    )
    document.engagements.add(factories.engagement())
    revision = Revision.objects.create(
        document=document,
        number=1,
        title=document.title,
        created_at=now,
        adopted_at=now if adopted else None,
    )
    return Paragraph.objects.create(revision=revision, number=1, text="We pledge.")


def test_commitment_at_confidential_engagement_hidden_as_engagement_is() -> None:
    named = factories.user(User.Role.READER)
    other = factories.user(User.Role.EDITOR)
    admin = factories.user(User.Role.ADMINISTRATOR)
    secret = factories.engagement(confidentiality="confidential", readers=[named])
    hidden = commitment_factories.commitment(engagement=secret)
    public = commitment_factories.commitment(engagement=factories.engagement())
    unlinked = commitment_factories.commitment()
    assert set(visible_to(AnonymousUser())) == {public, unlinked}
    assert set(visible_to(other)) == {public, unlinked}
    assert hidden in visible_to(named)
    assert hidden in visible_to(admin)


def test_commitment_in_draft_paragraph_refused_naming_paragraph() -> None:
    with pytest.raises(CommitmentInvalid) as refused:
        commitment_factories.commitment(paragraph=_paragraph(adopted=False))
    assert list(refused.value.errors) == ["paragraph"]


def test_commitment_in_document_read_as_document_is() -> None:
    unpublished = commitment_factories.commitment(paragraph=_paragraph(adopted=True))
    published = commitment_factories.commitment(paragraph=_paragraph(adopted=True, published=True))
    editor = factories.user(User.Role.EDITOR)
    # Adopted but not yet published: the public does not read it; editors do.
    assert list(visible_to(AnonymousUser())) == [published]
    assert unpublished in visible_to(editor)


def test_commitment_in_document_of_confidential_engagement_hidden() -> None:
    paragraph = _paragraph(adopted=True, published=True)
    secret = factories.engagement(confidentiality="confidential")
    paragraph.revision.document.engagements.add(secret)
    pledge = commitment_factories.commitment(made_on=dt.date(2021, 11, 29), paragraph=paragraph)
    assert pledge not in visible_to(AnonymousUser())
    assert pledge not in visible_to(factories.user(User.Role.EDITOR))
