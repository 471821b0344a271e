"""Rules the API needs that other packages do not offer yet. No request objects here.

- Roster sync in bulk: JSON rows checked by accounts' roster rules (the same ones
  the CSV import uses), applied all-or-nothing, each problem reported by row.
- Departments in bulk (accounts.service.create_department commits per call).
- Deactivating leavers: they stop signing in and stop receiving new courses; every
  enrollment, attempt, grade and statement they have stays.
- A learner's transcript, from the courses and quizzes tables in a few set-based queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from accounts import policy
from accounts import service as accounts
from accounts.models import Department, User
from accounts.preferences import local_today as current_day
from accounts.roster import RosterResult, RosterRow, apply_rows, check_row
from accounts.signals import member_placed
from api.queries import status_fields
from courses.progress import CourseProgress, learner_progress
from extensions import db
from quizzes.models import Attempt, QuizGrade

USER_FIELDS = ("email", "name", "department", "hire_date", "roles", "active")
DEPARTMENT_FIELDS = ("code", "name", "parent")
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
LIMITS = {"email": 320, "name": 200, "department": 64, "hire_date": 10, "code": 64,
          "parent": 64, "role": 16}


class BulkError(ValueError):
    """Nothing was written; `errors` name each row and field at fault."""

    def __init__(self, errors: list[dict[str, Any]], message: str = "no row was applied"):
        super().__init__(message)
        self.errors = errors


@dataclass
class BulkResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def row_error(index: int, field_name: str, message: str, key: str | None) -> dict[str, Any]:
    """One entry of a 422's details: the row (its index and key), the field, what is wrong."""
    return {"index": index, "key": key, "field": field_name, "message": message}


def _text(row: dict[str, Any], name: str, index: int, key: str | None,
          errors: list[dict[str, Any]], *, required: bool) -> str | None:
    """A string field: present when required, a string, no NUL, within its length."""
    value = row.get(name)
    if value is None:
        if required:
            errors.append(row_error(index, name, "required", key))
        return None
    if not isinstance(value, str):
        errors.append(row_error(index, name, "must be a string", key))
        return None
    if "\x00" in value:
        errors.append(row_error(index, name, "contains a NUL character", key))
        return None
    if len(value.strip()) > LIMITS[name]:
        errors.append(row_error(index, name, f"has more than {LIMITS[name]} characters", key))
        return None
    return value


def _check_shape(rows: Any, fields: tuple[str, ...], max_rows: int, key_field: str
                 ) -> tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]:
    """The rows that are objects (with their index), and the errors of shape found."""
    if not isinstance(rows, list):
        raise BulkError([row_error(-1, "", "expected a list of rows", None)], "malformed body")
    if not rows:
        raise BulkError([row_error(-1, "", "the list of rows is empty", None)], "malformed body")
    if len(rows) > max_rows:
        raise BulkError([row_error(-1, "", f"at most {max_rows} rows per request", None)],
                        "too many rows")
    errors, objects = [], []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append(row_error(index, "", "each row must be an object", None))
            continue
        objects.append((index, row))
        key = row.get(key_field) if isinstance(row.get(key_field), str) else None
        errors.extend(row_error(index, str(name), "unknown field", key)
                      for name in row if name not in fields)
    return objects, errors


# --- users --------------------------------------------------------------------------------

@dataclass
class _UserRow:
    row: RosterRow
    active: bool | None
    keep_roles: bool
    keep_hire_date: bool


def upsert_users(rows: Any, max_rows: int = 1000) -> BulkResult:
    """Create or update users by email, all or nothing; raise BulkError naming each bad row."""
    checked, errors = _check_shape(rows, USER_FIELDS, max_rows, "email")
    prepared: list[_UserRow] = []
    seen: dict[str, int] = {}
    existing = accounts.users_by_email(row["email"] for _, row in checked
                                       if isinstance(row.get("email"), str))
    departments: dict[str, Department | None] = {}  # looked up once per code
    for index, row in checked:
        item = _prepare_user(index, row, errors, departments)
        if item is None:
            continue
        problem = _admin_problem(item, existing.get(item.row.email))
        if problem:
            errors.append(row_error(index, *problem, item.row.email))
            continue
        if item.row.email in seen:
            errors.append(row_error(index, "email", f"also in row {seen[item.row.email]}",
                                 item.row.email))
            continue
        seen[item.row.email] = index
        prepared.append(item)
    if errors:
        raise BulkError(sorted(errors, key=lambda e: e["index"]))
    return _apply_users(prepared, existing)


def _prepare_user(index: int, row: dict[str, Any], errors: list[dict[str, Any]],
                  departments: dict[str, Department | None]) -> _UserRow | None:
    key = row["email"].strip().lower() if isinstance(row.get("email"), str) else None
    found: list[dict[str, Any]] = []
    email = _text(row, "email", index, key, found, required=True)
    name = _text(row, "name", index, key, found, required=True)
    department = _text(row, "department", index, key, found, required=True)
    hire_date = _text(row, "hire_date", index, key, found, required=False)
    roles = row.get("roles")
    if "roles" in row and not (isinstance(roles, list) and all(
            isinstance(r, str) and "\x00" not in r and len(r) <= LIMITS["role"]
            for r in roles)):
        found.append(row_error(index, "roles", "must be a list of role names (omit the field "
                               "to keep a user's roles)", key))
    active = row.get("active")
    if "active" in row and not isinstance(active, bool):
        found.append(row_error(index, "active", "must be true or false (omit the field to "
                               "keep it)", key))
    if found:
        errors.extend(found)
        return None
    # accounts' roster rules, exactly as the CSV import applies them
    record = {"email": email, "name": name, "department": department,
              "hire_date": hire_date or "", "roles": " ".join(roles or [])}
    problems, roster_row = check_row(record, index, departments)
    for problem in problems:
        field_name, _, message = problem.partition(": ")
        errors.append(row_error(index, field_name, message, key))
    if roster_row is None or problems:
        return None
    return _UserRow(roster_row, active, keep_roles=roles is None,
                    keep_hire_date="hire_date" not in row)


# An HR system's token must not become a way into the admin area: admins are made and
# changed by people with shell access (`flask accounts create`) or by another admin.
API_ROLES = frozenset({"learner", "trainer", "hr"})


def _admin_problem(item: _UserRow, existing: User | None) -> tuple[str, str] | None:
    if not set(item.row.roles) <= API_ROLES:
        return "roles", f"only {', '.join(sorted(API_ROLES))} can be given through the API"
    if existing is not None and not policy.may_be_changed_by_api(existing):
        return "email", "an admin account cannot be changed through the API"
    return None


def _apply_users(prepared: list[_UserRow], existing: dict[str, User]) -> BulkResult:
    roster_result = RosterResult()
    active_changed: set[str] = set()
    try:
        for item in prepared:
            before = existing.get(item.row.email)
            if before is not None:
                if item.keep_roles:
                    item.row.roles = sorted(before.role_set)
                if item.keep_hire_date:
                    item.row.hire_date = before.hire_date
        users = apply_rows([item.row for item in prepared], existing, roster_result)
        for item in prepared:
            if item.active is not None and set_active(users[item.row.email], item.active):
                active_changed.add(item.row.email)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise BulkError([row_error(-1, "email", "another request changed these users at the same "
                                "time; retry", None)], "conflict") from None
    except Exception:
        db.session.rollback()
        raise
    created, updated = set(roster_result.created), set(roster_result.updated) | active_changed
    result = BulkResult()
    for item in prepared:
        email = item.row.email
        bucket = (result.created if email in created
                  else result.updated if email in updated else result.unchanged)
        bucket.append(email)
    return result


def set_active(user: User, active: bool) -> bool:
    """Deactivate (sign-in ends, history stays) or reactivate; True if it changed. No commit."""
    if user.active == active:
        return False
    user.active = active
    if not active:
        user.session_version += 1  # ends every web session and remember-me cookie
    else:
        db.session.flush()
        # back at work: the department's courses reach them again, as for a newcomer
        member_placed.send(user, previous_department_id=None)
    return True


class AdminAccountError(ValueError):
    """The API does not touch admin accounts (see API_ROLES)."""


def deactivate_user(user: User) -> bool:
    if not policy.may_be_changed_by_api(user):
        raise AdminAccountError("an admin account cannot be changed through the API")
    changed = set_active(user, False)
    db.session.commit()
    return changed


# --- departments --------------------------------------------------------------------------

def upsert_departments(rows: Any, max_rows: int = 1000) -> BulkResult:
    """Create or update departments by code (parents may come in the same request)."""
    checked, errors = _check_shape(rows, DEPARTMENT_FIELDS, max_rows, "code")
    existing = {d.code: d for d in db.session.scalars(select(Department))}
    wanted: dict[str, tuple[int, str, str | None]] = {}
    for index, row in checked:
        key = row["code"].strip() if isinstance(row.get("code"), str) else None
        found: list[dict[str, Any]] = []
        code = _text(row, "code", index, key, found, required=True)
        name = _text(row, "name", index, key, found, required=True)
        parent = _text(row, "parent", index, key, found, required=False)
        code, name = (code or "").strip(), (name or "").strip()
        if parent is not None and not parent.strip():
            found.append(row_error(index, "parent", "empty; give a department code, or null "
                                   "to move the department to the top of the tree", key))
        parent = parent.strip() if parent else None
        if "parent" not in row and code in existing:  # omitted: kept
            kept = existing[code].parent_id
            parent = next((d.code for d in existing.values() if d.id == kept), None)
        if not found:
            if code not in existing and not CODE_PATTERN.fullmatch(code):
                found.append(row_error(index, "code", "must be letters, digits, '.', '_' or '-', "
                                    "starting with a letter or digit", key))
            if not name:
                found.append(row_error(index, "name", "empty", key))
            if code in wanted:
                found.append(row_error(index, "code", f"also in row {wanted[code][0]}", key))
        if found:
            errors.extend(found)
            continue
        wanted[code] = (index, name, parent)
    for code, (index, _name, parent) in wanted.items():
        if parent is not None and parent not in wanted and parent not in existing:
            errors.append(row_error(index, "parent", f"unknown code '{parent}'", code))
    if not errors:
        errors.extend(_cycles(existing, wanted))
    if errors:
        raise BulkError(sorted(errors, key=lambda e: e["index"]))
    return _apply_departments(existing, wanted)


def _cycles(existing: dict[str, Department], wanted: dict[str, tuple[int, str, str | None]]
            ) -> list[dict[str, Any]]:
    codes = {d.id: d.code for d in existing.values()}
    parents = {d.code: codes.get(d.parent_id) if d.parent_id else None
               for d in existing.values()}
    parents.update({code: parent for code, (_i, _n, parent) in wanted.items()})
    errors = []
    for code, (index, _name, _parent) in wanted.items():
        seen: set[str] = set()
        current: str | None = code
        while current is not None and current not in seen:
            seen.add(current)
            current = parents.get(current)
        if current == code:
            errors.append(row_error(index, "parent", "would make a department its own ancestor",
                                 code))
    return errors


def _apply_departments(existing: dict[str, Department],
                       wanted: dict[str, tuple[int, str, str | None]]) -> BulkResult:
    result = BulkResult()
    try:
        departments = dict(existing)
        for code, (_index, name, _parent) in wanted.items():
            if code not in departments:
                departments[code] = Department(code=code, name=name)
                db.session.add(departments[code])
        db.session.flush()
        for code, (_index, name, parent) in wanted.items():
            department = departments[code]
            parent_id = departments[parent].id if parent else None
            if code not in existing:
                result.created.append(code)
            elif (department.name, department.parent_id) != (name, parent_id):
                result.updated.append(code)
            else:
                result.unchanged.append(code)
            department.name, department.parent_id = name, parent_id
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise BulkError([row_error(-1, "code", "another request changed these departments at "
                                "the same time; retry", None)], "conflict") from None
    except Exception:
        db.session.rollback()
        raise
    return result


# --- a learner's transcript ---------------------------------------------------------------

def transcript(user: User, today: date | None = None) -> dict[str, Any]:
    """Every course the learner is enrolled in, with progress (courses.progress) and quiz
    grades: a few set-based queries whatever the number of courses."""
    today = today or current_day()
    progress = learner_progress([user.id])[user.id]
    grades = {g.quiz_id: g for g in db.session.scalars(select(QuizGrade).where(
        QuizGrade.user_id == user.id))}
    attempts = dict(db.session.execute(
        select(Attempt.quiz_id, func.count(Attempt.id)).where(Attempt.user_id == user.id)
        .group_by(Attempt.quiz_id)).all())
    codes = dict(db.session.execute(select(Department.id, Department.code)).all())
    return {"user": user, "courses": [_transcript_course(p, grades, attempts, codes, today)
                                      for p in progress]}


def _transcript_course(progress: CourseProgress, grades: dict[int, QuizGrade],
                       attempts: dict[int, int], codes: dict[int, str],
                       today: date) -> dict[str, Any]:
    course, enrollment = progress.course, progress.enrollment
    assert enrollment is not None, "a transcript lists the courses the user is enrolled in"
    quizzes = []
    for view in progress.items:
        item = view.item
        if item.quiz_id:
            assert item.quiz is not None, "its foreign key names it"
            grade = grades.get(item.quiz_id)
            quizzes.append({"slug": item.quiz.slug, "title": item.quiz.title,
                            "required": item.required,
                            "attempts": attempts.get(item.quiz_id, 0),
                            "score": round(grade.score, 6) if grade else None,
                            "passed": grade.passed if grade else None})
    return {
        "course": {"slug": course.slug, "title": course.title, "title_en": course.title_en},
        "source": enrollment.source,
        **status_fields(enrollment, today),
        "due_date": enrollment.due_date, "enrolled_at": enrollment.enrolled_at,
        "started_at": enrollment.started_at, "completed_at": enrollment.completed_at,
        "completed_department": codes.get(enrollment.completed_department_id)
        if enrollment.completed_department_id else None,
        "required_items": progress.required_total, "required_done": progress.required_done,
        "percent": progress.percent,
        "lessons_read": sum(1 for v in progress.items if v.item.lesson_id and v.done),
        "quizzes": quizzes,
    }
