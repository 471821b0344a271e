"""Tables of the internal-customer surveys: pledges, cycles, participation, answers.

Anonymity is a property of the schema, not of the pages:
- `survey_participation` says who answered (for reminders and response rates). It has no
  surrogate id, no timestamp and nothing that points at an answer.
- `survey_answer_sets` and the rows under them say what was answered. They are keyed by
  the SHA-256 of a random key that only the respondent holds (their session and a
  resume code shown to them); they carry the respondent's department and nothing else
  about the person, and no timestamp (the cycle's window is the only time there is).
- Both tables are keyed by their natural keys (on SQLite WITHOUT ROWID), so no shared
  sequence or insertion order numbers rows that were written in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model

FACTORS = ("promises", "knowledge", "timeliness", "respect", "adaptability")
PLEDGE_FACTOR = "pledge"
CYCLE_STATES = ("draft", "open", "closed")


class Pledge(Model):
    """A service a department promises its customers, and the standard it promises."""

    __tablename__ = "survey_pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    service: Mapped[str] = mapped_column(String(300))
    standard: Mapped[str] = mapped_column(String(300))
    # customer department ids; empty means every department it serves
    customer_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))


class PledgeRevision(Model):
    """Each change of a pledge, as it read after the change (names as they were then)."""

    __tablename__ = "survey_pledge_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("survey_pledges.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # created | changed | removed
    service: Mapped[str] = mapped_column(String(300))
    standard: Mapped[str] = mapped_column(String(300))
    customers: Mapped[str] = mapped_column(Text, default="")  # names, as they were
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    changed_by_name: Mapped[str] = mapped_column(String(200), default="")


class SupplierLink(Model):
    """HR's map: this supplier department serves that customer department."""

    __tablename__ = "survey_supplier_links"

    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)


class Cycle(Model):
    __tablename__ = "survey_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)  # the last day answers are taken
    state: Mapped[str] = mapped_column(String(16), default="draft")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    departments: Mapped[list[CycleDepartment]] = relationship(
        order_by="CycleDepartment.name", cascade="all, delete-orphan")
    statements: Mapped[list[Statement]] = relationship(
        order_by="Statement.id", cascade="all, delete-orphan")


class CycleDepartment(Model):
    """A department taking part, with its name and code as they were when the cycle opened:
    results keep that name after a rename, a merge or a removal."""

    __tablename__ = "survey_cycle_departments"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("survey_cycles.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(64))
    members: Mapped[int] = mapped_column(Integer, default=0)  # active members at opening


class Statement(Model):
    """One 1-5 statement of a cycle: a factor statement for every supplier, or a pledge
    statement (department_id set) shown only when rating that supplier."""

    __tablename__ = "survey_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("survey_cycles.id", ondelete="CASCADE"), index=True)
    factor: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    department_id: Mapped[int | None] = mapped_column(Integer)
    text_zh: Mapped[str] = mapped_column(String(500))
    text_en: Mapped[str] = mapped_column(String(500))


class Participation(Model):
    """Who took part: enough for reminders and response rates, nothing that joins answers."""

    __tablename__ = "survey_participation"
    __table_args__ = {"sqlite_with_rowid": False}

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("survey_cycles.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int | None] = mapped_column(Integer)


class AnswerSet(Model):
    """One respondent's answers in a cycle, found only by the hash of their own key."""

    __tablename__ = "survey_answer_sets"
    __table_args__ = {"sqlite_with_rowid": False}

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("survey_cycles.id", ondelete="CASCADE"), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    department_id: Mapped[int | None] = mapped_column(Integer)  # the respondent's


class Rating(Model):
    """What one respondent said about one supplier department."""

    __tablename__ = "survey_ratings"
    # the matrix reads (supplier, customer, overall) from this index alone, in group order
    __table_args__ = (Index("ix_survey_ratings_matrix", "cycle_id", "supplier_id",
                            "customer_id", "overall"),
                      {"sqlite_with_rowid": False})

    cycle_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    supplier_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(Integer)  # the respondent's department
    overall: Mapped[int | None] = mapped_column(SmallInteger)  # 1-5
    loyalty: Mapped[int | None] = mapped_column(SmallInteger)  # 1-5
    recommend: Mapped[int | None] = mapped_column(SmallInteger)  # 0-10
    comment: Mapped[str] = mapped_column(Text, default="")


class Score(Model):
    """One 1-5 answer to one statement about one supplier."""

    __tablename__ = "survey_scores"
    __table_args__ = {"sqlite_with_rowid": False}

    cycle_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    supplier_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    statement_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(SmallInteger)
