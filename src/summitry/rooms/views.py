"""Pages of live rooms: the join and press pages, opening a room, the journal."""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from summitry.engagements.models import Engagement
from summitry.engagements.queries import can_edit, visible_to
from summitry.rooms import instances, media, state
from summitry.rooms.actions import access, ending, links, lobby, sweep
from summitry.rooms.chat import kept_for as kept_chat
from summitry.rooms.forms import InviteForm, OpenRoomForm
from summitry.rooms.janus.config import EVENTS_USER
from summitry.rooms.models import Invitation, Room, RoomEvent
from summitry.rooms.rules import PlaceTaken, RoomRefusal, new_page_id, page_served_at
from summitry.web.storage import start_bundle_available


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "rooms/refused.html", {"message": message}, status=403)


# The token is in the address: neither the browser nor a proxy may keep these pages.
@never_cache
def join(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = access.resolve_token(token)
    except RoomRefusal as refusal:
        return _refused(request, refusal.message)
    room = invitation.room
    context = {
        "invitation": invitation,
        "room": room,
        "engagement": room.engagement,
        "ws_path": f"/ws/rooms/{token}/",
        "token": token,
        "page_id": new_page_id(),
        "start_bundle": start_bundle_available(),
        # An admitted participant's page starts Janus from this, not after the first message.
        "initial_state": (
            state.room_state(room, invitation)
            if invitation.state == invitation.State.ADMITTED
            else None
        ),
    }
    return render(request, "rooms/join.html", context)


# The token in the address is the credential (no cookie is involved): no CSRF token needed.
@csrf_exempt
@never_cache
@require_POST
def take_place_back(request: HttpRequest, token: str) -> HttpResponse:
    """``POST page=<id>``: Janus refused this page the person's publisher id, held by a page of
    theirs that never closed (:func:`lobby.take_place_back`). 409: a newer page holds it."""
    page = request.POST.get("page", "")
    if page_served_at(page) is None:
        return JsonResponse(
            {"page": gettext("page: this is not the id of a join page.")}, status=400
        )
    try:
        lobby.take_place_back(token, page)
    except PlaceTaken as taken:
        return JsonResponse({"error": taken.message}, status=409)
    except RoomRefusal as refusal:
        return JsonResponse({"error": refusal.message}, status=403)
    return HttpResponse(status=204)


@never_cache
def watch(request: HttpRequest, token: str) -> HttpResponse:
    try:
        room = access.resolve_press_token(token)
    except RoomRefusal as refusal:
        return _refused(request, refusal.message)
    context = {"room": room, "engagement": room.engagement, "ws_path": f"/ws/rooms/watch/{token}/"}
    return render(request, "rooms/watch.html", context)


def _editable(request: HttpRequest, engagement_pk: int) -> Engagement:
    engagement = get_object_or_404(visible_to(request.user), pk=engagement_pk)
    if not can_edit(request.user, engagement):
        raise PermissionDenied(gettext("Only editors can run live rooms."))
    return engagement


@login_required
@require_http_methods(["GET", "POST"])
def open_room(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _editable(request, engagement_pk)
    existing = Room.objects.filter(engagement=engagement).first()
    form = OpenRoomForm(engagement, request.POST or None)
    error = ""
    if request.method == "POST" and existing is None and form.is_valid():
        languages = form.languages()
        invitees = links.invitees_from_register(engagement, languages)
        chair = next(
            (i.person for i in invitees if i.person.pk == form.cleaned_data["chair"]), None
        )
        if chair is None:
            error = gettext("Choose the chair among the participants.")
        else:
            try:
                room, tokens = links.open_room(
                    engagement,
                    request.user,  # type: ignore[arg-type]
                    chair=chair,
                    invitees=invitees,
                    speaking_limit_seconds=form.cleaned_data["speaking_limit_seconds"],
                    auto_advance=form.cleaned_data["auto_advance"],
                    interpretation_languages=languages,
                    floor_control=form.cleaned_data["floor_control"],
                )
            except RoomRefusal as refusal:
                error = refusal.message
            else:
                press = links.issue_press_link(room, request.user)  # type: ignore[arg-type]
                join_links = [
                    (
                        inv,
                        request.build_absolute_uri(
                            reverse("rooms:join", args=[tokens[inv.person_id]])
                        ),
                    )
                    for inv in room.invitations.select_related("person")
                ]
                press_url = request.build_absolute_uri(reverse("rooms:watch", args=[press]))
                return render(
                    request,
                    "rooms/links.html",
                    {
                        "engagement": engagement,
                        "room": room,
                        "links": join_links,
                        "press_url": press_url,
                    },
                )
    context = {"engagement": engagement, "form": form, "existing": existing, "error": error}
    return render(request, "rooms/open.html", context)


def _seconds(value: float) -> str:
    minutes, seconds = divmod(round(value), 60)
    if minutes:
        return gettext("%(minutes)s min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}
    return gettext("%(seconds)s s") % {"seconds": seconds}


#: What a journal event's data says, labelled for the reader (stored data stays as written).
DETAIL_LABELS = {
    "by": gettext_lazy("by account %(value)s"),
    "seconds": gettext_lazy("%(value)s s spoken"),
    "expired_at": gettext_lazy("link valid until %(value)s"),
    "reason": gettext_lazy("reason: %(value)s"),
    "error": gettext_lazy("error: %(value)s"),
    "instance": gettext_lazy("media server %(value)s"),
    "to": gettext_lazy("sent to %(value)s"),
    "sequence": gettext_lazy("calendar update %(value)s"),
    "message": gettext_lazy("message %(value)s"),
}


def event_details(event: RoomEvent) -> list[str]:
    """The event's data as sentences in the reader's language."""
    details: list[str] = []
    for key, value in event.data.items():
        if value is None or value == "":
            continue
        if key == "held" and "outcome" in event.data:
            continue  # the outcome says it in words
        if key == "held":
            details.append(
                gettext("the engagement is marked held")
                if value
                else gettext("the engagement is not marked held")
            )
            continue
        if key == "outcome":
            details.append(str(ending.OUTCOME_WORDS.get(value, value)))
            continue
        if key == "allowed":
            details.append(gettext("allowed") if value else gettext("no longer allowed"))
            continue
        if key == "method":
            continue  # the calendar update's sequence says it
        if key == "seconds" and isinstance(value, int | float):
            value = number_format(value)
        elif key == "reason" and isinstance(value, str):
            value = gettext(value)  # the reasons the actions record are marked for translation
        elif key == "expired_at" and isinstance(value, str):
            value = value.replace("T", " ")[:19] + " UTC"
        label = DETAIL_LABELS.get(key)
        details.append(str(label) % {"value": value} if label else f"{key}: {value}")
    return details


def journal_rows(room: Room) -> dict[str, Any]:
    """The journal, attendance (joined-left spans) and speaking time per person."""
    events = list(room.events.select_related("actor__person", "subject__person"))
    attendance: dict[int, dict[str, Any]] = {}
    speaking: dict[int, float] = {}
    open_spans: dict[int, dt.datetime] = {}
    for event in events:
        subject = event.subject
        if subject is None:
            continue
        row = attendance.setdefault(subject.pk, {"person": subject.person, "spans": []})
        if event.kind == RoomEvent.Kind.JOINED:
            open_spans[subject.pk] = event.at
        elif event.kind == RoomEvent.Kind.LEFT and subject.pk in open_spans:
            row["spans"].append((open_spans.pop(subject.pk), event.at))
        elif event.kind == RoomEvent.Kind.FLOOR_ENDED:
            speaking[subject.pk] = speaking.get(subject.pk, 0.0) + float(
                event.data.get("seconds", 0)
            )
    for pk, since in open_spans.items():
        attendance[pk]["spans"].append((since, None))
    for event in events:
        event.details = event_details(event)  # type: ignore[attr-defined]
    return {
        "events": events,
        "attendance": [
            {**row, "spoke": _seconds(speaking.get(pk, 0.0)) if pk in speaking else ""}
            for pk, row in attendance.items()
            if row["spans"] or pk in speaking
        ],
    }


@csrf_exempt
@require_http_methods(["POST"])
def janus_events(request: HttpRequest) -> HttpResponse:
    """Janus's event handler posts here: a new publisher is moderated at once, not at the next
    sweep, so that a muted participant's page cannot be heard by publishing on its own."""
    expected = (
        "Basic "
        + base64.b64encode(f"{EVENTS_USER}:{instances.events_password()}".encode()).decode()
    )
    if not hmac.compare_digest(request.headers.get("Authorization", ""), expected):
        return HttpResponse("Unknown sender.", status=401, content_type="text/plain")
    try:
        events = json.loads(request.body)
    except ValueError:
        return HttpResponse("The body is not JSON.", status=400, content_type="text/plain")
    for room_id in media.rooms_to_enforce(events):
        sweep.enforce_floor(room_id)
    return HttpResponse(status=204)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, room_id: int) -> HttpResponse:
    """Who is invited to an open room: invite one more, revoke a link, issue a new one."""
    room = get_object_or_404(Room.objects.select_related("engagement"), pk=room_id)
    _editable(request, room.engagement_id)
    by = request.user if request.user.is_authenticated else None
    form = InviteForm(room)
    error = ""
    new_link: tuple[Invitation, str] | None = None
    action = request.POST.get("action", "")
    try:
        if action == "invite":
            form = InviteForm(room, request.POST)
            if form.is_valid():
                invitation, token = links.invite(
                    room,
                    form.cleaned_data["person"],
                    by=by,
                    role=form.cleaned_data["role"],
                    language_to=form.cleaned_data.get("language_to") or "",
                )
                new_link = (invitation, token)
                form = InviteForm(room)
        elif action in ("revoke", "reissue"):
            target = get_object_or_404(room.invitations, pk=request.POST.get("invitation"))
            if action == "revoke":
                links.revoke(target, by)
            else:
                new_link = links.reissue_link(target, by)
        elif request.method == "POST":
            error = gettext("Unknown action.")
    except RoomRefusal as refusal:
        error = refusal.message
    link = (
        (new_link[0], request.build_absolute_uri(reverse("rooms:join", args=[new_link[1]])))
        if new_link
        else None
    )
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "invitation": inv,
            "link": "revoked"
            if inv.revoked_at
            else "expired"
            if inv.expires_at <= now
            else "active",
        }
        for inv in room.invitations.select_related("person").order_by("order")
    ]
    context = {
        "room": room,
        "engagement": room.engagement,
        "rows": rows,
        "form": form,
        "error": error,
        "new_link": link,
        "open": room.status != Room.Status.ENDED,
    }
    status = 400 if error or (action == "invite" and form.errors) else 200
    return render(request, "rooms/invitations.html", context, status=status)


@login_required
def journal(request: HttpRequest, room_id: int) -> HttpResponse:
    room = get_object_or_404(Room.objects.select_related("engagement"), pk=room_id)
    if not can_edit(request.user, room.engagement):
        raise Http404
    return render(
        request,
        "rooms/journal.html",
        {
            "room": room,
            "engagement": room.engagement,
            **journal_rows(room),
            "chat": kept_chat(room),
        },
    )
