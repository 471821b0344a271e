"""Keep the rollups in the transaction of the events that change them.

Before each flush, the listener notes which learners the flush touches
(enrollments, their own department, hire date or active flag, finished quiz
attempts) and computes what those learners contribute to the rollups now;
after the flush it computes it again and adds the difference. Both happen on
the flush's own connection, so the rollups commit or roll back with the event.
Queries inside a flush never autoflush, and every earlier flush of the
transaction has already been applied, so "before" is exactly what the rollups
hold for these learners.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from accounts.models import User
from courses.models import Course, Enrollment
from extensions import db
from quizzes.models import Attempt, Quiz
from reports import rollups

PENDING = "reports.rollups.pending"
# relationships too: setting `user.department` changes department_id only during the flush
ENROLLMENT_FIELDS = ("user_id", "course_id", "course", "source", "enrolled_at", "started_at",
                     "completed_at", "completed_department_id", "due_date")
USER_FIELDS = ("department_id", "department", "active", "hire_date", "created_at")
ATTEMPT_FIELDS = ("user_id", "quiz_id", "quiz", "number", "state", "pending", "score",
                  "submitted_at")


def register() -> None:
    """Listen on the session class behind db.session (once, however many apps are made)."""
    if not event.contains(db.session, "before_flush", before_flush):
        event.listen(db.session, "before_flush", before_flush)
        event.listen(db.session, "after_flush", after_flush)


def _changed(obj: Any, fields: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in fields)


def _old_values(obj: Any, name: str) -> list[Any]:
    return [value for value in inspect(obj).attrs[name].history.deleted if value is not None]


def _finished_before_or_after(attempt: Attempt) -> bool:
    return attempt.state == "finished" or "finished" in _old_values(attempt, "state")


class Touched:
    """What a flush changes, as the rollups see it."""

    def __init__(self) -> None:
        self.users: set[int] = set()  # every enrollment of these learners, and their membership
        self.pairs: set[tuple[int, int]] = set()  # these (learner, course) enrollments
        self.concept_users: set[int] = set()  # these learners' first attempts
        self.new_users: list[User] = []  # ids arrive during the flush
        self.new_enrollments: list[Enrollment] = []

    def __bool__(self) -> bool:
        return bool(self.users or self.pairs or self.concept_users or self.new_users
                    or self.new_enrollments)

    def add(self, session: Session, obj: Any, status: str) -> None:
        if isinstance(obj, Course | Quiz):
            if status == "deleted" and obj.id is not None:
                self._deleting_quizzes(session, obj)
        elif isinstance(obj, Enrollment):
            if status == "dirty" and not _changed(obj, ENROLLMENT_FIELDS):
                return
            if status == "new":  # nothing to take away yet; its key is read after the flush
                self.new_enrollments.append(obj)
                return
            self.pairs.add((obj.user_id, obj.course_id))
            if status == "dirty":  # a changed learner or course: the old pair changes too
                for user_id in _old_values(obj, "user_id") or [obj.user_id]:
                    for course_id in _old_values(obj, "course_id") or [obj.course_id]:
                        self.pairs.add((user_id, course_id))
        elif isinstance(obj, User):
            if status == "new":
                self.new_users.append(obj)
            elif status == "deleted" or _changed(obj, USER_FIELDS):
                self.users.add(obj.id)
                self.concept_users.add(obj.id)
        elif isinstance(obj, Attempt):
            if status == "dirty" and not _changed(obj, ATTEMPT_FIELDS):
                return
            if not _finished_before_or_after(obj):
                return
            if 1 in (obj.number, *_old_values(obj, "number")):  # concepts count first attempts
                self.concept_users.add(obj.user_id)
            self.pairs.add((obj.user_id, obj.quiz.course_id))  # the best score of that course


    def _deleting_quizzes(self, session: Session, obj: Course | Quiz) -> None:
        """The database deletes their attempts, and a course's enrollments (ON DELETE
        CASCADE): recount those learners, so the rollups lose exactly what went."""
        quizzes = select(Quiz.id).where(Quiz.course_id == obj.id if isinstance(obj, Course)
                                        else Quiz.id == obj.id)
        learners = session.execute(select(Attempt.user_id, Quiz.course_id).distinct()
                                   .join(Quiz, Quiz.id == Attempt.quiz_id)
                                   .where(Attempt.quiz_id.in_(quizzes))).all()
        self.concept_users.update(user_id for user_id, _ in learners)
        self.pairs.update((user_id, course_id) for user_id, course_id in learners)
        if isinstance(obj, Course):
            self.pairs.update((user_id, obj.id) for user_id in session.scalars(
                select(Enrollment.user_id).where(Enrollment.course_id == obj.id)))


def before_flush(session: Session, _context: Any, _instances: Any) -> None:
    session.info.pop(PENDING, None)  # left over if an earlier flush failed
    touched = Touched()
    for status, objects in (("new", session.new), ("dirty", session.dirty),
                            ("deleted", session.deleted)):
        for obj in objects:
            touched.add(session, obj, status)
    if not touched:
        return
    before = rollups.contribution(session.connection(), touched.users, touched.pairs,
                                  touched.concept_users)
    session.info[PENDING] = (touched, before)


def after_flush(session: Session, _context: Any) -> None:
    pending = session.info.pop(PENDING, None)
    if pending is None:
        return
    touched, before = pending
    users = touched.users | {u.id for u in touched.new_users}
    pairs = touched.pairs | {(e.user_id, e.course_id) for e in touched.new_enrollments}
    connection = session.connection()
    after = rollups.contribution(connection, users, pairs, touched.concept_users)
    rollups.apply_difference(connection, before, after)
