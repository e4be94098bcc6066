"""Languages a text may be written in, named as Django names them ("en", "zh-hans", "pt-br").

The known languages are those Django knows (its global LANGUAGES, which holds the six of the
United Nations); their names in the reader's language come from CLDR through Babel.
"""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from django.conf import global_settings
from django.utils import translation

# The six official languages of the United Nations, in their alphabetical order in English.
UN_LANGUAGES = ("ar", "zh-hans", "en", "fr", "ru", "es")
DEFAULT_LANGUAGE = "en"


@functools.cache
def known_languages() -> frozenset[str]:
    return frozenset(code for code, _ in global_settings.LANGUAGES)


def normalise(code: str) -> str:
    """The code as stored: lower case, hyphens ("zh_Hans" and "zh-Hans" are "zh-hans")."""
    return code.strip().replace("_", "-").lower()


def language_problem(code: str) -> str | None:
    """Why `code` is not a language a text can be kept in, or None."""
    if normalise(code) in known_languages():
        return None
    return translation.gettext(
        "Unknown language %(code)r; use a code such as en, fr or zh-hans."
    ) % {"code": code[:20]}


def reader_language(language: str | None = None) -> str:
    """The language asked for, else the active one (the request's), else the default."""
    return normalise(language or translation.get_language() or DEFAULT_LANGUAGE)


def primary(code: str) -> str:
    return normalise(code).split("-", 1)[0]


@functools.cache
def cldr_locale(code: str) -> Locale:
    """The CLDR locale for a language code; English where CLDR has none."""
    try:
        return Locale.parse(translation.to_locale(normalise(code)))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(primary(code))
        except (UnknownLocaleError, ValueError):
            return Locale.parse(DEFAULT_LANGUAGE)


def best_match(available: list[str], language: str | None = None) -> str | None:
    """Which of the `available` languages a reader of `language` reads: the same code, else the
    same language in another variety ("en" for a reader of "en-gb"), else None."""
    wanted = reader_language(language)
    codes = [normalise(code) for code in available]
    if wanted in codes:
        return available[codes.index(wanted)]
    for code, given in zip(codes, available, strict=True):
        if primary(code) == primary(wanted):
            return given
    return None
