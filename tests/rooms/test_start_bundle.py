"""Collected static files carry the join page's start bundle, and the page uses it when present."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from pytest_django.fixtures import Settings

from summitry.web.storage import START_BUNDLE, START_PARTS


def test_collectstatic_writes_the_bundle_of_the_three_start_scripts(
    tmp_path: Path, settings: Settings
) -> None:
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    bundle = (tmp_path / START_BUNDLE).read_bytes()
    parts = [(tmp_path / part).read_bytes().rstrip() for part in START_PARTS]
    # In order (janus.js needs adapter's global; room-start.js needs Janus), each whole.
    offsets = [bundle.index(part) for part in parts]
    assert offsets == sorted(offsets) and offsets[0] == 0
    assert len(bundle) == sum(map(len, parts)) + 3 * (len(parts) - 1) + 1
    assert (tmp_path / f"{START_BUNDLE}.gz").exists(), "compressed like every other file"
    # Collecting again replaces it rather than adding a second copy.
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / START_BUNDLE).read_bytes() == bundle
    assert len(list(tmp_path.glob("rooms/room-start.bundle*.js"))) == 1


@pytest.mark.parametrize("bundle", [True, False])
def test_the_start_scripts_come_as_one_file_or_three(bundle: bool) -> None:
    html = render_to_string("rooms/_scripts.html", {"start_now": True, "start_bundle": bundle})
    assert ("room-start.bundle.js" in html) is bundle
    assert ("janus-gateway/janus.js" in html) is not bundle
