"""The knowledge centre's demo data: the two works the seed documents count, with their editions
as metadata (numbers, labels, the dates the public record fixes) and no text."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from typing import Any

from django.db import transaction
from django.utils.translation import ngettext

from summitry.knowledge import services
from summitry.knowledge.models import Topic, Work


def demo_works() -> dict[str, Any]:
    text = importlib.resources.files(__name__).joinpath("works.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@transaction.atomic
def load_demo() -> str:
    """Add what is missing; running it twice changes nothing."""
    data = demo_works()
    topics = {}
    for t in data["topics"]:
        topic = Topic.objects.filter(slug=t["slug"]).first()
        topics[t["slug"]] = topic or services.create_topic(t["name"], t["slug"], t["names"])
    added = 0
    for w in data["works"]:
        work = Work.objects.filter(slug=w["slug"]).first()
        if work is None:
            work = services.create_work(
                title=w["title"],
                slug=w["slug"],
                kind=w["kind"],
                publisher=w["publisher"],
                language=w["language"],
                topics=[topics[s] for s in w["topics"]],
            )
        for e in sorted(w["editions"], key=lambda e: e["number"]):
            if work.editions.filter(number=e["number"]).exists():
                continue
            published = e.get("published_on")
            services.publish_edition(
                work,
                number=e["number"],
                label=e.get("label", ""),
                published_on=dt.date.fromisoformat(published) if published else None,
            )
            added += 1
    return ngettext(
        "Knowledge centre: %(works)d works, %(added)d edition added.",
        "Knowledge centre: %(works)d works, %(added)d editions added.",
        added,
    ) % {"works": len(data["works"]), "added": added}
