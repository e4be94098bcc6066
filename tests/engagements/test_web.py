from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from summitry.accounts.models import User
from summitry.engagements.models import Engagement
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Video meeting with France",
        "kind": "video_meeting",
        "status": "held",
        "date": "2021-04-16",
        "start_time": "15:00",
        "end_time": "16:30",
        "time_zone": "Europe/Paris",
        "topics": "climate, trade",
        "readout": "Discussed climate.",
        "sources": "Ministry readout | https://example.org/readout",
        "confidentiality": "public",
        "participants-TOTAL_FORMS": "3",
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "200",
    }
    data.update(overrides)
    return data


def test_editor_creates_engagement_with_zone_aware_times(client: Client, editor: User) -> None:
    macron = factories.person("Emmanuel Macron", "FR")
    client.force_login(editor)
    response = client.post(
        "/engagements/new/",
        form_data(
            **{"participants-0-person": str(macron.pk), "participants-0-role": "head_of_delegation"}
        ),
    )
    assert response.status_code == 302
    meeting = Engagement.objects.get()
    assert meeting.start == dt.datetime(2021, 4, 16, 13, tzinfo=dt.UTC)  # 15:00 in Paris (CEST)
    assert meeting.end == dt.datetime(2021, 4, 16, 14, 30, tzinfo=dt.UTC)
    assert [t.name for t in meeting.topics.all()] == ["climate", "trade"]
    assert meeting.created_by == editor
    detail = client.get(response["Location"]).content.decode()
    assert "Emmanuel Macron" in detail
    # Each participant's local time, whatever the viewer's zone.
    assert "Fri 16 Apr, 15:00–16:30" in detail and "Europe/Paris" in detail


def test_detail_shows_each_participant_in_their_own_zone(client: Client) -> None:
    trump = factories.person("Donald Trump", "US")
    xi = factories.person("Xi Jinping", "CN")
    call = factories.engagement(
        start=dt.datetime(2020, 3, 27, 2, tzinfo=dt.UTC),
        end=dt.datetime(2020, 3, 27, 2, 30, tzinfo=dt.UTC),
        people=(trump, xi),
    )
    client.cookies["tz"] = "Australia/Sydney"
    page = client.get(f"/engagements/{call.pk}/").content.decode()
    assert 'Thu 26 Mar, 22:00–22:30 <span class="muted">America/New_York' in page
    assert 'Fri 27 Mar, 10:00–10:30 <span class="muted">Asia/Shanghai' in page
    assert (
        "Friday, 27 March 2020, 13:00" in page
    )  # CLDR en-GB; the viewer's own zone (Sydney, UTC+11)


def test_bad_input_is_explained_and_nothing_saved(client: Client, editor: User) -> None:
    client.force_login(editor)
    response = client.post("/engagements/new/", form_data(date="", start_time="", end_time=""))
    assert response.status_code == 200
    content = response.content.decode()
    assert "The engagement was not saved" in content
    assert "A held engagement needs a start date." in content
    response = client.post("/engagements/new/", form_data(end_time="14:00"))
    assert "The end is before the start." in response.content.decode()
    assert Engagement.objects.count() == 0


def test_list_filters_by_kind_year_and_counterpart(client: Client) -> None:
    factories.engagement(title="Call with Kenya", kind="telephone_call", countries=("KE",))
    factories.engagement(
        title="Summit in 2021", kind="virtual_summit", start=dt.datetime(2021, 5, 1, tzinfo=dt.UTC)
    )
    page = client.get("/engagements/", {"kind": "telephone_call"}).content.decode()
    assert "Call with Kenya" in page and "Summit in 2021" not in page
    page = client.get("/engagements/", {"year": "2021"}).content.decode()
    assert "Summit in 2021" in page and "Call with Kenya" not in page
    page = client.get("/engagements/", {"counterpart": "KE"}).content.decode()
    assert "Call with Kenya" in page and "Summit in 2021" not in page
    page = client.get("/engagements/", {"region": "Africa"}).content.decode()
    assert "Call with Kenya" in page and "Summit in 2021" not in page


def test_calendar_shows_the_month(client: Client) -> None:
    factories.engagement(
        title="Extraordinary summit", start=dt.datetime(2020, 3, 26, 12, tzinfo=dt.UTC)
    )
    page = client.get("/engagements/calendar/", {"year": "2020", "month": "3"}).content.decode()
    assert "March 2020" in page and "Extraordinary summit" in page
    page = client.get("/engagements/calendar/", {"year": "2020", "month": "4"}).content.decode()
    assert "Extraordinary summit" not in page


def test_history_page_shows_who_changed_what(client: Client, editor: User) -> None:
    client.force_login(editor)
    client.post("/engagements/new/", form_data())
    meeting = Engagement.objects.get()
    client.post(f"/engagements/{meeting.pk}/edit/", form_data(readout="Agreed a joint statement."))
    page = client.get(f"/engagements/{meeting.pk}/history/").content.decode()
    assert "Agreed a joint statement." in page and "Discussed climate." in page
    assert page.count("by editor") == 2


def test_api_create_and_refusal(client: Client, editor: User) -> None:
    client.force_login(editor)
    bad = client.post(
        "/api/engagements",
        {"title": "Call", "kind": "telephone_call", "status": "held", "countries": ["Frnace"]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    problems = bad.json()["problems"]
    assert {"field": "start", "message": "A held engagement needs a start date."} in problems
    assert any("did you mean 'France'" in p["message"] for p in problems)
    good = client.post(
        "/api/engagements",
        {
            "title": "Call",
            "kind": "telephone_call",
            "status": "held",
            "start": "2020-03-23T12:00:00Z",
            "countries": ["FR"],
        },
        content_type="application/json",
    )
    assert good.status_code == 201, good.content
    created = good.json()
    assert created["countries"] == ["FR"] and created["start"] == "2020-03-23T12:00:00+00:00"
    changed = client.put(
        f"/api/engagements/{created['id']}",
        {
            **{k: created[k] for k in ("title", "kind", "status", "start")},
            "readout": "Discussed vaccines.",
        },
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["readout"] == "Discussed vaccines."
    assert Engagement.objects.get().history.count() == 2


def test_openapi_document_lists_the_endpoints(client: Client) -> None:
    document = client.get("/api/openapi.json").json()
    assert {"/api/engagements", "/api/engagements/{engagement_id}", "/api/review/{year}"} <= set(
        document["paths"]
    )


def test_review_page_and_pdf(client: Client) -> None:
    factories.engagement(kind="telephone_call", countries=("FR",))
    page = client.get("/review/2020/").content.decode()
    assert 'data-kind="telephone_call"' in page
    assert "<svg" in page and 'data-code="250"' in page
    pdf = client.get("/review/2020.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_security_headers(client: Client) -> None:
    response = client.get("/engagements/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
