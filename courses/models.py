"""Courses, lessons, the outline, assignments, enrollments and progress."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
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

    # OutlineItem.quiz is a quizzes.models.Quiz, which courses may not import, not even
    # for types (quizzes sits above courses): to the type checker it is Any.
    Quiz: TypeAlias = Any

# Slugs and keys: lower-case letters, digits and dashes, at most 100 (their columns).
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
TITLE_MAX = 200
ESTIMATED_MINUTES_MAX = 10_000  # a course's estimate, in content files and the editor

COURSE_STATUSES = ("draft", "published", "archived")


class Course(Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="published")
    estimated_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # bumped on every metadata or outline edit: a stale edit form is refused, not applied
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    items: Mapped[list[OutlineItem]] = relationship(
        back_populates="course", order_by="OutlineItem.position", cascade="all, delete-orphan"
    )


class Lesson(Model):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)  # rendered and sanitized once, at save time
    revision: Mapped[int] = mapped_column(Integer, default=1)  # the published revision
    reading_minutes: Mapped[int] = mapped_column(Integer, default=1)
    # a saved, not yet published revision (learners keep seeing `revision` until publish)
    draft_revision: Mapped[int | None] = mapped_column(Integer)

    revisions: Mapped[list[LessonRevision]] = relationship(
        back_populates="lesson", order_by="LessonRevision.revision", cascade="all, delete-orphan"
    )


class LessonRevision(Model):
    __tablename__ = "lesson_revisions"
    __table_args__ = (UniqueConstraint("lesson_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    lesson: Mapped[Lesson] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class OutlineItem(Model):
    """One step of a course: a lesson or a quiz, in order, required or optional."""

    __tablename__ = "outline_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    course: Mapped[Course] = relationship(back_populates="items")
    lesson: Mapped[Lesson | None] = relationship()
    quiz: Mapped[Quiz | None] = relationship()

    @property
    def kind(self) -> str:
        return "lesson" if self.lesson_id else "quiz"

    @property
    def target_key(self) -> tuple[str, int | None]:
        return (self.kind, self.lesson_id or self.quiz_id)

    @property
    def title(self) -> str:
        target = self.lesson or self.quiz
        return target.title if target else ""

    @property
    def published(self) -> bool:
        """Learners see the step once it has something published: a lesson revision,
        or a quiz question. A step a trainer has only just added stays out of sight."""
        if self.lesson is not None:
            return self.lesson.revision > 0
        return self.quiz is not None and any(
            q.current_revision_id is not None and not q.retired for q in self.quiz.questions)


class Assignment(Model):
    """A course assigned to one department, its subtree, or everyone (department None)."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    include_subtree: Mapped[bool] = mapped_column(Boolean, default=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    due_days: Mapped[int | None] = mapped_column(Integer)
    # "hire": N days after the learner's hire date; "assignment": after they were enrolled.
    due_from: Mapped[str] = mapped_column(String(16), default="hire")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    course: Mapped[Course] = relationship()


class Enrollment(Model):
    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        # "has this learner an assigned enrollment by then": the report drill-down asks it
        # of every member of a division, answered from the index alone
        Index("ix_enrollments_user_source_enrolled", "user_id", "source", "enrolled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16), default="assignment")
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )
    due_date: Mapped[date | None] = mapped_column(Date)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Stamped with completion, so history stays true after a transfer.
    completed_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    last_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("outline_items.id", ondelete="SET NULL")
    )
    # The steps this learner has done, as step keys ("l<lesson id>", "q<quiz id>") split
    # by spaces: the outline reads it instead of every step's progress on every page.
    # Written where progress changes (courses.service.record_step); read through
    # courses.progress, whose is_step_done is the one answer to "is this step done".
    done_steps: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now(), index=True
    )

    course: Mapped[Course] = relationship()


class LessonProgress(Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    read_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class OutlineVersion(Model):
    """One row counting changes to what learners' outlines show (courses, lessons, outline
    steps, quizzes and their questions), so that each process may keep the published
    outlines it built until the count moves (courses.outline.published_outlines)."""

    __tablename__ = "course_outline_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
