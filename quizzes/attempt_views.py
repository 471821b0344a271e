"""What an attempt's pages show: each slot with its question revision and saved answer,
in the attempt's order, and the paging of long quizzes. Reads only."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from extensions import db
from quizzes.attempts import option_tokens
from quizzes.models import Attempt, Question, QuestionRevision, Response
from quizzes.service import AttemptError
from quizzes.types import get_type


@dataclass(frozen=True)
class SlotView:
    """Everything a template needs to show one question of an attempt."""

    slot: int
    revision: QuestionRevision
    response: Response
    context: dict[str, Any]
    template: str
    case_html: str | None  # set where the case text is shown: its first question
    case_text: str | None = None  # the case this question belongs to, if any
    review: dict[str, Any] | None = None  # the answer beside the right one (review only)


def slot_views(attempt: Attempt, review: bool = False) -> list[SlotView]:
    """The attempt's questions; with `review`, each one's answer beside the right one
    (a finished attempt only: the right answers must never reach an open one's page)."""
    if review and attempt.state != "finished":
        raise AttemptError("the right answers are shown only after submitting")
    views, previous_case = [], None
    for response, entry in zip(_responses_with_questions(attempt), attempt.layout,
                               strict=True):
        revision = response.revision
        question_type = get_type(revision.type_id)
        case = revision.question.case
        first_of_case = case is not None and case.id != previous_case
        previous_case = case.id if case else None
        order = entry.get("options")
        views.append(SlotView(
            response.slot, revision, response,
            question_type.render_context(revision.data, order,
                                         option_tokens(attempt.id, response.slot)),
            question_type.template, case.html if case and first_of_case else None,
            case.html if case else None,
            question_type.review_context(revision.data, response.answer, order)
            if review else None))
    return views


def _responses_with_questions(attempt: Attempt) -> list[Response]:
    """The responses with their revisions, questions and cases in one round trip, not
    three lazy loads per question (a 20-question page ran 46 statements)."""
    return list(db.session.scalars(
        select(Response).where(Response.attempt_id == attempt.id).order_by(Response.slot)
        .options(joinedload(Response.revision).joinedload(QuestionRevision.question)
                 .joinedload(Question.case))))


def page_of(views: list[SlotView], page: int, size: int) -> tuple[list[SlotView], int]:
    """One page of questions (1-based, clamped). A case that carries on from the page
    before is shown again above its first question here: the questions need it."""
    pages = max(1, -(-len(views) // size))
    page = min(max(page, 1), pages)
    chunk = views[(page - 1) * size: page * size]
    if chunk and chunk[0].case_html is None and chunk[0].case_text:
        chunk[0] = replace(chunk[0], case_html=chunk[0].case_text)
    return chunk, pages
