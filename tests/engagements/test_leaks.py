"""Every list, filter and history revision shows only what the viewer may see."""

from __future__ import annotations

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.engagements.services import input_from, update_engagement
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_topic_filter_lists_only_topics_of_visible_records(client: Client, editor: User) -> None:
    factories.engagement(title="Open call", topics=["trade"], by=editor)
    factories.engagement(
        title="Secret call", topics=["nuclear talks"], confidentiality="confidential", by=editor
    )
    factories.engagement(title="Staff call", topics=["staff matters"], confidentiality="restricted")
    page = client.get("/engagements/").content.decode()
    assert "trade" in page
    assert "nuclear talks" not in page and "staff matters" not in page
    reader = factories.user(User.Role.READER)
    client.force_login(reader)
    page = client.get("/engagements/").content.decode()
    assert "staff matters" in page and "nuclear talks" not in page
    client.force_login(editor)
    assert "nuclear talks" in client.get("/engagements/").content.decode()


def test_history_of_a_record_made_public_withholds_its_confidential_past(
    client: Client, editor: User
) -> None:
    record = factories.engagement(
        title="Call with a partner",
        readout="Secret: the partner offered a concession.",
        confidentiality="confidential",
        by=editor,
    )
    data = input_from(record)
    data.readout = "The two leaders spoke."
    data.confidentiality = "public"
    record = update_engagement(record, data, by=editor)
    data = input_from(record)
    data.readout = "The two leaders spoke about trade."
    update_engagement(record, data, by=editor)

    detail = client.get(f"/engagements/{record.pk}/").content.decode()
    assert "History (2)" in detail
    page = client.get(f"/engagements/{record.pk}/history/").content.decode()
    assert "Secret" not in page
    assert "about trade" in page and "The two leaders spoke." in page
    assert "1 revision withheld" in page
    # The author saw the confidential revision when it was written, and sees it still.
    client.force_login(editor)
    page = client.get(f"/engagements/{record.pk}/history/").content.decode()
    assert "Secret: the partner offered a concession." in page and "withheld" not in page


def test_history_shows_a_confidential_revision_to_the_readers_named_in_it(
    client: Client, editor: User
) -> None:
    reader = factories.user(User.Role.READER)
    record = factories.engagement(
        readout="Only for the named reader.", confidentiality="confidential", by=editor
    )
    data = input_from(record)
    data.readers = [reader]
    record = update_engagement(record, data, by=editor)
    data = input_from(record)
    data.readers = []
    data.confidentiality = "restricted"
    data.readout = "Now for all staff."
    update_engagement(record, data, by=editor)

    other = factories.user(User.Role.READER)
    client.force_login(other)
    page = client.get(f"/engagements/{record.pk}/history/").content.decode()
    assert "Only for the named reader." not in page and "2 revisions withheld" in page
    client.force_login(reader)
    page = client.get(f"/engagements/{record.pk}/history/").content.decode()
    assert "Only for the named reader." in page and "1 revision withheld" in page
