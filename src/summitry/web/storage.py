"""Static files: ServeStatic's compressed storage, plus the one bundle the join page starts with."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from servestatic.storage import CompressedStaticFilesStorage

#: What an admitted participant's join page runs first, served as one file (three requests fewer
#: on the way to the Janus session); the parts stay available on their own.
START_BUNDLE = "rooms/room-start.bundle.js"
START_PARTS = (
    "vendor/webrtc-adapter/adapter.js",
    "vendor/janus-gateway/janus.js",
    "rooms/room-start.js",
)


class SummitryStaticFilesStorage(CompressedStaticFilesStorage):  # type: ignore[misc]
    def post_process(
        self, paths: dict[str, Any], dry_run: bool = False, **options: Any
    ) -> Iterator[tuple[str, str, bool]]:
        if not dry_run and all(self.exists(part) for part in START_PARTS):
            pieces = []
            for part in START_PARTS:
                with self.open(part) as handle:
                    pieces.append(handle.read().rstrip())
            if self.exists(START_BUNDLE):
                self.delete(START_BUNDLE)
            # Each part is a whole script; ";" keeps one from running into the next.
            self.save(START_BUNDLE, ContentFile(b"\n;\n".join(pieces) + b"\n"))
            paths = {**paths, START_BUNDLE: (self, START_BUNDLE)}
        yield from super().post_process(paths, dry_run=dry_run, **options)


@cache
def start_bundle_available() -> bool:
    """Collected files (as `summitry serve` serves them) carry the bundle; the finders do not."""
    return not settings.SERVESTATIC_USE_FINDERS and staticfiles_storage.exists(START_BUNDLE)
