"""The knowledge centre's full-text indexes: every edition's and every translation's text, with
its title, as `summitry.search.segment` writes it (so Chinese and Arabic are found too)."""

from __future__ import annotations

from typing import Any

from django.db import connections

from summitry.search import TextIndex

EDITION_TEXT = TextIndex(table="knowledge_edition", columns=("search_text",), segmented=True)
TRANSLATION_TEXT = TextIndex(
    table="knowledge_translation", columns=("search_text",), segmented=True
)
INDEXES = (EDITION_TEXT, TRANSLATION_TEXT)


def ensure_indexes(using: str = "default", **kwargs: Any) -> None:
    """After each migrate: put back the SQLite triggers that a rebuild of a table dropped."""
    for index in INDEXES:
        index.ensure(connections[using])
