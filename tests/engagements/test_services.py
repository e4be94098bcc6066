from __future__ import annotations

import datetime as dt

import pytest

from summitry.accounts.models import User
from summitry.engagements.models import Engagement
from summitry.engagements.services import (
    EngagementInput,
    EngagementInvalid,
    change_status,
    create_engagement,
    input_from,
    set_readout,
    update_engagement,
)
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
MARCH_26 = dt.datetime(2020, 3, 26, 12, tzinfo=dt.UTC)


def test_engagement_held_without_start_is_refused() -> None:
    with pytest.raises(EngagementInvalid) as refused:
        create_engagement(
            EngagementInput(title="Call", kind="telephone_call", status="held"), by=None
        )
    assert "start" in refused.value.errors
    assert Engagement.objects.count() == 0


def test_engagement_held_in_future_is_refused() -> None:
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    with pytest.raises(EngagementInvalid) as refused:
        create_engagement(
            EngagementInput(title="Call", kind="telephone_call", status="held", start=future),
            by=None,
        )
    assert "future" in " ".join(refused.value.errors["status"])


def test_engagement_end_before_start_is_refused() -> None:
    with pytest.raises(EngagementInvalid) as refused:
        factories.engagement(end=MARCH_26 - dt.timedelta(hours=1))
    assert refused.value.errors["end"] == ["The end is before the start."]


def test_engagement_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(EngagementInvalid) as refused:
        factories.engagement(kind="carrier_pigeon")
    assert "telephone_call" in refused.value.errors["kind"][0]


def test_engagement_cancelled_is_final_and_keeps_history(editor: User) -> None:
    meeting = factories.engagement(status="scheduled", by=editor)
    change_status(meeting, "cancelled", by=editor)
    with pytest.raises(EngagementInvalid) as refused:
        change_status(meeting, "held", by=editor)
    assert "final" in refused.value.errors["status"][0]
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    statuses = [h.status for h in meeting.history.order_by("history_date")]
    assert statuses == ["scheduled", "cancelled"]


def test_engagement_postponed_can_be_rescheduled() -> None:
    meeting = factories.engagement(status="scheduled")
    change_status(meeting, "postponed", by=None)
    change_status(meeting, "scheduled", by=None)
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_engagement_readout_revisions_record_who_and_when(editor: User, reader: User) -> None:
    call = factories.engagement(readout="First draft.", by=editor)
    set_readout(call, "Agreed to cooperate on vaccines.", by=editor)
    revisions = list(call.history.order_by("history_date"))
    assert [r.readout for r in revisions] == ["First draft.", "Agreed to cooperate on vaccines."]
    assert [r.history_type for r in revisions] == ["+", "~"]
    assert all(r.history_user == editor for r in revisions)
    call.refresh_from_db()
    assert call.created_by == editor and call.updated_by == editor


def test_engagement_history_snapshots_countries() -> None:
    call = factories.engagement(countries=("CN", "FR"))
    data = input_from(call)
    data.countries = [factories.country("DE")]
    update_engagement(call, data, by=None)
    first, second = call.history.order_by("history_date")
    assert sorted(c.country.code for c in first.countries.all()) == ["CN", "FR"]
    assert [c.country.code for c in second.countries.all()] == ["DE"]


def test_participant_office_is_the_one_held_on_the_day() -> None:
    trump = factories.person(
        "Donald Trump",
        "US",
        "President of the United States",
        dt.date(2017, 1, 20),
        dt.date(2021, 1, 20),
    )
    biden = factories.person("Joe Biden", "US")
    factories.person("Joe Biden", "US", "President of the United States", dt.date(2021, 1, 20))
    before = factories.engagement(people=(trump,), start=dt.datetime(2020, 2, 7, 12, tzinfo=dt.UTC))
    after = factories.engagement(people=(biden,), start=dt.datetime(2021, 2, 11, 2, tzinfo=dt.UTC))
    offices = [e.participations.get().office for e in (before, after)]
    assert [o.title if o else None for o in offices] == ["President of the United States"] * 2
    trump_after = factories.engagement(
        people=(trump,), start=dt.datetime(2021, 6, 1, tzinfo=dt.UTC)
    )
    assert trump_after.participations.get().office is None


def test_date_only_engagement_is_stored_at_noon_utc() -> None:
    message = factories.engagement(
        kind="written_message", start=dt.datetime(2021, 12, 8, tzinfo=dt.UTC), time_known=False
    )
    assert message.start == dt.datetime(2021, 12, 8, 12, tzinfo=dt.UTC)
