"""The Content-Security-Policy header (django-csp), with the Janus origins on live-room pages."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """settings.CONTENT_SECURITY_POLICY on every answer; room pages may also reach Janus."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        match = getattr(request, "resolver_match", None)
        if not report_only and match is not None and match.app_name == "rooms":
            # The rooms app stands above web; imported here, at the request, not at start.
            from summitry.rooms.instances import browser_origins

            parts.update = {**(parts.update or {}), "connect-src": browser_origins()}
        return parts
