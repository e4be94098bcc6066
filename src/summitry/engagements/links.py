"""Which source addresses may be stored and shown as links: web addresses only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# A `javascript:` or `data:` address rendered as a link runs in the viewer's session.
_WEB_URL = URLValidator(schemes=["http", "https"])


def is_web_url(value: str) -> bool:
    try:
        _WEB_URL(value)
    except ValidationError:
        return False
    return True
