"""Roster import: a CSV of people, applied all-or-nothing.

Columns: email, name, department (code), hire_date (YYYY-MM-DD), roles
(space- or semicolon-separated; empty means learner). Existing users (by
email) are updated: a changed department is a transfer.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from accounts.models import ROLES, Department, User
from accounts.service import add_user, get_department_by_code, move_user, users_by_email
from audit import service as audit
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
        existing = users_by_email(row.email for row in rows)
        for row in rows:
            apply_row(row, result, existing.get(row.email))
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
    rows, errors, seen = [], [], {}
    for record in reader:
        line = reader.line_num
        problems, row = check_row(record, line)
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


def check_row(record: dict[str, str | None], line: int) -> tuple[list[str], RosterRow | None]:
    """One row's problems (field-named) and, when it has none, the row to apply."""
    values = {key: (record.get(key) or "").strip() for key in COLUMNS}
    problems = []
    if not EMAIL_PATTERN.match(values["email"]):
        problems.append(f"email: '{values['email']}' is not an email address")
    if not values["name"]:
        problems.append("name: empty")
    department = get_department_by_code(values["department"]) if values["department"] else None
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


def apply_row(row: RosterRow, result: RosterResult, user: User | None) -> User:
    """Create or update the row's user (no commit); a changed department is a transfer.

    `user` is the existing account with the row's email (see users_by_email), or None.
    """
    if user is None:
        user = add_user(row.email, row.name, roles=row.roles, department=row.department,
                        hire_date=row.hire_date)
        if set(row.roles) != {"learner"}:
            audit.record(None, "roles", "user", user.id, f"{user.email}: created as {user.roles}",
                         name=user.email, old=None, new=user.roles)
        result.created.append(row.email)
        return user
    new_roles = " ".join(sorted(set(row.roles)))
    if new_roles != " ".join(sorted(user.role_set)):
        audit.record(None, "roles", "user", user.id, f"{user.email}: {user.roles} -> {new_roles}",
                     name=user.email, old=user.roles, new=new_roles)
    changed = (user.name, user.hire_date, user.roles, user.department_id) != (
        row.name, row.hire_date, new_roles, row.department.id)
    user.name, user.hire_date, user.roles = row.name, row.hire_date, new_roles
    move_user(user, row.department)
    if changed:
        result.updated.append(row.email)
    else:
        result.unchanged += 1
    return user
