"""Django's ``{# #}`` comments end on their line: one left open is printed into the page."""

from __future__ import annotations

import re
from pathlib import Path

import summitry

OPEN_COMMENT = re.compile(r"\{#(?!.*#\})")


def test_no_template_has_a_comment_spanning_lines() -> None:
    root = Path(summitry.__file__).parent
    templates = sorted(root.glob("*/templates/**/*.html"))
    assert templates
    open_comments = [
        f"{path.relative_to(root)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OPEN_COMMENT.search(line)
    ]
    assert not open_comments, "use {% comment %} for these: " + ", ".join(open_comments)
