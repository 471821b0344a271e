"""A learner's quiz override: extra minutes and extra attempts a trainer grants (a late
start, an accommodation), recorded in the audit log."""

from __future__ import annotations

from sqlalchemy import select

from accounts.models import User
from audit.service import record
from extensions import db
from quizzes.models import Quiz, QuizOverride


def get_override(quiz: Quiz, user: User) -> QuizOverride | None:
    return db.session.scalar(select(QuizOverride).where(
        QuizOverride.quiz_id == quiz.id, QuizOverride.user_id == user.id))


def set_override(quiz: Quiz, user: User, extra_minutes: int, extra_attempts: int,
                 actor: User | None = None) -> QuizOverride:
    if extra_minutes < 0 or extra_attempts < 0:
        raise ValueError("extra time and attempts cannot be negative")  # forms refuse them
    override = get_override(quiz, user) or QuizOverride(quiz_id=quiz.id, user_id=user.id)
    override.extra_minutes, override.extra_attempts = extra_minutes, extra_attempts
    db.session.add(override)
    record(actor.id if actor else None, "override", "quiz", quiz.id,
           f"{user.email}: +{extra_minutes} min, +{extra_attempts} attempt(s)",
           name=user.email, minutes=extra_minutes, attempts=extra_attempts)
    db.session.commit()
    return override


def overrides_of(quiz: Quiz) -> list[tuple[QuizOverride, User]]:
    rows = db.session.execute(select(QuizOverride, User).join(
        User, User.id == QuizOverride.user_id).where(QuizOverride.quiz_id == quiz.id))
    return [(override, user) for override, user in rows]
