"""Each app's API router lives in its app; only the project's api.py assembles them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import summitry

pytestmark = pytest.mark.unit

PACKAGE = Path(summitry.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_app_imports_the_project_api_module() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.glob("*/**/*.py")
        if "summitry.api" in imported_modules(path)
    ]
    assert offenders == []


def test_the_project_api_module_only_assembles_routers() -> None:
    reads = [
        name
        for name in imported_modules(PACKAGE / "api.py")
        if any(f".{part}" in name for part in ("queries", "render", "models"))
    ]
    assert reads == []
    assert (PACKAGE / "review" / "api.py").exists()
