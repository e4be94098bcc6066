"""Calendar feeds: a window of dates, validators answered with 304, feeds per person and topic."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from summitry.engagements.models import Engagement, Topic
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def days_from_today(days: int) -> dt.datetime:
    today = timezone.localdate()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(12), dt.UTC)


def summaries(content: bytes) -> set[str]:
    text = content.decode().replace("\r\n ", "")
    return {line[len("SUMMARY:") :] for line in text.splitlines() if line.startswith("SUMMARY:")}


def test_feed_covers_the_past_ninety_days_and_everything_ahead(client: Client) -> None:
    factories.engagement(title="Long ago", start=days_from_today(-91))
    factories.engagement(title="Last month", start=days_from_today(-30))
    factories.engagement(title="Next year", start=days_from_today(400), status="scheduled")
    assert summaries(client.get("/calendar.ics").content) == {"Last month", "Next year"}


def test_feed_window_follows_the_setting(client: Client, settings: Settings) -> None:
    factories.engagement(title="Last month", start=days_from_today(-30))
    settings.FEED_PAST_DAYS = 7
    assert summaries(client.get("/calendar.ics").content) == set()


def test_feed_window_moves_within_bounds(client: Client) -> None:
    factories.engagement(title="In 2020", start=dt.datetime(2020, 3, 26, 12, tzinfo=dt.UTC))
    factories.engagement(title="In 2021", start=dt.datetime(2021, 3, 26, 12, tzinfo=dt.UTC))
    year = client.get("/calendar.ics", {"from": "2020-01-01", "to": "2020-12-31"})
    assert summaries(year.content) == {"In 2020"}
    too_long = client.get("/calendar.ics", {"from": "2000-01-01", "to": "2020-12-31"})
    assert too_long.status_code == 400 and "from" in too_long.content.decode()
    backwards = client.get("/calendar.ics", {"from": "2020-02-01", "to": "2020-01-01"})
    assert backwards.status_code == 400 and "to" in backwards.content.decode()
    garbled = client.get("/calendar.ics", {"to": "31/12/2020"})
    assert garbled.status_code == 400 and "to" in garbled.content.decode()


def test_feed_answers_validators_with_not_modified(client: Client) -> None:
    kept = factories.engagement(title="Kept", start=days_from_today(-3))
    gone = factories.engagement(title="Gone", start=days_from_today(-2))
    first = client.get("/calendar.ics")
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/calendar.ics", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/calendar.ics", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # Another window is another feed.
    assert client.get("/calendar.ics?to=2099-01-01", HTTP_IF_NONE_MATCH=etag).status_code == 200
    # A record leaving the feed changes no updated_at left in it; both validators still move.
    gone.delete()
    assert client.get("/calendar.ics", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get("/calendar.ics", HTTP_IF_MODIFIED_SINCE=modified).status_code == 200
    second = client.get("/calendar.ics")
    assert summaries(second.content) == {"Kept"}
    Engagement.objects.filter(pk=kept.pk).update(
        title="Kept, renamed", updated_at=timezone.now() + dt.timedelta(seconds=5)
    )
    assert client.get("/calendar.ics", HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 200


def test_person_and_topic_feeds_hold_only_their_public_records(client: Client) -> None:
    guest = factories.person("Guest Leader", "FR")
    other = factories.person("Other Leader", "DE")
    secret = factories.person("Secret Envoy", "GB")
    factories.engagement(
        title="With guest", people=(guest,), start=days_from_today(-1), topics=["climate"]
    )
    factories.engagement(title="With other", people=(other,), start=days_from_today(-1))
    factories.engagement(
        title="Guest, confidential",
        people=(guest, secret),
        start=days_from_today(-1),
        confidentiality="confidential",
        topics=["climate", "hidden topic"],
    )
    person = client.get(f"/calendar/people/{guest.pk}.ics")
    assert summaries(person.content) == {"With guest"}
    assert "Guest Leader" in person.content.decode()
    climate = Topic.objects.get(name="climate")
    assert summaries(client.get(f"/calendar/topics/{climate.pk}.ics").content) == {"With guest"}
    # Named or tagged only on hidden records: no feed, so none tells what the register holds.
    assert client.get(f"/calendar/people/{secret.pk}.ics").status_code == 404
    hidden = Topic.objects.get(name="hidden topic")
    assert client.get(f"/calendar/topics/{hidden.pk}.ics").status_code == 404
    assert client.get("/calendar/people/999999.ics").status_code == 404
