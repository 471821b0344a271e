"""Report tables: rollups kept in the events' transaction, the mail outbox, certificates.

Rollups are keyed by plain integers without foreign keys: department 0 means
"no department", course 0 is a department's membership row and course -1 the
sum of all its rows (so the unfiltered dashboard reads one row per department);
one table holds them all and a unique key never meets NULL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
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
    from courses.models import Enrollment

# The counted figures, in the order every rollup query returns them.
METRICS = ("members", "enrolled", "in_progress", "completed", "overdue", "score_sum", "score_n")
MEMBERS_ROW = 0  # course_id of a department's membership row
ALL_COURSES = -1  # course_id of the row summing a department's other rows


class _Figures:
    """The metric columns: counts, and quiz scores in basis points (1.0 = 10000)."""

    members: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    enrolled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    in_progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    completed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    overdue: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    score_sum: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    score_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RollupTotal(_Figures, Model):
    """Per course and department: the sum of every dated change (see RollupDay).

    Figures as of a day D are these totals minus the changes dated after D,
    which for D = today are only the few scheduled ones (due dates ahead).
    """

    __tablename__ = "report_rollups"

    course_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class RollupDay(_Figures, Model):
    """Per course, day and department: how each figure changes at the start of that day.

    The key is (course, day, department) and SQLite stores rows in key order (WITHOUT
    ROWID), so "one course's (or all courses') changes after D" is one contiguous
    range on both databases.
    """

    __tablename__ = "report_rollup_days"
    __table_args__ = {"sqlite_with_rowid": False}

    course_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class ConceptRollup(Model):
    """Per department: first-attempt answers on questions tagged with a concept, and the
    misconceptions (tags on wrong options) those answers chose."""

    __tablename__ = "report_concepts"

    department_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # concept | misconception
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    responses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    score_sum: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # basis pts
    learners: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OutboxMessage(Model):
    """Every reminder sent: delivered by SMTP (sent_at set) or held here when none is set.

    One message per kind, recipient and day, which makes `reminders send` idempotent.
    """

    __tablename__ = "report_outbox"
    __table_args__ = (UniqueConstraint("kind", "recipient_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # learner | digest
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    to_email: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class Certificate(Model):
    """A completed course's certificate; the code verifies it at a public address."""

    __tablename__ = "report_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True
    )
    code: Mapped[str] = mapped_column(String(16), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime)

    enrollment: Mapped[Enrollment] = relationship()


class ExportJob(Model):
    """A raw-list export written by a worker process, not a web request.

    The row is the source of truth whichever runner runs it (a `flask reports work`
    child per job, or RQ): queued -> running (rows_written of rows_expected, a
    heartbeat) -> done (the file kept until expires_at) or failed; expired once
    the file is deleted. Only the requester and admins see the row and the file.
    """

    __tablename__ = "report_export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                              index=True)
    kind: Mapped[str] = mapped_column(String(32))  # enrollments
    fmt: Mapped[str] = mapped_column(String(8))  # csv | xlsx
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    rows_expected: Mapped[int | None] = mapped_column(Integer)
    rows_written: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    download_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str | None] = mapped_column(String(200))  # under instance/exports
    size: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(200))  # host.pid while running
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)

    requester: Mapped[User] = relationship()
