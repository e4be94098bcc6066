"""An engagement's title and readout in the reader's language: the version in that language when
there is one, else the original, whose language the page then names."""

from __future__ import annotations

from dataclasses import dataclass

from summitry.directory.languages import best_match
from summitry.engagements.models import Engagement


@dataclass(frozen=True)
class Text:
    language: str
    title: str
    readout: str
    is_original: bool


def texts_of(engagement: Engagement) -> list[Text]:
    """Every version, the original first (reads the prefetched `texts` when there are)."""
    original = Text(engagement.original_language, engagement.title, engagement.readout, True)
    others = sorted(engagement.texts.all(), key=lambda t: t.language)
    return [original, *(Text(t.language, t.title, t.readout, False) for t in others)]


def text_for(engagement: Engagement, language: str | None = None) -> Text:
    """The version a reader of `language` (by default the active one) sees."""
    return text_among(texts_of(engagement), language)


def text_among(versions: list[Text], language: str | None = None) -> Text:
    """Which of `versions` (the original first) a reader of `language` sees."""
    match = best_match([v.language for v in versions], language)
    return next((v for v in versions if v.language == match), versions[0])


def in_reader_language(text: Text, language: str | None = None) -> bool:
    """Whether a reader of `language` (by default the active one) reads `text` in their own."""
    return best_match([text.language], language) is not None
