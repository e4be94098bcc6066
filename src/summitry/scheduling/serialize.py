"""JSON-ready dictionaries for rankings, shared by the CLI and any web API.

Instants of slots are ISO 8601 in UTC with a ``Z``; participants' local
times are ISO 8601 with their offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .explain import Relaxation, explain
from .model import Ranking, Slot


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slot_json(slot: Slot) -> dict[str, Any]:
    return {
        "start": utc_iso(slot.start),
        "end": utc_iso(slot.end),
        "acceptable": slot.acceptable,
        "worst_cost": slot.worst,
        "total_cost": slot.total,
        "participants": [
            {
                "name": seat.participant.name,
                "label": seat.participant.display,
                "zone": seat.participant.zone,
                "required": seat.participant.required,
                "local_start": seat.local_start.isoformat(),
                "local_end": seat.local_end.isoformat(),
                "cost": seat.cost,
                "acceptable": seat.acceptable,
            }
            for seat in slot.attendance
        ],
    }


def relaxation_json(relaxation: Relaxation | None) -> dict[str, Any] | None:
    if relaxation is None:
        return None
    return {
        "start": utc_iso(relaxation.slot.start),
        "end": utc_iso(relaxation.slot.end),
        "changes": [
            {"participant": c.participant, "kind": c.kind, "text": c.text}
            for c in relaxation.changes
        ],
        "alternatives": list(relaxation.alternatives),
        "text": relaxation.text,
    }


def ranking_json(ranking: Ranking, relaxation: Relaxation | None) -> dict[str, Any]:
    request = ranking.request
    return {
        "window": {
            "start": utc_iso(request.start),
            "end": utc_iso(request.end),
            "duration_minutes": request.duration_minutes,
            "step_minutes": request.step_minutes,
        },
        "candidates": ranking.candidates,
        "acceptable_candidates": ranking.acceptable_count,
        "slots": [slot_json(slot) for slot in ranking.slots],
        "explanation": explain(ranking),
        "relaxation": relaxation_json(relaxation),
    }
