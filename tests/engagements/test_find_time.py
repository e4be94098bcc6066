"""The "find a time" page: candidate slots for a proposed engagement, scheduled in one click."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from summitry.accounts.models import User
from summitry.directory.models import Person
from summitry.engagements.models import Engagement
from summitry.engagements.services import ParticipantInput
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def proposal(*people: Person, **fields: Any) -> Engagement:
    return factories.engagement(
        title="Call on the pandemic",
        status="proposed",
        start=fields.pop("start", None),
        participants=[ParticipantInput(p) for p in people],
        **fields,
    )


def g20_call(**fields: Any) -> Engagement:
    return proposal(
        factories.person("Donald Trump", "US"),
        factories.person("Xi Jinping", "CN"),
        factories.person("Scott Morrison", "AU"),
        **fields,
    )


def url(engagement: Engagement) -> str:
    return f"/engagements/{engagement.pk}/find-time/"


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_editor_sees_candidate_slots_with_local_times(client: Client, editor: User) -> None:
    call = g20_call()
    client.force_login(editor)
    response = client.get(url(call))
    assert response.status_code == 200
    options = response.context["options"]
    assert len(options) == 5
    assert all(option.slot.acceptable for option in options)
    assert all(option.slot.start > timezone.now() for option in options)
    page = response.content.decode()
    assert page.count("Schedule at this time") == 5
    assert page.count("<caption") == 6  # five options and the timeline
    assert 'scope="row"' in page and 'scope="col"' in page
    for zone in ("America/New_York", "Asia/Shanghai", "Australia/Sydney"):
        assert zone in page
    # Costs are told as time outside the working day, never as points.
    assert "points" not in page
    for option in options:
        for row in option.rows:
            assert row.notes == "Within the working day" or "working day" in row.notes
    # The defaults: an hour, from tomorrow, over two weeks, all three must attend.
    form = response.context["form"]
    assert form.initial["duration"] == 60
    assert form.initial["days"] == 14
    assert form.initial["first_day"] == timezone.localdate() + dt.timedelta(days=1)
    assert form.initial["optional"] == []


def test_duration_defaults_to_the_recorded_length(client: Client, editor: User) -> None:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    call = g20_call(start=start, end=start + dt.timedelta(minutes=90))
    client.force_login(editor)
    response = client.get(url(call))
    assert response.context["form"].initial["duration"] == 90
    assert response.context["ranking"].request.duration_minutes == 90


def test_interpreter_is_offered_as_optional_and_ticked(client: Client, editor: User) -> None:
    interpreter = factories.person("Interpreter", "CN")
    call = factories.engagement(
        status="proposed",
        start=None,
        participants=[
            ParticipantInput(factories.person("Xi Jinping", "CN")),
            ParticipantInput(factories.person("Emmanuel Macron", "FR")),
            ParticipantInput(interpreter, role="interpreter"),
        ],
    )
    client.force_login(editor)
    response = client.get(url(call))
    assert response.context["form"].initial["optional"] == [interpreter.pk]
    assert [row.optional for row in response.context["options"][0].rows] == [False, False, True]
    page = response.content.decode()
    assert f'value="{interpreter.pk}"' in page
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    # Unticking every box makes the interpreter required again.
    response = client.get(
        url(call), {"duration": "30", "first_day": tomorrow.isoformat(), "days": "7", "step": "30"}
    )
    assert response.status_code == 200
    ranking = response.context["ranking"]
    assert all(p.required for p in ranking.request.participants)
    assert ranking.request.step_minutes == 30


def test_reader_is_forbidden_and_anonymous_sent_to_sign_in(client: Client, reader: User) -> None:
    call = g20_call()
    assert client.get(url(call)).status_code == 302
    client.force_login(reader)
    assert client.get(url(call)).status_code == 403
    assert client.post(url(call), {"start": "x", "end": "y"}).status_code == 403
    assert "Find a time" not in client.get(f"/engagements/{call.pk}/").content.decode()


def test_confidential_engagement_stays_hidden(client: Client, editor: User) -> None:
    call = g20_call(confidentiality="confidential", by=factories.user(username="author"))
    client.force_login(editor)
    assert client.get(url(call)).status_code == 404


def test_detail_offers_find_a_time_on_proposed_engagements_only(
    client: Client, editor: User
) -> None:
    call = g20_call()
    held = factories.engagement(status="held")
    client.force_login(editor)
    assert f'href="{url(call)}"' in client.get(f"/engagements/{call.pk}/").content.decode()
    assert "Find a time" not in client.get(f"/engagements/{held.pk}/").content.decode()


def test_engagement_that_is_not_proposed_is_refused(client: Client, editor: User) -> None:
    start = dt.datetime(2020, 3, 26, 12, tzinfo=dt.UTC)
    held = factories.engagement(status="held", start=start, people=(factories.person("Xi"),))
    client.force_login(editor)
    response = client.get(url(held), follow=True)
    assert response.redirect_chain[-1][0] == f"/engagements/{held.pk}/"
    assert messages_of(response) == [
        "Only a proposed engagement can be given a time here; this one is held."
    ]
    response = client.post(
        url(held), {"start": "2030-01-07T12:00:00Z", "end": "2030-01-07T13:00:00Z"}, follow=True
    )
    assert "Only a proposed engagement" in messages_of(response)[0]
    held.refresh_from_db()
    assert (held.status, held.start) == ("held", start)


def test_post_schedules_the_engagement(client: Client, editor: User) -> None:
    call = g20_call()
    revisions = call.history.count()
    client.force_login(editor)
    option = client.get(url(call)).context["options"][1]
    response = client.post(url(call), {"start": option.start_utc, "end": option.end_utc})
    assert response.status_code == 302
    assert response["Location"] == f"/engagements/{call.pk}/"
    call.refresh_from_db()
    assert call.status == "scheduled"
    assert (call.start, call.end) == (option.slot.start, option.slot.end)
    assert call.time_known
    assert call.updated_by == editor
    assert call.history.count() == revisions + 1
    latest = call.history.latest()
    assert (latest.history_user, latest.status) == (editor, "scheduled")
    # The write went through the service, which keeps the participants.
    assert call.participations.count() == 3
    detail = client.get(response["Location"])
    assert any(m.startswith("Scheduled for ") for m in messages_of(detail))
    assert "Find a time" not in detail.content.decode()


@pytest.mark.parametrize(
    "posted",
    [
        {},
        {"start": "tomorrow", "end": "later"},
        {"start": "2030-01-07T12:00:00", "end": "2030-01-07T13:00:00"},  # no zone
        {"start": "2030-01-07T13:00:00Z", "end": "2030-01-07T12:00:00Z"},  # ends first
        {"start": "2030-01-07T12:00:00Z", "end": "2030-01-09T12:00:00Z"},  # two days
        {"start": "2030-01-07T12:00:30Z", "end": "2030-01-07T13:00:00Z"},  # odd second
        {"start": "2020-01-07T12:00:00Z", "end": "2020-01-07T13:00:00Z"},  # past
    ],
)
def test_malformed_slot_is_refused_and_nothing_changes(
    client: Client, editor: User, posted: dict[str, str]
) -> None:
    call = g20_call()
    revisions = call.history.count()
    client.force_login(editor)
    response = client.post(url(call), posted, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == url(call)
    assert len(messages_of(response)) == 1
    assert response.context["options"]  # back on the list of times
    call.refresh_from_db()
    assert (call.status, call.start, call.end) == ("proposed", None, None)
    assert call.history.count() == revisions


def test_fewer_than_two_placed_participants_is_explained(client: Client, editor: User) -> None:
    call = proposal(factories.person("Xi Jinping", "CN"), Person.objects.create(name="Stateless"))
    client.force_login(editor)
    response = client.get(url(call))
    assert response.status_code == 200
    page = response.content.decode()
    assert "at least two participants whose time zone is known" in page
    assert "No time zone is known for Stateless" in page
    assert "Schedule at this time" not in page


def test_nothing_acceptable_shows_the_relaxation(client: Client, editor: User) -> None:
    call = g20_call()
    client.force_login(editor)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.get(
        url(call), {"duration": "480", "first_day": tomorrow.isoformat(), "days": "3", "step": "60"}
    )
    assert response.status_code == 200
    relaxation = response.context["relaxation"]
    assert relaxation is not None
    page = response.content.decode()
    assert "No time suits every must-attend participant" in page
    assert response.context["relaxation_text"] in page
    assert "optional." in response.context["relaxation_text"]
    # The relaxed slot can be scheduled too.
    assert any(option.slot.start == relaxation.slot.start for option in response.context["options"])


def test_the_relaxation_is_worded_in_the_readers_language(client: Client, editor: User) -> None:
    # The scheduler's English sentence stays for its command line; the page words the changes.
    call = g20_call()
    client.force_login(editor)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.get(
        url(call),
        {"duration": "480", "first_day": tomorrow.isoformat(), "days": "3", "step": "60"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    words = response.context["relaxation_text"]
    assert "rendre facultative la participation de" in words
    assert "heures acceptables de" in words
    assert "make" not in words and "allow" not in words
    assert words in response.content.decode()
    assert response.context["relaxation"].text.startswith("To meet ")


def test_bad_search_settings_are_explained(client: Client, editor: User) -> None:
    call = g20_call()
    client.force_login(editor)
    response = client.get(
        url(call), {"duration": "0", "first_day": "2001-01-01", "days": "99", "step": "7"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "The search cannot start in the past." in page
    assert "Schedule at this time" not in page


def test_search_days_are_the_viewers_days(client: Client, editor: User) -> None:
    call = g20_call()
    client.force_login(editor)
    client.cookies["tz"] = "Australia/Sydney"
    response = client.get(url(call))
    sydney = zoneinfo.ZoneInfo("Australia/Sydney")
    tomorrow = dt.datetime.now(sydney).date() + dt.timedelta(days=1)
    start = response.context["ranking"].request.start
    assert start == dt.datetime.combine(tomorrow, dt.time(), sydney)
    assert "Australia/Sydney" in response.context["viewer_zone"]


def test_holiday_names_follow_the_readers_language_where_the_holidays_package_has_them() -> None:
    from django.utils import translation

    from summitry.engagements.find_time import _holiday
    from summitry.scheduling.public_holidays import public_holidays

    national_day, epiphany, independence = (
        dt.date(2020, 10, 1),
        dt.date(2020, 1, 7),
        dt.date(2020, 7, 4),
    )
    english = {
        code: public_holidays(code, [2020])[day]
        for code, day in (("CN", national_day), ("EG", epiphany), ("US", independence))
    }
    with translation.override("zh-hans"):
        assert "国庆节" in _holiday("CN", national_day, english["CN"])
        # The package writes the United States' holidays in English (and Thai) only.
        assert _holiday("US", independence, english["US"]) == english["US"]
        # A participant's own holidays keep the name they were given.
        assert _holiday("CN", national_day, "Family day") == "Family day"
    with translation.override("ar"):
        assert _holiday("EG", epiphany, english["EG"]) == "عيد الميلاد المجيد"
    with translation.override("en"):
        assert _holiday("CN", national_day, english["CN"]) == english["CN"]
