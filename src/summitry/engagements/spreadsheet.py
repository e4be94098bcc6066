"""Spreadsheet safety for CSV cells (OWASP "CSV injection").

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and
LibreOffice. The export prefixes such a cell with a single quote; a cell that already starts with
quotes followed by one of those characters gets one more, so that the import can remove exactly
one quote and give back the original value.
"""

from __future__ import annotations

import re

_GUARDED = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def guard_cell(value: str) -> str:
    return "'" + value if _GUARDED.match(value) else value


def unguard_cell(value: str) -> str:
    return value[1:] if _QUOTED.match(value) else value
