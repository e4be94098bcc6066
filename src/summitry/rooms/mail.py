"""Invitations that arrive: each invitee's personal link by e-mail, with an iCalendar invitation.

The invitation is an iTIP request (RFC 5546): ``METHOD:REQUEST`` with the invitee as
``ATTENDEE``; when the engagement moves, everyone mailed gets the same event again with the next
``SEQUENCE``, and ``METHOD:CANCEL`` when it is cancelled. The event's ``UID`` is the register's
own (``engagement-<id>@<host>``, as in its calendar export), so calendars update one entry.

Mail goes through Django's mail (the backend and SMTP settings come from the environment,
``docs/rooms.md``). The link itself is known only when it is shown (its token is stored hashed):
it goes in the first message; updates say that the link already sent still works.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.mime.text import MIMEText
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from summitry.directory.languages import best_match
from summitry.engagements import exporter
from summitry.engagements.models import Engagement, Status
from summitry.engagements.texts import text_for
from summitry.rooms.actions.access import fresh
from summitry.rooms.journal import record
from summitry.rooms.models import Invitation, Room, RoomEvent
from summitry.rooms.rules import RoomRefusal, hash_token

logger = logging.getLogger(__name__)

REQUEST = "REQUEST"
CANCEL = "CANCEL"
#: How an invitee takes part, in iCalendar's words (RFC 5545, ROLE).
ICAL_ROLES: dict[str, str] = {
    Invitation.Role.CHAIR: "CHAIR",
    Invitation.Role.PARTICIPANT: "REQ-PARTICIPANT",
    Invitation.Role.INTERPRETER: "REQ-PARTICIPANT",
    Invitation.Role.OBSERVER: "NON-PARTICIPANT",
}


def _times(engagement: Engagement) -> tuple[dt.datetime | None, dt.datetime | None]:
    if engagement.start is None:
        return None, None
    return engagement.start, engagement.end or engagement.start + dt.timedelta(hours=1)


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0] or "summitry"


def invitee_language(invitation: Invitation, engagement: Engagement) -> str:
    """The language an invitee is written to in: the person's own (the directory's, else that
    of an account with the invitee's address), else the engagement's original language, else
    the site's; always one the site is translated into."""
    site = [code for code, _ in settings.LANGUAGES]
    account = (
        get_user_model()
        .objects.filter(email__iexact=invitation.email, is_active=True)
        .exclude(language="")
        .values_list("language", flat=True)
        .first()
        if invitation.email
        else None
    )
    for wanted in (invitation.person.language, account, engagement.original_language):
        if wanted and (match := best_match(site, wanted)):
            return match
    return str(settings.LANGUAGE_CODE)


def _no_start() -> RoomRefusal:
    return RoomRefusal(
        gettext("The engagement has no start yet: set its date before sending invitations.")
    )


def calendar(room: Room, invitation: Invitation, method: str, link: str = "") -> bytes:
    """The iTIP message for one invitee: the register's event, with organizer and attendee, its
    words in the active language (the invitee's, :func:`invitee_language`)."""
    engagement = room.engagement
    event = exporter.event(engagement, _host())
    if event is None:
        raise _no_start()
    # What the register's export says for readers of the record stays out of an invitation.
    for name in ("summary", "description", "url", "dtstamp", "status", "class"):
        event.pop(name, None)
    event.add("summary", text_for(engagement).title)
    event.add("dtstamp", timezone.now())
    event.add("sequence", room.calendar_sequence)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("class", "CONFIDENTIAL")
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(name or "Summitry")
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{invitation.email}")
    attendee.params["cn"] = icalendar.vText(invitation.person.name)
    attendee.params["role"] = icalendar.vText(ICAL_ROLES.get(invitation.role, "REQ-PARTICIPANT"))
    attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee)
    if link:
        event.add("url", link)
        event.add("location", link)
        event.add(
            "description", gettext("Your personal link to the live room: %(link)s") % {"link": link}
        )
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Summitry//Live rooms//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add_component(event)
    return bytes(cal.to_ical())


def _message(
    room: Room, invitation: Invitation, method: str, subject: str, body: str, link: str = ""
) -> EmailMessage:
    message = EmailMessage(subject=subject, body=body, to=[invitation.email])
    part = MIMEText(calendar(room, invitation, method, link).decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invitation.ics")
    message.attach(part)
    return message


def _when(engagement: Engagement) -> str:
    start, _ = _times(engagement)
    return f"{start.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC" if start else ""


def _deliver(messages: list[EmailMessage]) -> None:
    try:
        for message in messages:
            message.send()
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("mail: %s", exc)
        raise RoomRefusal(
            gettext("email: the mail server could not be reached or refused the message.")
        ) from exc


def send_invitation(invitation: Invitation, token: str, email: str, link: str) -> Invitation:
    """Mail one invitee their personal link (``token``, the one in ``link``) and the event."""
    try:
        validate_email(email)
    except ValidationError:
        raise RoomRefusal(gettext("email: enter a valid e-mail address.")) from None
    with transaction.atomic():
        inv = fresh(invitation)
        if inv.token_hash != hash_token(token) or inv.revoked_at is not None:
            raise RoomRefusal(gettext("link: this is not the current link of this person."))
        room = Room.objects.select_for_update().select_related("engagement").get(pk=inv.room_id)
        if room.status != Room.Status.OPEN:
            raise RoomRefusal(gettext("The meeting has ended: links can no longer be sent."))
        inv.email = email
        inv.save(update_fields=["email"])
        if room.engagement.start is None:
            raise _no_start()  # in the editor's language, before the invitee's is taken
        if room.calendar_start is None:
            room.calendar_start, room.calendar_end = _times(room.engagement)
            room.save(update_fields=["calendar_start", "calendar_end"])
        with translation.override(invitee_language(inv, room.engagement)):
            title = text_for(room.engagement).title
            message = _message(
                room,
                inv,
                REQUEST,
                gettext("Invitation: %(title)s") % {"title": title},
                gettext(
                    "You are invited to %(title)s, on %(when)s.\n\n"
                    "Your personal link to the live room:\n%(link)s\n\n"
                    "It admits only you: please do not pass it on. "
                    "The calendar invitation is attached."
                )
                % {"title": title, "when": _when(room.engagement), "link": link},
                link,
            )
        record(room, RoomEvent.Kind.INVITATION_SENT, subject=inv, to=email)
        _deliver([message])  # a failure undoes the record of having sent it
    return inv


def engagement_changed(engagement: Engagement) -> int:
    """After the engagement is saved: mail an update (moved) or a cancellation to everyone
    invited by mail. Returns how many messages went out."""
    with transaction.atomic():
        room = (
            Room.objects.select_for_update()
            .select_related("engagement")
            .filter(engagement_id=engagement.pk)
            .first()
        )
        if room is None:
            return 0
        mailed = list(room.invitations.exclude(email="").filter(revoked_at__isnull=True))
        if not mailed:
            return 0
        current = room.engagement
        if current.status not in (Status.SCHEDULED, Status.PROPOSED, Status.CANCELLED):
            return 0  # held (or postponed): nothing to put in calendars
        planned = ""
        if current.status == Status.CANCELLED:
            if room.calendar_start is None:
                return 0  # the cancellation went out already
            method = CANCEL
            planned = f"{room.calendar_start.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
            room.calendar_start = room.calendar_end = None
        else:
            times = _times(current)
            if times[0] is None or times == (room.calendar_start, room.calendar_end):
                return 0
            method = REQUEST
            room.calendar_start, room.calendar_end = times
        room.calendar_sequence += 1
        room.save(update_fields=["calendar_sequence", "calendar_start", "calendar_end"])
        messages = []
        for inv in mailed:
            inv.room = room
            with translation.override(invitee_language(inv, current)):
                title = text_for(current).title
                if method == CANCEL:
                    subject = gettext("Cancelled: %(title)s") % {"title": title}
                    body = gettext("%(title)s, planned for %(when)s, is cancelled.") % {
                        "title": title,
                        "when": planned,
                    }
                else:
                    subject = gettext("Updated: %(title)s") % {"title": title}
                    body = gettext(
                        "%(title)s now takes place on %(when)s. "
                        "The personal link you were sent still opens the live room."
                    ) % {"title": title, "when": _when(current)}
                messages.append(_message(room, inv, method, subject, body))
        for inv in mailed:
            record(room, RoomEvent.Kind.INVITATION_SENT, subject=inv, to=inv.email,
                            method=method, sequence=room.calendar_sequence)  # fmt: skip
    try:
        _deliver(messages)
    except RoomRefusal:
        logger.exception("mail: the update of room %s was not delivered", room.pk)
    return len(messages)


def on_engagement_saved(sender: object, instance: Engagement, **kwargs: object) -> None:
    """``post_save`` of the register's engagements: once committed, tell those mailed."""
    if kwargs.get("raw"):
        return
    pk = instance.pk
    transaction.on_commit(lambda: engagement_changed(Engagement.objects.get(pk=pk)))
