"""The editor's way in as chair, from the engagement page in one click.

A signed, expiring token names the room's chair invitation; it works as a join token (the
chair's own link, perhaps mailed to the person who chairs, keeps working: nothing is reissued).
Only an editor of the engagement gets one (``invitation_views.enter_as_chair``).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from summitry.rooms.models import Invitation

SALT = "summitry.rooms.chair-entry"
PREFIX = "chair."


def lifetime() -> int:
    """Seconds an entry link works (a working day by default)."""
    return int(getattr(settings, "SUMMITRY_ROOMS_CHAIR_ENTRY_SECONDS", 12 * 3600))


def entry_token(chair: Invitation) -> str:
    return PREFIX + signing.dumps(chair.pk, salt=SALT)


def invitation_pk(token: str) -> int | None:
    """The chair invitation a signed entry names; ``None`` for a personal link's token, and 0
    (no invitation) for an entry that is forged or too old."""
    if not token.startswith(PREFIX):
        return None
    try:
        found = signing.loads(token.removeprefix(PREFIX), salt=SALT, max_age=lifetime())
    except signing.BadSignature:
        return 0
    return found if isinstance(found, int) and not isinstance(found, bool) else 0
