from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation

# Second factors that sign-in asks for (recovery codes only stand in for them).
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
# Without a factor yet, an administrator may use the account pages, so as to enrol one.
ENROL_PREFIXES = ("/accounts/", "/admin/logout/", "/static/", "/i18n/", "/jsi18n/")
# With a factor but a session that has not passed it: only the way to pass it, or to leave.
AUTHENTICATE_PREFIXES = (
    "/accounts/2fa/reauthenticate/",
    "/accounts/2fa/authenticate/",
    "/accounts/login/",
    "/accounts/logout/",
    "/admin/logout/",
    "/static/",
    "/i18n/",
    "/jsi18n/",
)


def has_second_factor(user: Any) -> bool:
    return bool(is_mfa_enabled(user, SECOND_FACTORS))


def passed_second_factor(request: HttpRequest, user: Any) -> bool:
    """This session (not merely this account) passed a second factor, as allauth recorded it."""
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


class RequireSecondFactorMiddleware:
    """A session that must pass a second factor reaches nothing else until it has.

    Sessions that became signed in some other way than allauth's login (which runs the second
    factor step) are refused on every path: pages, the admin and the API.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or passed_second_factor(request, user):
            return self.get_response(request)
        # Administrators, and anyone who enrolled a factor, sign in with it.
        enrolled = has_second_factor(user)
        if not enrolled and not getattr(user, "is_administrator", False):
            return self.get_response(request)
        if request.path.startswith(AUTHENTICATE_PREFIXES if enrolled else ENROL_PREFIXES):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            reason = (
                "This session has not passed the second factor: sign in again with your"
                " authentication code."
                if enrolled
                else "Administrators must set up two-factor sign-in before using the API."
            )
            return HttpResponse(reason, status=403, content_type="text/plain")
        step = "mfa_reauthenticate" if enrolled else "mfa_activate_totp"
        return redirect(reverse(step) + "?" + urlencode({"next": request.get_full_path()}))


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


class PersonLanguageMiddleware:
    """A signed-in person's language setting wins over what LocaleMiddleware chose before it
    (the switcher's cookie, else Accept-Language, else English)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "")
        if language and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
