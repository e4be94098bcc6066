"""The exchanges' full-text indexes: questions (with who asked) and answers."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from summitry.exchanges.models import Answer, Question
from summitry.search import TextIndex, segment

# Segmented, so that a question in Chinese is found by any word of it (see summitry.search).
QUESTION_TEXT = TextIndex(table="exchanges_question", columns=("search_text",), segmented=True)
ANSWER_TEXT = TextIndex(table="exchanges_answer", columns=("search_text",), segmented=True)


def question_text(text: str, asker_name: str) -> str:
    return segment(f"{text}\n{asker_name}")


def answer_text(text: str) -> str:
    return segment(text)


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
