"""Editors' pages around invitations: mail a personal link, enter a room as its chair."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from summitry.rooms import chair_entry, mail
from summitry.rooms.actions import ending
from summitry.rooms.models import Invitation, Room
from summitry.rooms.rules import RoomRefusal
from summitry.rooms.views import _editable, _refused


def _token_in(link: str) -> str:
    """The token of a join link as shown on the links pages (any host: only the path counts)."""
    try:
        match = resolve(urlsplit(link).path)
    except Resolver404:
        return ""
    return str(match.kwargs.get("token", "")) if match.view_name == "rooms:join" else ""


@login_required
@never_cache
@require_POST
def send_link(request: HttpRequest, room_id: int) -> HttpResponse:
    """Mail one invitee their link (shown once on the links page) with the calendar event."""
    room = get_object_or_404(Room.objects.select_related("engagement"), pk=room_id)
    _editable(request, room.engagement_id)
    raw = request.POST.get("invitation", "")
    invitation = (
        room.invitations.select_related("person").filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    link = request.POST.get("link", "")
    email = request.POST.get("email", "").strip()
    error = ""
    if invitation is None:
        error = gettext("invitation: there is no such invitation in this room.")
    else:
        token = _token_in(link)
        try:
            mail.send_invitation(
                invitation,
                token,
                email,
                request.build_absolute_uri(reverse("rooms:join", args=[token])) if token else "",
            )
        except RoomRefusal as refusal:
            error = refusal.message
    context = {
        "room": room,
        "engagement": room.engagement,
        "invitation": invitation,
        "email": email,
        "link": link,
        "error": error,
    }
    return render(request, "rooms/sent.html", context, status=400 if error else 200)


@login_required
@never_cache
@require_POST
def enter_as_chair(request: HttpRequest, room_id: int) -> HttpResponse:
    """One click from the engagement page: an editor is in the room as its chair."""
    room = get_object_or_404(Room.objects.select_related("engagement"), pk=room_id)
    _editable(request, room.engagement_id)
    chair = room.invitations.filter(role=Invitation.Role.CHAIR, revoked_at__isnull=True).first()
    if room.status != Room.Status.OPEN or chair is None:
        return _refused(request, gettext("This meeting has ended."))
    return redirect(reverse("rooms:join", args=[chair_entry.entry_token(chair)]))


@login_required
@require_POST
def reopen(request: HttpRequest, room_id: int) -> HttpResponse:
    """An editor reopens a room ended by mistake."""
    room = get_object_or_404(Room.objects.select_related("engagement"), pk=room_id)
    _editable(request, room.engagement_id)
    try:
        ending.reopen_room(room, request.user if request.user.is_authenticated else None)
    except RoomRefusal as refusal:
        return render(
            request,
            "rooms/refused.html",
            {"message": refusal.message},
            status=409,
        )
    messages.success(
        request,
        gettext(
            "The room is open again. Links that have not expired work again; everyone passes "
            "the lobby, and the chair goes straight in."
        ),
    )
    return redirect(reverse("rooms:invitations", args=[room.pk]))
