"""The learner's way through an attempt: the answers a page may not save, and the
summary of every question before the final submit. No requests here; nothing commits.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from extensions import db
from quizzes.attempts import option_tokens
from quizzes.forms import SlotAnswers
from quizzes.models import Attempt, Response
from quizzes.revisions import revision_facts
from quizzes.types import AnswerError, get_type

ANSWERED, INCOMPLETE, UNANSWERED = "answered", "incomplete", "unanswered"
INVALID = "invalid"  # the last answer typed was refused (quizzes.drafts)


@dataclass(frozen=True)
class SummaryRow:
    slot: int
    state: str  # ANSWERED, INCOMPLETE, UNANSWERED or INVALID
    page: int  # the attempt page that shows the question (1-based)
    seq: int  # the saved answer's version (a refused draft must match it)


def answer_state(answer: Any) -> str:
    """Unanswered: nothing saved. Incomplete: a matching row or a gap left empty."""
    if answer is None:
        return UNANSWERED
    if isinstance(answer, list) and any(part is None for part in answer):
        return INCOMPLETE
    return ANSWERED


def summary(attempt: Attempt, page_size: int,
            refused: Callable[[Mapping[int, int]], Collection[int]] = lambda seqs: ()
            ) -> list[SummaryRow]:
    """Every question of the attempt in order, from its saved answer (one query);
    `refused` names, from {slot: seq}, the slots whose last typed answer was refused."""
    rows = db.session.execute(select(Response.slot, Response.answer, Response.seq).where(
        Response.attempt_id == attempt.id).order_by(Response.slot)).all()
    invalid = refused({slot: seq for slot, _answer, seq in rows})
    return [SummaryRow(slot, INVALID if slot in invalid else answer_state(answer),
                       slot // page_size + 1, seq) for slot, answer, seq in rows]


def counts(rows: list[SummaryRow]) -> dict[str, int]:
    return {state: sum(1 for row in rows if row.state == state)
            for state in (ANSWERED, INCOMPLETE, UNANSWERED, INVALID)}


def answer_errors(attempt: Attempt, answers: SlotAnswers) -> Mapping[int, AnswerError]:
    """The posted answers their question type refuses, by slot, each with its own
    message (all of them, where saving stops at the first). Nothing is written."""
    if not answers:  # a submit from the summary page posts none
        return {}
    revision_ids = dict(db.session.execute(
        select(Response.slot, Response.revision_id)
        .where(Response.attempt_id == attempt.id, Response.slot.in_(answers))).all())
    facts = revision_facts(revision_ids.values())
    errors: dict[int, AnswerError] = {}
    for slot, (raw, _seq) in answers.items():
        if slot not in revision_ids:
            continue  # not a question of this attempt: saving refuses it by name
        revision = facts[revision_ids[slot]]
        try:
            get_type(revision.type_id).normalise(revision.data, raw,
                                                 option_tokens(attempt.id, slot))
        except AnswerError as error:
            errors[slot] = error
    return errors
