from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def _media_root(settings: Settings, tmp_path: Path) -> None:
    # Uploaded documents go to a folder of the test's own.
    settings.MEDIA_ROOT = str(tmp_path / "media")
