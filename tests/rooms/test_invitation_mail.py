"""Invitations that arrive: the personal link by e-mail with an iTIP invitation (RFC 5546),
updated when the engagement moves and cancelled with it; "Add to calendar" on each engagement."""

from __future__ import annotations

import asyncio
import datetime as dt
from email.mime.base import MIMEBase

import icalendar
import pytest
from django.core import mail as outbox
from django.test import Client

from summitry.accounts.models import User
from summitry.directory.models import Person
from summitry.engagements.models import Engagement, EngagementText
from summitry.engagements.services import change_status, input_from, update_engagement
from summitry.rooms.models import Invitation, Room, RoomEvent
from tests import factories
from tests.rooms import sockets
from tests.rooms.rooms_factories import open_room

pytestmark = [
    pytest.mark.integration,
    pytest.mark.janus,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rooms_on_janus"),
]


def invitation_of(message: outbox.EmailMessage) -> tuple[MIMEBase, icalendar.Calendar]:
    """The calendar part of the mail, and its calendar parsed by ``icalendar``."""
    (part,) = [a for a in message.attachments if isinstance(a, MIMEBase)]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return part, icalendar.Calendar.from_ical(payload)


def send(client: Client, room: Room, invitation: Invitation, token: str, email: str) -> str:
    link = f"http://testserver/rooms/join/{token}/"
    response = client.post(
        f"/rooms/{room.pk}/send/", {"invitation": invitation.pk, "link": link, "email": email}
    )
    return f"{response.status_code} {response.content.decode()}"


def test_invitation_mail_carries_an_itip_request_with_attendee_and_times(
    client: Client, editor: User
) -> None:
    room, invs = open_room()
    invitation, token = invs["a"]
    client.force_login(editor)
    answer = send(client, room, invitation, token, "delegate@example.org")
    assert answer.startswith("200 ") and "delegate@example.org" in answer
    (message,) = outbox.outbox
    assert message.to == ["delegate@example.org"]
    assert f"/rooms/join/{token}/" in message.body
    part, cal = invitation_of(message)
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    engagement = Engagement.objects.get(pk=room.engagement_id)
    assert event["UID"] == f"engagement-{engagement.pk}@127.0.0.1"
    assert str(event["ATTENDEE"]) == "mailto:delegate@example.org"
    assert event["ATTENDEE"].params["CN"] == invitation.person.name
    assert engagement.start is not None
    start = engagement.start.replace(microsecond=0)  # iCalendar counts in whole seconds
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + dt.timedelta(hours=1)
    assert event["SEQUENCE"] == 0 and str(event["URL"]).endswith(f"/rooms/join/{token}/")
    assert room.events.filter(kind=RoomEvent.Kind.INVITATION_SENT, subject=invitation).exists()


def test_moving_then_cancelling_the_engagement_mails_an_update_then_a_cancel(
    client: Client, editor: User
) -> None:
    room, invs = open_room()
    client.force_login(editor)
    send(client, room, *invs["a"], "a@example.org")
    send(client, room, *invs["b"], "b@example.org")
    outbox.outbox.clear()
    engagement = Engagement.objects.get(pk=room.engagement_id)
    moved = input_from(engagement)
    assert moved.start is not None
    moved.start = moved.start + dt.timedelta(days=1)
    update_engagement(engagement, moved, editor)
    assert sorted(m.to[0] for m in outbox.outbox) == ["a@example.org", "b@example.org"]
    _, cal = invitation_of(outbox.outbox[0])
    (event,) = cal.walk("VEVENT")
    assert cal["METHOD"] == "REQUEST" and event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == moved.start.replace(microsecond=0)
    outbox.outbox.clear()
    update_engagement(Engagement.objects.get(pk=engagement.pk), moved, editor)  # no move
    assert outbox.outbox == []
    change_status(Engagement.objects.get(pk=engagement.pk), "cancelled", editor)
    assert len(outbox.outbox) == 2
    _, cal = invitation_of(outbox.outbox[0])
    (event,) = cal.walk("VEVENT")
    assert cal["METHOD"] == "CANCEL" and event["SEQUENCE"] == 2
    assert event["STATUS"] == "CANCELLED"


def test_sending_refuses_a_bad_address_or_link_naming_the_field(
    client: Client, editor: User, reader: User
) -> None:
    room, invs = open_room()
    invitation, token = invs["a"]
    client.force_login(editor)
    assert send(client, room, invitation, token, "not-an-address").startswith("400 ")
    assert "email: " in send(client, room, invitation, token, "not-an-address")
    answer = send(client, room, invitation, invs["b"][1], "a@example.org")
    assert answer.startswith("400 ") and "link: " in answer
    answer = send(client, room, invs["b"][0], "x" * 43, "a@example.org")
    assert answer.startswith("400 ") and "link: " in answer
    assert outbox.outbox == []
    client.force_login(reader)
    assert send(client, room, invitation, token, "a@example.org").startswith("403 ")


def test_add_to_calendar_gives_the_engagement_to_its_readers_only(
    client: Client, editor: User, reader: User
) -> None:
    room, _ = open_room()
    engagement = Engagement.objects.get(pk=room.engagement_id)
    client.force_login(editor)
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert f"/engagements/{engagement.pk}/calendar.ics" in page
    response = client.get(f"/engagements/{engagement.pk}/calendar.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert engagement.start is not None
    assert event.decoded("DTSTART") == engagement.start.replace(microsecond=0)
    Engagement.objects.filter(pk=engagement.pk).update(confidentiality="confidential")
    client.force_login(reader)
    assert client.get(f"/engagements/{engagement.pk}/calendar.ics").status_code == 404


def test_an_editor_enters_as_chair_in_one_click_and_the_chairs_link_keeps_working(
    client: Client, editor: User, reader: User
) -> None:
    room, invs = open_room()
    client.force_login(editor)
    page = client.get(f"/engagements/{room.engagement_id}/").content.decode()
    assert f"/rooms/{room.pk}/enter/" in page
    response = client.post(f"/rooms/{room.pk}/enter/")
    assert response.status_code == 302 and response["Location"].startswith("/rooms/join/chair.")
    joined = client.get(response["Location"])
    assert joined.status_code == 200 and joined.context["invitation"] == invs["chair"][0]
    entry = response["Location"].removeprefix("/rooms/join/").rstrip("/")

    async def socket() -> None:
        ws, state = await sockets.joined(entry)
        assert state["you"]["is_chair"] and state["you"]["state"] == "admitted"
        await sockets.leave(ws)

    asyncio.run(socket())
    assert client.get(f"/rooms/join/{invs['chair'][1]}/").status_code == 200
    forged = response["Location"].replace("/rooms/join/chair.", "/rooms/join/chair.x")
    assert client.get(forged).status_code == 403
    client.force_login(reader)
    assert client.post(f"/rooms/{room.pk}/enter/").status_code == 403


def test_invitation_mails_are_each_in_the_invitees_language_not_the_editors(
    client: Client, editor: User
) -> None:
    room, invs = open_room()
    (a, a_token), (b, b_token) = invs["a"], invs["b"]
    # A is written to in the directory's language of the person; B in that of their account.
    Person.objects.filter(pk=a.person_id).update(language="fr")
    account = factories.user(User.Role.READER, username="delegate-b")
    User.objects.filter(pk=account.pk).update(email="B@example.org", language="ar")
    engagement = Engagement.objects.get(pk=room.engagement_id)
    EngagementText.objects.create(engagement=engagement, language="fr", title="Sommet en ligne")
    client.force_login(editor)
    client.cookies["django_language"] = "es"  # the editor reads Spanish
    assert send(client, room, a, a_token, "a@example.org").startswith("200 ")
    assert send(client, room, b, b_token, "b@example.org").startswith("200 ")
    mails = {m.to[0]: m for m in outbox.outbox}
    assert mails["a@example.org"].subject == "Invitation : Sommet en ligne"
    assert "Vous êtes invité(e) à Sommet en ligne" in mails["a@example.org"].body
    assert mails["b@example.org"].subject == f"دعوة: {engagement.title}"
    assert "أنتم مدعوون إلى" in mails["b@example.org"].body
    assert engagement.start is not None
    start = engagement.start.replace(microsecond=0)
    for address, summary, description in (
        ("a@example.org", "Sommet en ligne", "Votre lien personnel vers la salle en direct"),
        ("b@example.org", engagement.title, "رابطك الشخصي إلى القاعة المباشرة"),
    ):
        _, cal = invitation_of(mails[address])
        (event,) = cal.walk("VEVENT")
        assert cal["METHOD"] == "REQUEST" and str(event["ATTENDEE"]) == f"mailto:{address}"
        assert event.decoded("DTSTART") == start
        assert event.decoded("DTEND") == start + dt.timedelta(hours=1)
        assert str(event["SUMMARY"]) == summary
        assert str(event["DESCRIPTION"]).startswith(description)

    outbox.outbox.clear()
    moved = input_from(engagement)
    assert moved.start is not None
    moved.start = moved.start + dt.timedelta(days=1)
    update_engagement(engagement, moved, editor)
    subjects = sorted(m.subject for m in outbox.outbox)
    assert subjects == sorted(["Mis à jour : Sommet en ligne", f"تحديث: {engagement.title}"])


def test_invitation_mail_without_a_known_language_is_in_the_engagements(
    client: Client, editor: User
) -> None:
    room, invs = open_room()
    Engagement.objects.filter(pk=room.engagement_id).update(original_language="ru")
    client.force_login(editor)
    assert send(client, room, *invs["a"], "a@example.org").startswith("200 ")
    (message,) = outbox.outbox
    assert message.subject.startswith("Приглашение")
