"""The demo data: the engagements named in the project's seed documents, with their sources."""

from __future__ import annotations

import importlib.resources
import json
from typing import Any

from django.db import transaction

from summitry.accounts.models import User
from summitry.directory.services import sync_people, sync_reference_data
from summitry.engagements.importer import import_text

DEMO_ACCOUNTS = (
    ("reader", "reader-demo-2020", User.Role.READER),
    ("editor", "editor-demo-2020", User.Role.EDITOR),
    ("admin", "admin-demo-2020", User.Role.ADMINISTRATOR),
)


def _read(name: str) -> str:
    return importlib.resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def demo_people() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(_read("people.json"))
    return data


def demo_engagements_text() -> str:
    return _read("engagements.json")


@transaction.atomic
def load_demo() -> str:
    sync_reference_data()
    sync_people(demo_people())
    result = import_text(demo_engagements_text(), "json")
    created_accounts = []
    for username, password, role in DEMO_ACCOUNTS:
        if not User.objects.filter(username=username).exists():
            user = User(username=username, email=f"{username}@summitry.invalid", role=role)
            user.set_password(password)
            user.save()
            created_accounts.append(username)
    lines = [
        f"Demo data: {result.created} engagements added, {result.updated} updated, "
        f"{result.unchanged} unchanged.",
        "Demo accounts (user / password / role):",
        *(f"  {u} / {p} / {r.label}" for u, p, r in DEMO_ACCOUNTS),
        "  (the administrator sets up a TOTP authenticator at first sign-in)",
    ]
    if created_accounts:
        lines.append(f"Created accounts: {', '.join(created_accounts)}.")
    return "\n".join(lines)
