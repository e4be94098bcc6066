"""The scheduler stands on its own: no Django, no register, runnable without settings."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import summitry.scheduling

PACKAGE = Path(summitry.scheduling.__file__).parent


def imported_modules(source: Path) -> set[str]:
    """Absolute names of every module `source` imports, wherever the import statement sits."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the scheduler by construction
                found.add("summitry.scheduling." + (node.module or ""))
            else:
                found.add(node.module or "")
    return found


def test_scheduling_imports_neither_django_nor_the_register() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 5
    for module in modules:
        for name in imported_modules(module):
            top = name.split(".")[0]
            assert top != "django", f"{module.name} imports {name}"
            if top == "summitry":
                assert name.startswith("summitry.scheduling"), f"{module.name} imports {name}"


def test_scheduling_imports_without_django_settings() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys, summitry.scheduling, summitry.scheduling.cli;"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django';"
        "assert not any(m.startswith('summitry.') and not m.startswith('summitry.scheduling')"
        " for m in sys.modules), 'register'"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
