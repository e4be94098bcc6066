"""The Django admin signs people in and out through allauth, so its second-factor step and rate
limits apply there as everywhere else."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from summitry.accounts.models import User


def admin_login(request: HttpRequest) -> HttpResponseRedirect:
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        # Signed in, yet sent here by the admin: the account is not an administrator's (sending
        # it on to the sign-in page would only bounce it back).
        if not request.user.is_staff:
            raise PermissionDenied("The administration is for administrators.")
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(
        reverse("account_login") + "?" + urlencode({REDIRECT_FIELD_NAME: target})
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The switcher: Django's set_language (a cookie), and for a signed-in person their setting,
    which then follows them to every browser."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        codes = ", ".join(code for code, _name in settings.LANGUAGES)
        return HttpResponseBadRequest(
            _("language: choose one of %(codes)s.") % {"codes": codes},
            content_type="text/plain; charset=utf-8",
        )
    if isinstance(request.user, User) and request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return i18n.set_language(request)
