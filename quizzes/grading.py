"""Grading: an attempt (each response by its question type, then the attempt's totals),
then the learner's grade on the quiz by its grading method, which courses hears of."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from accounts.models import User
from courses import service as courses
from extensions import db
from quizzes.models import Attempt, Quiz, QuizGrade, Response
from quizzes.signals import attempt_graded
from quizzes.types import get_type


def finish_attempt(attempt: Attempt, submitted_at: datetime) -> None:
    """Grade every saved answer and close the attempt (no commit).

    The responses' grades go in one executemany UPDATE, each loaded response given the
    same values as committed state: twenty dirty objects through the unit of work (and
    every flush listener's scan of them) cost more than the grading itself. The attempt
    stays an ORM change: the report rollups hear of it in the flush.
    """
    rows = []
    for response in attempt.responses:
        revision = response.revision
        grade = get_type(revision.type_id).grade(revision.data, response.answer)
        pending = grade.pending and response.answer is not None
        if not grade.pending:
            fraction = grade.fraction
        elif pending:
            fraction = None  # a grader's to give
        else:
            fraction = 0.0  # nothing to grade by hand: an empty essay scores 0
        values = {"fraction": fraction, "feedback": grade.feedback,
                  "misconceptions": list(grade.misconceptions), "needs_grading": pending}
        for name, value in values.items():
            set_committed_value(response, name, value)
        rows.append({"response_id": response.id, **values})
    if rows:
        db.session.execute(_GRADE_RESPONSE, rows)
    attempt.state = "finished"
    attempt.submitted_at = submitted_at
    regrade_attempt(attempt)


_GRADE_RESPONSE = (update(Response.__table__)
                   .where(Response.__table__.c.id == bindparam("response_id"))
                   .values(fraction=bindparam("fraction"), feedback=bindparam("feedback"),
                           misconceptions=bindparam("misconceptions"),
                           needs_grading=bindparam("needs_grading")))


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


def record_final_grade(attempt: Attempt) -> None:
    """Once the score is final: the learner's quiz grade, then course completion."""
    if attempt.pending:
        return
    quiz = attempt.quiz
    user = db.session.get(User, attempt.user_id)
    assert user is not None, "the attempt's foreign key names it"
    grade = record_quiz_grade(quiz, user)
    attempt_graded.send(attempt)
    if grade is not None:  # the outline's stored progress, and completion once passed
        courses.note_quiz_grade(user, quiz.course, quiz.id, grade.passed)


def record_quiz_grade(quiz: Quiz, user: User) -> QuizGrade | None:
    # the scores only: whole attempts would decode every layout (and load into the session)
    scores = [score or 0.0 for score in db.session.scalars(select(Attempt.score).where(
        Attempt.quiz_id == quiz.id, Attempt.user_id == user.id, Attempt.state == "finished",
        Attempt.pending.is_(False)).order_by(Attempt.number))]
    if not scores:
        return None
    score = grade_by_method(quiz.settings.get("grading_method", "highest"), scores)
    grade = db.session.scalar(select(QuizGrade).where(
        QuizGrade.quiz_id == quiz.id, QuizGrade.user_id == user.id))
    if grade is None:
        grade = QuizGrade(quiz_id=quiz.id, user_id=user.id)
        db.session.add(grade)
    grade.score = score
    grade.passed = passes(quiz.settings, score)
    db.session.flush()
    return grade


def grade_by_method(method: str, scores: list[float]) -> float:
    """scores in attempt order; `first` and `latest` mean by attempt number."""
    if method == "first":
        return scores[0]
    if method == "latest":
        return scores[-1]
    if method == "average":
        return sum(scores) / len(scores)
    return max(scores)
