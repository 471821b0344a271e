"""Read-side queries for the API (filters, joins) and the JSON shapes of each resource.

Queries return SQLAlchemy selects so the HTTP layer can page them; serialisers
take rows already loaded (relationships eager-loaded), so a page costs a fixed
number of queries whatever its size.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

import clock
from accounts import service as accounts
from accounts.models import Department, User
from accounts.tree import department_tree
from api import xapi
from courses.models import Assignment, Course, Enrollment, OutlineItem
from courses.progress import learner_items
from extensions import db
from reports.learners import status_on

ENROLLMENT_STATUSES = ("not_started", "in_progress", "completed", "overdue")


def department_codes() -> dict[int, str]:
    """id -> code for every department (hundreds, not millions: one small query)."""
    return dict(db.session.execute(select(Department.id, Department.code)).all())


def department_ids(code: str, include_subtree: bool) -> set[int] | None:
    """The department's id (and its subtree's), or None when no department has this code."""
    department = accounts.get_department_by_code(code)
    if department is None:
        return None
    return set(department_tree().subtree(department.id)) if include_subtree else {department.id}


# --- departments and users ----------------------------------------------------------------

def departments_query(parent_ids: set[int] | None = None) -> Select:
    query = select(Department).order_by(Department.id)
    if parent_ids is not None:
        query = query.where(Department.parent_id.in_(parent_ids))
    return query


def department_json(department: Department, codes: dict[int, str]) -> dict[str, Any]:
    return {"id": department.id, "code": department.code, "name": department.name,
            "parent": codes.get(department.parent_id) if department.parent_id else None}


def users_query(*, dept_ids: set[int] | None = None, active: bool | None = None,
                role: str | None = None, email: str | None = None) -> Select:
    query = select(User).options(selectinload(User.department)).order_by(User.id)
    if dept_ids is not None:
        query = query.where(User.department_id.in_(dept_ids))
    if active is not None:
        query = query.where(User.active == active)
    if role is not None:
        # roles are space-separated words: match a whole word only
        query = query.where(or_(User.roles == role, User.roles.startswith(role + " "),
                                User.roles.endswith(" " + role),
                                User.roles.contains(" " + role + " ")))
    if email is not None:
        query = query.where(User.email == accounts.normalise_email(email))
    return query


def iso(value: datetime | date | None) -> str | None:
    """A date or a naive-UTC date-time as the API writes it (RFC 3339, `Z` for UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name,
            "department": user.department.code if user.department else None,
            "roles": sorted(user.role_set), "hire_date": iso(user.hire_date),
            "active": user.active, "locale": user.locale, "created_at": iso(user.created_at)}


def user_ref(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name}


# --- courses and assignments --------------------------------------------------------------

def courses_query(status: str | None = None) -> Select:
    query = select(Course).order_by(Course.id)
    return query.where(Course.status == status) if status else query


def get_course(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug).options(
        selectinload(Course.items).selectinload(OutlineItem.lesson),
        selectinload(Course.items).selectinload(OutlineItem.quiz)))


def course_json(course: Course) -> dict[str, Any]:
    return {"id": course.id, "slug": course.slug, "title": course.title,
            "title_en": course.title_en, "summary": course.summary, "status": course.status,
            "estimated_minutes": course.estimated_minutes,
            "updated_at": iso(course.updated_at), "activity_id": xapi.course_iri(course)}


def outline_json(course: Course) -> list[dict[str, Any]]:
    items = []
    for item in learner_items(course):  # what learners see: published steps
        lesson, quiz = item.lesson, item.quiz
        items.append({
            "id": item.id, "position": item.position, "kind": item.kind,
            "slug": lesson.slug if lesson else quiz.slug if quiz else None,
            "title": item.title, "required": item.required,
            "reading_minutes": lesson.reading_minutes if lesson else None,
            "pass_mark": quiz.settings.get("pass_mark", 80) if quiz else None,
            "activity_id": (xapi.lesson_iri(course, lesson) if lesson
                            else xapi.quiz_iri(quiz) if quiz else None),
        })
    return items


def assignments_query(course_id: int | None = None, department_id: int | None = None,
                      everyone: bool = False) -> Select:
    query = select(Assignment).options(selectinload(Assignment.course)).order_by(Assignment.id)
    if course_id is not None:
        query = query.where(Assignment.course_id == course_id)
    if everyone:
        query = query.where(Assignment.department_id.is_(None))
    elif department_id is not None:
        query = query.where(Assignment.department_id == department_id)
    return query


def assignment_json(assignment: Assignment, codes: dict[int, str]) -> dict[str, Any]:
    return {"id": assignment.id, "course": assignment.course.slug,
            "department": codes.get(assignment.department_id)
            if assignment.department_id else None,
            "include_subtree": assignment.include_subtree, "due_date": iso(assignment.due_date),
            "due_days": assignment.due_days, "due_from": assignment.due_from,
            "created_at": iso(assignment.created_at)}


# --- enrollments and completions ----------------------------------------------------------

def enrollments_query(*, dept_ids: set[int] | None = None, course_id: int | None = None,
                      status: str | None = None, updated_since: datetime | None = None,
                      user_id: int | None = None, today: date | None = None) -> Select:
    query = (select(Enrollment, User).join(User, User.id == Enrollment.user_id)
             .options(selectinload(Enrollment.course)).order_by(Enrollment.id))
    if dept_ids is not None:
        query = query.where(User.department_id.in_(dept_ids))
    if course_id is not None:
        query = query.where(Enrollment.course_id == course_id)
    if user_id is not None:
        query = query.where(Enrollment.user_id == user_id)
    if updated_since is not None:
        query = query.where(Enrollment.updated_at >= updated_since)
    done = Enrollment.completed_at.is_not(None)
    if status == "completed":
        query = query.where(done)
    elif status == "in_progress":
        query = query.where(~done, Enrollment.started_at.is_not(None))
    elif status == "not_started":
        query = query.where(~done, Enrollment.started_at.is_(None))
    elif status == "overdue":
        query = query.where(~done, Enrollment.due_date < (today or clock.today()))
    return query


def status_fields(enrollment: Enrollment, today: date) -> dict[str, Any]:
    """`status` and `overdue` by the same rule as the HR reports."""
    status, late = status_on(enrollment.started_at, enrollment.completed_at,
                             enrollment.due_date, today)
    return {"status": status, "overdue": late > 0}


def enrollment_json(enrollment: Enrollment, user: User, codes: dict[int, str],
                    today: date) -> dict[str, Any]:
    return {
        "id": enrollment.id, "user": user_ref(user),
        "department": codes.get(user.department_id) if user.department_id else None,
        "course": enrollment.course.slug, "source": enrollment.source,
        **status_fields(enrollment, today),
        "due_date": iso(enrollment.due_date), "enrolled_at": iso(enrollment.enrolled_at),
        "started_at": iso(enrollment.started_at), "completed_at": iso(enrollment.completed_at),
        "completed_department": codes.get(enrollment.completed_department_id)
        if enrollment.completed_department_id else None,
        "updated_at": iso(enrollment.updated_at),
    }


def completions_query(*, dept_ids: set[int] | None = None, course_id: int | None = None,
                      since: datetime | None = None, until: datetime | None = None) -> Select:
    """Completions by the department the learner was in when completing (history stays true)."""
    query = (select(Enrollment, User).join(User, User.id == Enrollment.user_id)
             .where(Enrollment.completed_at.is_not(None))
             .options(selectinload(Enrollment.course))
             .order_by(Enrollment.completed_at, Enrollment.id))
    if dept_ids is not None:
        query = query.where(Enrollment.completed_department_id.in_(dept_ids))
    if course_id is not None:
        query = query.where(Enrollment.course_id == course_id)
    if since is not None:
        query = query.where(Enrollment.completed_at >= since)
    if until is not None:
        query = query.where(Enrollment.completed_at < until)
    return query


def completion_json(enrollment: Enrollment, user: User, codes: dict[int, str]
                    ) -> dict[str, Any]:
    return {"enrollment_id": enrollment.id, "user": user_ref(user),
            "course": enrollment.course.slug, "completed_at": iso(enrollment.completed_at),
            "department": codes.get(enrollment.completed_department_id)
            if enrollment.completed_department_id else None}
