"""The learner's way through an attempt: the answers a page may not save, and the
summary of every question before the final submit. No requests here; nothing commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from extensions import db
from quizzes.forms import SlotAnswers
from quizzes.models import Attempt, QuestionRevision, Response
from quizzes.types import AnswerError, get_type

ANSWERED, INCOMPLETE, UNANSWERED = "answered", "incomplete", "unanswered"


@dataclass(frozen=True)
class SummaryRow:
    slot: int
    state: str  # ANSWERED, INCOMPLETE or UNANSWERED
    page: int  # the attempt page that shows the question (1-based)


def answer_state(answer: Any) -> str:
    """Unanswered: nothing saved. Incomplete: a matching row or a gap left empty."""
    if answer is None:
        return UNANSWERED
    if isinstance(answer, list) and any(part is None for part in answer):
        return INCOMPLETE
    return ANSWERED


def summary(attempt: Attempt, page_size: int) -> list[SummaryRow]:
    """Every question of the attempt in order, from its saved answer (one query)."""
    rows = db.session.execute(select(Response.slot, Response.answer).where(
        Response.attempt_id == attempt.id).order_by(Response.slot))
    return [SummaryRow(slot, answer_state(answer), slot // page_size + 1)
            for slot, answer in rows]


def counts(rows: list[SummaryRow]) -> dict[str, int]:
    return {state: sum(1 for row in rows if row.state == state)
            for state in (ANSWERED, INCOMPLETE, UNANSWERED)}


def answer_errors(attempt: Attempt, answers: SlotAnswers) -> Mapping[int, AnswerError]:
    """The posted answers their question type refuses, by slot, each with its own
    message (all of them, where saving stops at the first). Nothing is written."""
    revisions = dict(db.session.execute(
        select(Response.slot, QuestionRevision)
        .join(QuestionRevision, QuestionRevision.id == Response.revision_id)
        .where(Response.attempt_id == attempt.id, Response.slot.in_(answers))).all())
    errors: dict[int, AnswerError] = {}
    for slot, (raw, _seq) in answers.items():
        revision = revisions.get(slot)
        if revision is None:
            continue  # not a question of this attempt: saving refuses it by name
        try:
            get_type(revision.type_id).normalise(revision.data, raw)
        except AnswerError as error:
            errors[slot] = error
    return errors
