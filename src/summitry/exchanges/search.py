"""The exchanges' full-text indexes: questions (with who asked) and answers."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from summitry.exchanges.models import Answer, Question
from summitry.search import TextIndex

QUESTION_TEXT = TextIndex(table="exchanges_question", columns=("text", "asker_name"))
ANSWER_TEXT = TextIndex(table="exchanges_answer", columns=("text",))


def matching(questions: QuerySet[Question], query: str) -> QuerySet[Question]:
    """Questions whose own text, or one of whose answers, holds every word of `query`."""
    asked = QUESTION_TEXT.matching(Question.objects.all(), query)
    answered = ANSWER_TEXT.matching(Answer.objects.all(), query)
    return questions.filter(Q(pk__in=asked.values("pk")) | Q(pk__in=answered.values("question")))


def ensure_index(using: str = "default", **kwargs: Any) -> None:
    """After each migrate: put back the SQLite triggers that a rebuild of a table dropped."""
    from django.db import connections

    for index in (QUESTION_TEXT, ANSWER_TEXT):
        index.ensure(connections[using])
