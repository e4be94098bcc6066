"""The conference section of an engagement's page: materials, countries, questions, answers.

A tag, so that the register's page shows it without the register importing the exchanges."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from summitry.engagements.models import Engagement
from summitry.engagements.queries import can_edit
from summitry.exchanges import queries
from summitry.exchanges.services import is_conference, may_answer, may_ask

register = template.Library()


@register.inclusion_tag("exchanges/_conference.html", takes_context=True)
def conference_exchange(context: template.Context, engagement: Engagement) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not is_conference(engagement):
        return {"shown": False}
    answering = may_answer(user, engagement)
    presenting = answering and can_edit(user, engagement)
    return {
        "shown": True,
        "engagement": engagement,
        "countries": queries.countries_taking_part(engagement),
        "materials": queries.materials_of(user, engagement),
        "may_present": presenting,
        "editions": queries.editions_to_present(user) if presenting else (),
        "questions": queries.questions_of(user, engagement),
        "may_ask": may_ask(user, engagement),
        "may_answer": answering,
        "experts": queries.experts_of(engagement) if answering else (),
        "languages": settings.LANGUAGES,
        "countries_to_choose": queries.all_countries() if may_ask(user, engagement) else (),
        "csrf_token": context.get("csrf_token"),
        "request": request,
        "user": user,
    }
