"""Policy rollout tables: lesson questions (and their FAQ), briefings and read receipts."""

from __future__ import annotations

from datetime import datetime, timedelta
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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model

if TYPE_CHECKING:
    from accounts.models import User
    from courses.models import Course, OutlineItem
    from quizzes.models import Quiz


class LessonQuestion(Model):
    """A learner's question on one lesson step; private to the asker and trainers until a
    trainer publishes it (without the asker's name) as the lesson's FAQ."""

    __tablename__ = "rollout_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("outline_items.id", ondelete="CASCADE"),
                                         index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)  # Markdown as typed
    body_html: Mapped[str] = mapped_column(Text)  # rendered and sanitized once
    asked_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime)  # the response target
    answer: Mapped[str | None] = mapped_column(Text)
    answer_html: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answerer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the asker dismissed the "your question was answered" note on the home page.
    seen_at: Mapped[datetime | None] = mapped_column(DateTime)

    item: Mapped[OutlineItem] = relationship()
    asker: Mapped[User] = relationship(foreign_keys=[asker_id])


class Briefing(Model):
    """A trainer's announcement to chosen departments (and everything below them)."""

    __tablename__ = "rollout_briefings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    course: Mapped[Course | None] = relationship()
    audience: Mapped[list[BriefingDepartment]] = relationship(cascade="all, delete-orphan")


class BriefingDepartment(Model):
    __tablename__ = "rollout_briefing_departments"

    briefing_id: Mapped[int] = mapped_column(
        ForeignKey("rollout_briefings.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)


class BriefingReceipt(Model):
    """"Read and understood", once per person and briefing."""

    __tablename__ = "rollout_briefing_receipts"
    __table_args__ = (UniqueConstraint("briefing_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(
        ForeignKey("rollout_briefings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime)


class Contest(Model):
    """A knowledge contest on a quiz's question bank: everyone starts at `starts_at`."""

    __tablename__ = "rollout_contests"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    questions_per_person: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    quiz: Mapped[Quiz] = relationship()
    audience: Mapped[list[ContestDepartment]] = relationship(cascade="all, delete-orphan")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class ContestDepartment(Model):
    __tablename__ = "rollout_contest_departments"

    contest_id: Mapped[int] = mapped_column(
        ForeignKey("rollout_contests.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)


class ContestEntry(Model):
    """One person's run: the questions drawn for them (the quiz attempt layout format),
    their answers by slot, and the score once finished (or closed at the deadline)."""

    __tablename__ = "rollout_contest_entries"
    __table_args__ = (UniqueConstraint("contest_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("rollout_contests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The department when joining: the leaderboard stays true after transfers.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"))
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    layout: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    joined_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    score: Mapped[float | None] = mapped_column(Float)  # 0..1
    seconds: Mapped[float | None] = mapped_column(Float)  # from the start to finishing

    user: Mapped[User] = relationship()
