"""ASGI entry point: HTTP through Django, WebSockets (live rooms) through Channels."""

import os
from wsgiref.headers import Headers

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitry.settings")

# Django must be set up before the routing imports models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from servestatic import ServeStaticASGI  # noqa: E402

from summitry.rooms.routing import websocket_urlpatterns  # noqa: E402
from summitry.rooms.sweeper import lifespan  # noqa: E402


def _static_headers(headers: Headers, path: str, url: str) -> None:
    # The headers Django's security middleware gives every other response.
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    headers["Referrer-Policy"] = str(settings.SECURE_REFERRER_POLICY)
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY


http_application = django_application
if not settings.SERVESTATIC_USE_FINDERS:
    # Collected files are answered before Django: no request signals, no middleware, no trip
    # through Django's sync thread, which matters when a room page fetches six files at once.
    http_application = ServeStaticASGI(
        django_application,
        root=settings.STATIC_ROOT,
        prefix=settings.STATIC_URL,
        add_headers_function=_static_headers,
    )

application = ProtocolTypeRouter(
    {
        "http": http_application,
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
        "lifespan": lifespan,
    }
)
