"""People: departments (a tree) and users."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, exists, func
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from extensions import Model

ROLES = ("learner", "trainer", "hr", "admin")


class Department(Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", use_alter=True, ondelete="SET NULL")
    )

    parent: Mapped[Department | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Department]] = relationship(back_populates="parent")
    head: Mapped[User | None] = relationship(foreign_keys=[head_id])

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(64), default="learner")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    hire_date: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    # An IANA zone name ("Europe/Berlin"); None: the school's zone.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # Part of the login id: bumping it revokes every session and remember-me cookie.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles.split())

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


# Whether the user leads a department (heads read their subtree's reports, and the header
# shows them the link). Deferred: the login loader asks for it in the user's own query
# (accounts.service.load_user); anywhere else, reading it runs one query.
User.heads_a_department = column_property(
    exists().where(Department.head_id == User.id), deferred=True)


class SchoolSettings(Model):
    """The school-wide defaults (one row): the language and time zone of anyone who
    has not chosen their own. Without a row, the app configuration's defaults apply."""

    __tablename__ = "school_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    default_locale: Mapped[str] = mapped_column(String(16))
    time_zone: Mapped[str] = mapped_column(String(64))


class TreeVersion(Model):
    """One row counting changes to the departments, so that each process may keep the
    department tree it built until the count moves (accounts.tree.department_tree)."""

    __tablename__ = "department_tree_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
