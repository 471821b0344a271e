"""Quizzes, question revisions, attempts and responses."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model

if TYPE_CHECKING:
    from accounts.models import User
    from courses.models import Course


class Quiz(Model):
    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.position", cascade="all, delete-orphan"
    )
    cases: Mapped[list[QuizCase]] = relationship(cascade="all, delete-orphan")
    course: Mapped[Course] = relationship()


class QuizCase(Model):
    """A scenario text shown above the questions that belong to it."""

    __tablename__ = "quiz_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)


class Question(Model):
    """A question's identity in a quiz; its content lives in revisions."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_cases.id", ondelete="SET NULL"))
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_revisions.id", use_alter=True, ondelete="SET NULL")
    )
    # a saved, not yet published revision; learners get `current` until publish
    draft_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_revisions.id", use_alter=True, ondelete="SET NULL")
    )
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    case: Mapped[QuizCase | None] = relationship()
    current: Mapped[QuestionRevision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )
    draft: Mapped[QuestionRevision | None] = relationship(
        foreign_keys=[draft_revision_id], post_update=True
    )

    @property
    def latest(self) -> QuestionRevision | None:
        """What a trainer edits: the draft if there is one, else the published revision."""
        return self.draft or self.current


class QuestionRevision(Model):
    """Immutable: an attempt points at the revision it was given."""

    __tablename__ = "question_revisions"
    __table_args__ = (UniqueConstraint("question_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    type_id: Mapped[str] = mapped_column(String(32))
    prompt: Mapped[str] = mapped_column(Text)
    prompt_html: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    points: Mapped[float] = mapped_column(Float, default=1.0)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    feedback: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    question: Mapped[Question] = relationship(foreign_keys=[question_id])
    author: Mapped[User | None] = relationship()


class QuizOverride(Model):
    """Per-learner exceptions a trainer grants: extra time, extra attempts."""

    __tablename__ = "quiz_overrides"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)
    extra_attempts: Mapped[int] = mapped_column(Integer, default=0)


class Attempt(Model):
    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="in_progress")
    seed: Mapped[int] = mapped_column(Integer)
    # [{"revision_id": int, "options": [original index, ...] | null}, ...] in display order
    layout: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    submit_until: Mapped[datetime | None] = mapped_column(DateTime)  # deadline + grace
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    points: Mapped[float | None] = mapped_column(Float)
    max_points: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)  # fraction 0..1
    passed: Mapped[bool | None] = mapped_column(Boolean)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)  # essays await a grader

    responses: Mapped[list[Response]] = relationship(
        back_populates="attempt", order_by="Response.slot", cascade="all, delete-orphan"
    )
    quiz: Mapped[Quiz] = relationship()


class Response(Model):
    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column(Integer)
    revision_id: Mapped[int] = mapped_column(ForeignKey("question_revisions.id"))
    answer: Mapped[Any] = mapped_column(JSON, nullable=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)  # refuses stale tabs (409)
    saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    fraction: Mapped[float | None] = mapped_column(Float)
    feedback: Mapped[str] = mapped_column(Text, default="")
    misconceptions: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_grading: Mapped[bool] = mapped_column(Boolean, default=False)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
    revision: Mapped[QuestionRevision] = relationship()


class QuizGrade(Model):
    """A learner's grade on a quiz by its grading method: what completion reads."""

    __tablename__ = "quiz_grades"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )
