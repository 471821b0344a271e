"""Assignments: a course for a department, its subtree, or everyone; enrollments follow.

A department's courses reach every member, including people who join or
transfer later (through accounts' `member_placed` signal). A transfer adds the
new department's courses and keeps every enrollment the learner already had.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import or_, select

import clock
from accounts.models import Department, User
from accounts.tree import department_tree
from courses.models import Assignment, Course, Enrollment
from extensions import db

DUE_FROM = ("hire", "assignment")


class AssignmentError(ValueError):
    pass


def assign_course(
    course: Course,
    department: Department | None,
    *,
    include_subtree: bool = True,
    due_date: date | None = None,
    due_days: int | None = None,
    due_from: str = "hire",
) -> tuple[Assignment, int]:
    """Assign and enroll every active member now; returns the assignment and new enrollments."""
    if due_from not in DUE_FROM:
        raise AssignmentError(f"due_from must be one of {', '.join(DUE_FROM)}")
    if due_date is not None and due_days is not None:
        raise AssignmentError("give a due date or a number of days, not both")
    if due_days is not None and due_days < 0:
        raise AssignmentError("due days cannot be negative")
    assignment = Assignment(course=course, department_id=department.id if department else None,
                            include_subtree=include_subtree, due_date=due_date,
                            due_days=due_days, due_from=due_from)
    db.session.add(assignment)
    db.session.flush()
    created = sum(_enroll(user, assignment) for user in _members(assignment))
    db.session.commit()
    return assignment, created


def _members(assignment: Assignment) -> list[User]:
    query = select(User).where(User.active)
    if assignment.department_id is not None:
        ids = ({assignment.department_id} if not assignment.include_subtree
               else department_tree().subtree(assignment.department_id))
        query = query.where(User.department_id.in_(ids))
    return list(db.session.scalars(query))


def assignments_for(department_id: int | None) -> list[Assignment]:
    """Assignments that reach members of this department."""
    everyone = Assignment.department_id.is_(None)
    if department_id is None:
        return list(db.session.scalars(select(Assignment).where(everyone)))
    query = select(Assignment).where(or_(
        everyone,
        Assignment.department_id == department_id,
        Assignment.department_id.in_(department_tree().ancestors(department_id))
        & Assignment.include_subtree,
    )).order_by(Assignment.id)
    return list(db.session.scalars(query))


def due_date_for(assignment: Assignment, user: User, today: date | None = None) -> date | None:
    if assignment.due_date is not None:
        return assignment.due_date
    if assignment.due_days is None:
        return None
    today = today or clock.today()
    start = user.hire_date if assignment.due_from == "hire" and user.hire_date else today
    return start + timedelta(days=assignment.due_days)


def _enroll(user: User, assignment: Assignment) -> bool:
    """Enroll once per course; an existing enrollment keeps its progress and gains a due date."""
    existing = db.session.scalar(select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == assignment.course_id))
    if existing is not None:
        if existing.assignment_id is None:
            existing.assignment_id = assignment.id
            existing.source = "assignment"
            existing.due_date = existing.due_date or due_date_for(assignment, user)
        return False
    db.session.add(Enrollment(user_id=user.id, course_id=assignment.course_id,
                              source="assignment", assignment_id=assignment.id,
                              due_date=due_date_for(assignment, user)))
    db.session.flush()
    return True


def on_member_placed(user: User, previous_department_id: int | None = None) -> None:
    """accounts' signal: a user joined or moved; enroll them in what now reaches them."""
    enroll_members([user])


def on_members_placed(_sender: object, placements: Sequence[tuple[User, int | None]] = (),
                      **_: object) -> None:
    """accounts' bulk signal (a roster): the same for many users, in a few queries."""
    enroll_members([user for user, _previous in placements])


def enroll_members(users: Sequence[User]) -> int:
    """Enroll each user in what reaches their department now, as `_enroll` does one by
    one: the assignments once per department, existing enrollments in one query per
    500 users, one flush. Returns how many enrollments were created."""
    reaching: dict[int | None, list[Assignment]] = {}
    wanted: list[tuple[User, Assignment]] = []
    for user in users:
        if user.department_id not in reaching:
            reaching[user.department_id] = assignments_for(user.department_id)
        wanted.extend((user, assignment) for assignment in reaching[user.department_id])
    if not wanted:
        return 0
    user_ids = sorted({user.id for user, _ in wanted})
    course_ids = {assignment.course_id for _, assignment in wanted}
    existing: dict[tuple[int, int], Enrollment] = {}
    for start in range(0, len(user_ids), 500):
        existing.update(((e.user_id, e.course_id), e) for e in db.session.scalars(
            select(Enrollment).where(Enrollment.user_id.in_(user_ids[start:start + 500]),
                                     Enrollment.course_id.in_(course_ids))))
    created = 0
    for user, assignment in wanted:
        enrollment = existing.get((user.id, assignment.course_id))
        if enrollment is not None:
            if enrollment.assignment_id is None:
                enrollment.assignment_id = assignment.id
                enrollment.source = "assignment"
                enrollment.due_date = enrollment.due_date or due_date_for(assignment, user)
            continue
        enrollment = Enrollment(user_id=user.id, course_id=assignment.course_id,
                                source="assignment", assignment_id=assignment.id,
                                due_date=due_date_for(assignment, user))
        db.session.add(enrollment)
        existing[(user.id, assignment.course_id)] = enrollment
        created += 1
    db.session.flush()
    return created
