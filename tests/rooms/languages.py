"""The rooms' own English, for tests that check a page shows none of it in another language."""

from __future__ import annotations

import gettext
import html
import re
from pathlib import Path

import summitry.rooms

LOCALE = Path(summitry.rooms.__file__).parent / "locale"


def english_of_the_rooms(folder: str, domain: str = "django") -> list[str]:
    """The English pieces of every rooms sentence translated into the language of ``folder``
    (placeholders and markup cut out; short pieces, which could be part of a name, left aside)."""
    path = LOCALE / folder / "LC_MESSAGES" / f"{domain}.mo"
    assert path.exists(), "compile the catalogues: make setup (compilemessages)"
    with path.open("rb") as compiled:
        catalogue: dict[object, str] = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    pieces: set[str] = set()
    for key, translated in catalogue.items():
        msgid = str(key[0] if isinstance(key, tuple) else key).split("\x04")[-1]
        if not msgid or translated == msgid:
            continue
        for piece in re.split(r"%\(\w+\)\w|<[^>]+>", msgid):
            piece = piece.strip(" .:;,()“”—·…?")
            if len(piece) >= 4 and re.search(r"[A-Za-z]{3}", piece):
                pieces.add(piece)
    return sorted(pieces)


def visible_text(page: str) -> str:
    """What a person reads or hears: text and the labels of controls, not code or data."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    labels = " ".join(re.findall(r'(?:aria-label|title|placeholder)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + labels)


def english_left(text: str, folder: str, domains: tuple[str, ...] = ("django",)) -> list[str]:
    """The rooms' English pieces found in ``text`` (whole words, case as written)."""
    return [
        piece
        for domain in domains
        for piece in english_of_the_rooms(folder, domain)
        if re.search(rf"\b{re.escape(piece)}\b", text)
    ]
