from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Administrators create accounts; the register is not open for self sign-up.
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        try:
            ip: str = super().get_client_ip(request)
        except ImproperlyConfigured:
            # Fewer X-Forwarded-For entries than proxies: the request skipped one (or forged the
            # header). Its limits count against the peer that sent it, which it cannot choose.
            peer = request.META.get("REMOTE_ADDR")
            if not peer:
                raise PermissionDenied("Unable to determine client IP address") from None
            return str(peer)
        return ip
