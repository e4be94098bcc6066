from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

# Administrators may reach these without a second factor, so that they can enrol one.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/")


def has_totp(user_id: int) -> bool:
    found: bool = Authenticator.objects.filter(
        user_id=user_id, type=Authenticator.Type.TOTP
    ).exists()
    return found


class RequireAdminMFAMiddleware:
    """Administrators must enrol TOTP before they can do anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "is_administrator", False)
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and not has_totp(user.pk)
        ):
            if request.path.startswith("/api/"):
                return HttpResponse(
                    "Administrators must set up two-factor sign-in before using the API.",
                    status=403,
                    content_type="text/plain",
                )
            return redirect(reverse("mfa_activate_totp") + f"?next={request.path}")
        return self.get_response(request)


class ViewerTimezoneMiddleware:
    """Times are shown in the viewer's zone: the account's, else the browser's cookie, else UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = getattr(request.user, "time_zone", "") or request.COOKIES.get("tz", "")
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)
