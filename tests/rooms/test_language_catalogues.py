"""The rooms' translations are the ones a reader gets: no other catalogue shadows them.

Django looks a message up in every installed app's catalogue, earlier apps first (Django's admin
before the rooms), and merges every app's JavaScript catalogue the same way: a short rooms
message such as "Remove" would read as the admin's "delete" unless it has its own context.
"""

from __future__ import annotations

import gettext
import json

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.i18n import JavaScriptCatalog

from tests.rooms.languages import LOCALE

pytestmark = pytest.mark.unit

LANGUAGES = {"ar": "ar", "zh-hans": "zh_Hans", "fr": "fr", "ru": "ru", "es": "es"}


def ours(folder: str, domain: str) -> dict[str, str]:
    """The rooms' translations of one domain (plural entries left aside)."""
    path = LOCALE / folder / "LC_MESSAGES" / f"{domain}.mo"
    assert path.exists(), "compile the catalogues: make setup (compilemessages)"
    with path.open("rb") as compiled:
        catalogue: dict[object, str] = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    return {key: text for key, text in catalogue.items() if isinstance(key, str) and key}


@pytest.mark.parametrize("language", LANGUAGES)
def test_rooms_messages_read_as_the_rooms_catalogue_translates_them(language: str) -> None:
    folder = LANGUAGES[language]
    shadowed = []
    with translation.override(language):
        for key, text in ours(folder, "django").items():
            context, _, msgid = key.rpartition("\x04")
            got = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if got != text:
                shadowed.append(f"{key!r}: {got!r} instead of {text!r}")
        response = JavaScriptCatalog.as_view()(RequestFactory().get("/jsi18n/"))
        page = response.content.decode()  # type: ignore[attr-defined]
    start = page.index("const newcatalog = ") + len("const newcatalog = ")
    scripts = json.loads(page[start : page.index(";\n", start)])
    for key, text in ours(folder, "djangojs").items():
        if scripts.get(key) != text:
            shadowed.append(f"script {key!r}: {scripts.get(key)!r} instead of {text!r}")
    assert shadowed == [], "give these rooms messages a context (pgettext)"
