"""Builders for the exchanges' tests, through the services as in production."""

from __future__ import annotations

import datetime as dt
from typing import Any

from summitry.accounts.models import User
from summitry.directory.models import Person
from summitry.engagements.models import Engagement
from summitry.exchanges.models import Answer, Question
from summitry.exchanges.services import answer_question, ask_question
from tests import factories


def conference(
    *,
    experts: tuple[Person, ...] = (),
    countries: tuple[str, ...] = ("CN", "IT"),
    start: dt.datetime | None = dt.datetime(2020, 3, 26, 12, tzinfo=dt.UTC),
    **fields: Any,
) -> Engagement:
    return factories.engagement(
        kind="video_conference",
        countries=countries,
        people=experts or (factories.person(),),
        start=start,
        **fields,
    )


def question(
    user: User, engagement: Engagement, text: str = "How long to isolate?", **fields: Any
) -> Question:
    return ask_question(user, engagement, text=text, **fields)


def answer(
    user: User, asked: Question, expert: Person, text: str = "Fourteen days.", **fields: Any
) -> Answer:
    return answer_question(user, asked, expert=expert.pk, text=text, **fields)
