"""Grading an attempt: each response by its question type, then the attempt's totals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm.attributes import flag_modified

from quizzes.models import Attempt
from quizzes.types import get_type

GRADED_COLUMNS = ("fraction", "feedback", "misconceptions", "needs_grading")


def finish_attempt(attempt: Attempt, submitted_at: datetime) -> None:
    """Grade every saved answer and close the attempt (no commit)."""
    for response in attempt.responses:
        revision = response.revision
        grade = get_type(revision.type_id).grade(revision.data, response.answer)
        response.fraction = None if grade.pending else grade.fraction
        response.feedback = grade.feedback
        response.misconceptions = list(grade.misconceptions)
        response.needs_grading = grade.pending and response.answer is not None
        if grade.pending and response.answer is None:
            response.fraction = 0.0  # nothing to grade by hand: an empty essay scores 0
        # the same columns in every row's UPDATE, so the flush sends one executemany
        # instead of one statement per run of rows that happened to change alike
        for name in GRADED_COLUMNS:
            flag_modified(response, name)
    attempt.state = "finished"
    attempt.submitted_at = submitted_at
    regrade_attempt(attempt)


def regrade_attempt(attempt: Attempt) -> None:
    """Totals from the responses' fractions; pending while any essay awaits a grader."""
    points = max_points = 0.0
    for response in attempt.responses:
        max_points += response.revision.points
        points += (response.fraction or 0.0) * response.revision.points
    attempt.points, attempt.max_points = round(points, 6), max_points
    attempt.pending = any(r.needs_grading for r in attempt.responses)
    attempt.score = round(points / max_points, 6) if max_points else 0.0
    attempt.passed = None if attempt.pending else passes(attempt.quiz.settings, attempt.score)


def passes(settings: dict, score: float) -> bool:
    # a rounding tolerance: 4 of 5 is 80%, which must pass an 80% mark
    return score * 100 + 1e-9 >= float(settings.get("pass_mark", 80))
