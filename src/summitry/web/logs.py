"""Logging rules shared by every process."""

from __future__ import annotations

import logging


class ClientErrorsInOneLine(logging.Filter):
    """Drop the traceback from records of a refused request (a 4xx answer).

    Django logs a PermissionDenied with its exception attached; the refusal is expected, the
    line "Forbidden (Permission denied): /path" says all an operator needs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
