"""Essays graded by hand: the trainers' queue and the grade that completes an attempt."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from accounts.models import User
from audit.service import record
from extensions import db
from quizzes.grading import record_final_grade, regrade_attempt
from quizzes.models import Attempt, QuestionRevision, Quiz, Response
from quizzes.service import AttemptError


def gradable(response: Response) -> bool:
    """Only essays in submitted attempts are graded by hand (again, to correct a grade);
    an automatic grade or an attempt still being taken is never touched."""
    return response.revision.type_id == "essay" and response.attempt.state == "finished"


def grade_response(response: Response, fraction: float, feedback: str, grader: User) -> Attempt:
    """A trainer's hand grade for an essay; the attempt's score follows when none are left."""
    if not gradable(response):
        raise AttemptError("only essays in submitted attempts are graded by hand")
    if not 0 <= fraction <= 1:
        raise AttemptError("the grade must be between 0 and the question's points")
    response.fraction, response.feedback = fraction, feedback
    response.needs_grading, response.graded_by_id = False, grader.id
    attempt = response.attempt
    regrade_attempt(attempt)
    record_final_grade(attempt)
    record(grader.id, "grade", "response", response.id,
           f"{fraction * response.revision.points:g} of {response.revision.points:g} points, "
           f"attempt {attempt.id}", name=attempt.quiz.title, attempt=attempt.id,
           points=round(fraction * response.revision.points, 2),
           of=response.revision.points)
    db.session.commit()
    return attempt


def grading_queue() -> list[tuple[Response, User]]:
    """Essays waiting for a grade, with who wrote them, oldest submission first."""
    rows = db.session.execute(
        select(Response, User).join(Attempt, Attempt.id == Response.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .where(Response.needs_grading, Attempt.state == "finished")
        .order_by(Attempt.submitted_at, Response.id))
    return [(response, learner) for response, learner in rows]


@dataclass
class GradingGroup:
    """One essay question with the answers that wait for a grade, oldest first."""

    revision: QuestionRevision
    quiz: Quiz
    answers: list[tuple[Response, User]]


def grading_groups() -> list[GradingGroup]:
    """The queue by question, so the prompt and rubric are read once for many answers."""
    groups: dict[int, GradingGroup] = {}
    for response, learner in grading_queue():
        group = groups.get(response.revision_id)
        if group is None:
            group = groups[response.revision_id] = GradingGroup(
                response.revision, response.attempt.quiz, [])
        group.answers.append((response, learner))
    return list(groups.values())
