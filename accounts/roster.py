"""Roster import: a CSV of people, applied all-or-nothing.

Columns: email, name, department (code), hire_date (YYYY-MM-DD), roles
(space- or semicolon-separated; empty means learner). Existing users (by
email) are updated: a changed department is a transfer.

A roster is applied in bulk (a 1,000-row sync is one of the maximum size): the
users are looked up together, written in one flush, and their enrollments made
together through accounts' `members_placed` signal, not row by row. People a
roster creates have no password (no hash is computed) until they are invited.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from accounts.models import ROLES, Department, User
from accounts.service import get_department_by_code, users_by_email
from accounts.signals import members_placed, roles_changed
from extensions import db

COLUMNS = ("email", "name", "department", "hire_date", "roles")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RosterError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class RosterRow:
    line: int
    email: str
    name: str
    department: Department
    hire_date: date | None
    roles: list[str]


@dataclass
class RosterResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def import_roster(text: str, source: str = "roster") -> RosterResult:
    """Validate every row, then apply all of them in one transaction, or raise RosterError."""
    rows = parse_roster(text, source)
    result = RosterResult()
    try:
        apply_rows(rows, users_by_email(row.email for row in rows), result)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def parse_roster(text: str, source: str = "roster") -> list[RosterRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RosterError([f"{source}: line 1: missing column(s): {', '.join(missing)}"])
    rows: list[RosterRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}  # email -> the line it was first on
    departments: dict[str, Department | None] = {}
    for record in reader:
        line = reader.line_num
        problems, row = check_row(record, line, departments)
        email = (record.get("email") or "").strip().lower()
        if email in seen:
            problems.append(f"email {email} also on line {seen[email]}")
        seen.setdefault(email, line)
        if problems:
            errors.extend(f"{source}: line {line}: {p}" for p in problems)
        elif row is not None:
            rows.append(row)
    if errors:
        raise RosterError(errors)
    return rows


def check_row(record: dict[str, str | None], line: int,
              departments: dict[str, Department | None] | None = None
              ) -> tuple[list[str], RosterRow | None]:
    """One row's problems (field-named) and, when it has none, the row to apply.

    `departments` caches the codes looked up, shared by the rows of one roster."""
    values = {key: (record.get(key) or "").strip() for key in COLUMNS}
    problems = []
    if not EMAIL_PATTERN.match(values["email"]):
        problems.append(f"email: '{values['email']}' is not an email address")
    if not values["name"]:
        problems.append("name: empty")
    departments = {} if departments is None else departments
    code = values["department"]
    if code and code not in departments:
        departments[code] = get_department_by_code(code)
    department = departments.get(code) if code else None
    if department is None:
        problems.append(f"department: unknown code '{values['department']}'")
    hire_date = None
    if values["hire_date"]:
        try:
            hire_date = date.fromisoformat(values["hire_date"])
        except ValueError:
            problems.append(f"hire_date: '{values['hire_date']}' is not YYYY-MM-DD")
    roles = re.split(r"[\s;,]+", values["roles"]) if values["roles"] else ["learner"]
    roles = [r for r in roles if r]
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        problems.append(f"roles: unknown {', '.join(unknown)} (known: {', '.join(ROLES)})")
    if problems or department is None:
        return problems, None
    row = RosterRow(line, values["email"].lower(), values["name"], department, hire_date, roles)
    return problems, row


def apply_rows(rows: Sequence[RosterRow], existing: Mapping[str, User],
               result: RosterResult) -> dict[str, User]:
    """Create or update every row's user (no commit); a changed department is a transfer.

    `existing` holds the accounts with the rows' emails (see users_by_email); the rows'
    emails are distinct (parse_roster and the API check). Returns the users by email.
    """
    users: dict[str, User] = {}
    placed: list[tuple[User, int | None]] = []
    for row in rows:
        user = existing.get(row.email)
        if user is None:
            user = User(email=row.email, name=row.name, roles=" ".join(sorted(set(row.roles))),
                        department=row.department, hire_date=row.hire_date, active=True,
                        session_version=1, password_hash=None)
            db.session.add(user)
            result.created.append(row.email)
            placed.append((user, None))
        else:
            previous = user.department_id
            if _update(user, row):
                result.updated.append(row.email)
            else:
                result.unchanged += 1
            if row.department.id != previous:
                placed.append((user, previous))
        users[row.email] = user
    db.session.flush()  # one INSERT pass; the ids the audit and the enrollments need
    for email in result.created:
        user = users.get(email)
        if user is not None and user.roles != "learner":
            roles_changed.send(None, user=user, old=None, new=user.roles, actor_id=None)
    if placed:
        members_placed.send(None, placements=placed)
    return users


def _update(user: User, row: RosterRow) -> bool:
    """Apply the row to an existing user; True if anything changed."""
    new_roles = " ".join(sorted(set(row.roles)))
    if new_roles != " ".join(sorted(user.role_set)):
        roles_changed.send(None, user=user, old=user.roles, new=new_roles, actor_id=None)
    changed = (user.name, user.hire_date, user.roles, user.department_id) != (
        row.name, row.hire_date, new_roles, row.department.id)
    user.name, user.hire_date, user.roles = row.name, row.hire_date, new_roles
    user.department = row.department
    return changed
