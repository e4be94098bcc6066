"""Each counting rule of the yearly review, on hand-built data with known answers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from summitry.cli import main
from summitry.directory.models import Person
from summitry.engagements.demo import load_demo
from summitry.engagements.models import Engagement
from summitry.engagements.services import ParticipantInput
from summitry.review.queries import yearly_review
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def at(month: int, day: int = 10, hour: int = 12, year: int = 2020) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def principal() -> Person:
    return factories.person("Principal", "CN", "President", dt.date(2013, 3, 14))


def with_principal(principal: Person, *others: Person) -> list[ParticipantInput]:
    return [ParticipantInput(principal, role="principal")] + [
        ParticipantInput(o, role="head_of_delegation") for o in others
    ]


def test_review_counts_a_summit_once_however_many_join(principal: Person) -> None:
    leaders = [factories.person(f"Leader {code}", code) for code in ("US", "FR", "DE", "JP")]
    factories.engagement(
        kind="virtual_summit",
        start=at(3, 26),
        countries=("CN", "US", "FR", "DE", "JP"),
        participants=with_principal(principal, *leaders),
    )
    review = yearly_review(2020)
    assert review.by_kind["virtual_summit"] == 1
    assert review.total == 1
    assert review.counterpart_leaders == 4
    assert review.counterpart_countries == 4  # the home country is not a counterpart


def test_review_counts_only_held_engagements(principal: Person) -> None:
    factories.engagement(kind="telephone_call", start=at(1), participants=with_principal(principal))
    factories.engagement(kind="telephone_call", start=at(2), status="scheduled")
    cancelled = factories.engagement(kind="telephone_call", start=at(3), status="scheduled")
    from summitry.engagements.services import change_status

    change_status(cancelled, "cancelled", by=None)
    factories.engagement(kind="telephone_call", start=None, status="proposed")
    review = yearly_review(2020)
    assert review.by_kind["telephone_call"] == 1
    assert review.per_month == [1] + [0] * 11


def test_review_year_and_month_follow_the_review_zone(
    principal: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 31 Dec 2020 20:00 UTC is already 1 Jan 2021 in Beijing.
    factories.engagement(
        start=dt.datetime(2020, 12, 31, 20, tzinfo=dt.UTC), participants=with_principal(principal)
    )
    assert yearly_review(2020).per_month[11] == 1
    monkeypatch.setenv("SUMMITRY_REVIEW_TIME_ZONE", "Asia/Shanghai")
    assert yearly_review(2020).total == 0
    assert yearly_review(2021).per_month[0] == 1


def test_review_online_share_excludes_in_person(principal: Person) -> None:
    for kind in ("telephone_call", "video_meeting", "video_address"):
        factories.engagement(kind=kind, start=at(5), participants=with_principal(principal))
    factories.engagement(kind="in_person", start=at(6), participants=with_principal(principal))
    review = yearly_review(2020)
    assert (review.online, review.total, review.online_share) == (3, 4, 75.0)


def test_review_region_counts_an_engagement_once_per_region(principal: Person) -> None:
    factories.engagement(
        start=at(4), countries=("FR", "DE", "KE"), participants=with_principal(principal)
    )
    factories.engagement(start=at(5), countries=("FR",), participants=with_principal(principal))
    review = yearly_review(2020)
    assert review.per_region == {"Europe": 2, "Africa": 1}
    assert review.by_country == {"250": 2, "276": 1, "404": 1}
    assert [(c.code, c.count) for c in review.top_countries][:1] == [("FR", 2)]


def test_review_sentence_counts_the_principals_calls_and_video_events(principal: Person) -> None:
    minister = factories.person("Minister", "CN")
    for month in (1, 2, 3):
        factories.engagement(
            kind="telephone_call", start=at(month), participants=with_principal(principal)
        )
    factories.engagement(kind="virtual_summit", start=at(4), participants=with_principal(principal))
    factories.engagement(kind="video_address", start=at(5), participants=with_principal(principal))
    # The foreign minister's own call is in the register but not in the principal's sentence.
    factories.engagement(
        kind="telephone_call",
        start=at(6),
        participants=[ParticipantInput(minister, role="principal")],
    )
    review = yearly_review(2020)
    assert review.by_kind["telephone_call"] == 4
    assert review.sentence.startswith(
        "In 2020, Principal had 3 telephone calls with leaders of foreign countries and "
        "international organizations, and attended 2 diplomatic events via video link."
    )


def test_review_of_the_demo_matches_the_hand_count(capsys: pytest.CaptureFixture[str]) -> None:
    load_demo()
    capsys.readouterr()
    assert main(["review", "2020", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # Counted by hand from engagements.json (see the seeds each record cites).
    assert data["by_kind"] == {
        "telephone_call": 16,
        "video_meeting": 0,
        "virtual_summit": 6,
        "video_conference": 4,
        "video_address": 4,
        "written_message": 0,
        "in_person": 6,
    }
    assert data["total"] == 36
    assert data["per_month"]["Mar"] == 12
    review_2021 = yearly_review(2021)
    assert review_2021.by_kind == {
        "telephone_call": 0,
        "video_meeting": 2,
        "virtual_summit": 3,
        "video_conference": 0,
        "video_address": 7,
        "written_message": 4,
        "in_person": 0,
    }
    g20 = Engagement.objects.get(ref="2020-03-26-g20-extraordinary-leaders-summit")
    assert g20.start == dt.datetime(2020, 3, 26, 12, tzinfo=dt.UTC)
    assert g20.sources.filter(citation__startswith="shared/seeds/").exists()
