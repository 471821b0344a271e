"""Creating an assignment from an API request body: every field checked, then one
call to the same assign_course() the CLI and the trainers' pages use."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select

from accounts import service as accounts
from accounts.models import Department
from api.service import BulkError, row_error
from courses.assignment import DUE_FROM, AssignmentError, assign_course
from courses.models import Assignment, Course
from extensions import db

FIELDS = {"course", "department", "include_subtree", "due_date", "due_days", "due_from"}
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def create_assignment(body: Any) -> tuple[Assignment, int]:
    """(assignment, enrollments created); BulkError names every field at fault."""
    if not isinstance(body, dict):
        raise BulkError([_problem("", "the body must be an object")], "the body must be an object")
    errors = [_problem(name, "unknown field") for name in sorted(set(body) - FIELDS)]
    course = _course(body.get("course"), errors)
    department = _department(body.get("department"), errors)
    include_subtree = body.get("include_subtree", True)
    if not isinstance(include_subtree, bool):
        errors.append(_problem("include_subtree", "must be true or false"))
    due_date = _due_date(body.get("due_date"), errors)
    due_days = _due_days(body.get("due_days"), errors)
    due_from = body.get("due_from", "hire")
    if due_from not in DUE_FROM:
        errors.append(_problem("due_from", f"must be one of {', '.join(DUE_FROM)}"))
    if errors:
        raise BulkError(errors, "the assignment was not created")
    assert course is not None, "_course named the error"
    try:
        return assign_course(course, department, include_subtree=include_subtree,
                             due_date=due_date, due_days=due_days, due_from=due_from)
    except AssignmentError as error:
        raise BulkError([_problem("due_date", str(error))], str(error)) from None


def _problem(field_name: str, message: str) -> dict[str, Any]:
    return row_error(0, field_name, message, None)  # the body is the one "row"


def _course(slug: Any, errors: list[dict[str, Any]]) -> Course | None:
    if not isinstance(slug, str) or "\x00" in slug or not slug:
        errors.append(_problem("course", "required: a course slug"))
        return None
    course = db.session.scalar(select(Course).where(Course.slug == slug[:100]))
    if course is None or len(slug) > 100:
        errors.append(_problem("course", f"unknown course '{slug[:100]}'"))
    return course


def _department(code: Any, errors: list[dict[str, Any]]) -> Department | None:
    if code is None:
        return None  # everyone
    if not isinstance(code, str) or "\x00" in code or len(code) > 64:
        errors.append(_problem("department", "must be a department code or null"))
        return None
    department = accounts.get_department_by_code(code)
    if department is None:
        errors.append(_problem("department", f"unknown code '{code}'"))
    return department


def _due_date(raw: Any, errors: list[dict[str, Any]]) -> date | None:
    if raw is None:
        return None
    try:
        if not (isinstance(raw, str) and ISO_DATE.fullmatch(raw)):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(_problem("due_date", "must be a date, YYYY-MM-DD"))
        return None


def _due_days(raw: Any, errors: list[dict[str, Any]]) -> int | None:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # JSON has one number type: 14.0 is 14
    if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int)
                            or not 0 <= raw <= 3650):
        errors.append(_problem("due_days", "must be a whole number from 0 to 3650"))
        return None
    return raw
