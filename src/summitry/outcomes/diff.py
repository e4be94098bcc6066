"""A readable comparison of two revisions: paragraph by paragraph, words inserted in <ins> and
removed in <del> (difflib), every piece of text escaped."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words with the spaces after them, so that the text joins back as it was.
_WORDS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Row:
    """One paragraph of the comparison: its numbers in each revision (None where it is absent)
    and the marked-up text; `change` is equal, insert, delete or replace."""

    old: int | None
    new: int | None
    change: str
    html: SafeString


def words(old: str, new: str) -> SafeString:
    """`new` against `old`, word by word."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if tag in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def compare(old: Sequence[str], new: Sequence[str]) -> list[Row]:
    """Paragraphs of `new` against those of `old`: a paragraph changed in place is compared word
    by word; one added or removed is shown whole."""
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                rows.append(Row(i1 + k + 1, j1 + k + 1, "equal", escape(old[i1 + k])))
            continue
        if tag == "replace":
            paired = min(i2 - i1, j2 - j1)
            for k in range(paired):
                rows.append(Row(i1 + k + 1, j1 + k + 1, "replace", words(old[i1 + k], new[j1 + k])))
            i1, j1 = i1 + paired, j1 + paired
        for i in range(i1, i2):
            rows.append(Row(i + 1, None, "delete", mark_safe(f"<del>{escape(old[i])}</del>")))  # noqa: S308
        for j in range(j1, j2):
            rows.append(Row(None, j + 1, "insert", mark_safe(f"<ins>{escape(new[j])}</ins>")))  # noqa: S308
    return rows
