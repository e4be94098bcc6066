from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

import summitry


def site(request: HttpRequest) -> dict[str, Any]:
    return {"SUMMITRY_VERSION": summitry.__version__, "SITE_URL": settings.SITE_URL}
