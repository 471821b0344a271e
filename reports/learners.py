"""Named individuals: a department's learners with per-course status, a learner's transcript.

HR, admins and department heads (for their subtree) see these; individual
answers stay with trainers and admins (reports/mastery.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, select, true

from accounts.models import User
from accounts.tree import Tree
from courses.models import Course, Enrollment, LessonProgress
from courses.progress import CourseProgress, ItemView, learner_progress
from extensions import db
from quizzes.models import Attempt, QuizGrade
from reports.models import Certificate
from reports.service import (
    Figures,
    Filters,
    ReportAccessError,
    Scope,
    department_figures,
)

# --- drill-down: a department's learners ----------------------------------------------------


@dataclass
class LearnerRow:
    user_id: int
    name: str
    email: str
    department: str
    enrollment_id: int
    course_title: str
    course_slug: str
    due_date: date | None
    status: str  # not_started | in_progress | completed
    days_overdue: int
    completed_on: date | None
    completed_in: str | None  # department at completion, when not the current one


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def status_on(started_at: datetime | None, completed_at: datetime | None, due: date | None,
              day: date) -> tuple[str, int]:
    """(status, days overdue) at the end of `day`: reports, exports and the API share it."""
    end = end_of(day)
    if completed_at is not None and completed_at < end:
        return "completed", 0
    late = (day - due).days if due is not None and due < day else 0
    if started_at is not None and started_at < end:
        return "in_progress", late
    return "not_started", late


def _status_condition(status: str | None, day: date) -> Any:
    end = end_of(day)
    done = and_(Enrollment.completed_at.is_not(None), Enrollment.completed_at < end)
    begun = and_(Enrollment.started_at.is_not(None), Enrollment.started_at < end)
    conditions = {
        "open": ~done,
        "overdue": and_(~done, Enrollment.due_date < day),
        "completed": done,
        "in_progress": and_(~done, begun),
        "not_started": and_(~done, ~begun),
    }
    return conditions.get(status or "", true())


@dataclass
class LearnerPage:
    rows: list[LearnerRow]
    total: int  # learners with a matching enrollment, over every page
    page: int
    pages: int


LEARNERS_PER_PAGE = 10  # each with all their matching courses: a page of rows, not one


def department_learners(scope: Scope, tree: Tree, department_id: int, filters: Filters,
                        status: str | None = None, subtree: bool = False, page: int = 1,
                        per_page: int = LEARNERS_PER_PAGE) -> LearnerPage:
    """The department's current members with their matching enrollments, a page of
    learners at a time, by name.

    Paged by learner: counting and sorting every matching enrollment of a division
    (160,000 rows at 100k learners) took most of a second; its members are a few
    thousand, found through an index, and only one page's enrollments are read.
    """
    if department_id not in tree.nodes or not scope.can_see(department_id):
        raise ReportAccessError("department outside the viewer's scope")
    ids = tree.subtree(department_id) if subtree else [department_id]
    matching = [
        Enrollment.source == "assignment", Enrollment.enrolled_at < end_of(filters.as_of),
        _status_condition(status, filters.as_of), *filters.conditions(),
    ]
    members = select(User.id).where(
        User.active.is_(True), User.department_id.in_(ids),
        select(Enrollment.id).where(Enrollment.user_id == User.id, *matching).exists())
    # one pass over the members gives the count and the page (ids only: a division's
    # few thousand, where counting, then sorting again for the page, took two passes)
    everyone = db.session.scalars(members.order_by(User.name, User.id)).all()
    total = len(everyone)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    shown = everyone[(page - 1) * per_page:page * per_page]
    query = (select(Enrollment, User, Course).join(User, User.id == Enrollment.user_id)
             .join(Course, Course.id == Enrollment.course_id)
             .where(Enrollment.user_id.in_(shown), *matching)
             .order_by(User.name, User.id, Course.title, Course.id))
    rows = []
    for enrollment, user, course in db.session.execute(query) if shown else []:
        state, late = status_on(enrollment.started_at,
                                enrollment.completed_at, enrollment.due_date, filters.as_of)
        stamped = enrollment.completed_department_id
        rows.append(LearnerRow(
            user.id, user.name, user.email,
            tree.nodes[user.department_id].name if user.department_id in tree.nodes else "",
            enrollment.id, course.title, course.slug, enrollment.due_date, state, late,
            enrollment.completed_at.date()
            if state == "completed" and enrollment.completed_at else None,
            tree.nodes[stamped].name if state == "completed" and stamped in tree.nodes
            and stamped != user.department_id else None))
    return LearnerPage(rows, total, page, pages)


def completions_by_former_members(department_id: int, filters: Filters) -> int:
    """Completions counted in this department by learners who have since moved away."""
    own = department_figures(Filters(filters.as_of, filters.course_id, None,
                                     filters.hired_from, filters.hired_to), [department_id])
    conditions = [Enrollment.source == "assignment", User.active.is_(True),
                  User.department_id == department_id,
                  Enrollment.completed_department_id == department_id,
                  Enrollment.completed_at < end_of(filters.as_of), *filters.conditions()]
    here = db.session.scalar(select(func.count(Enrollment.id)).join(
        User, User.id == Enrollment.user_id).where(*conditions)) or 0
    return max(0, own.get(department_id, Figures()).completed - here)


# --- a learner's transcript ----------------------------------------------------------------


@dataclass
class AttemptLine:
    id: int
    number: int
    state: str
    score: float | None
    passed: bool | None
    pending: bool
    started_at: datetime
    submitted_at: datetime | None


@dataclass
class ItemLine:
    kind: str  # lesson | quiz
    title: str
    required: bool
    done: bool  # courses.progress.is_step_done
    read_at: datetime | None = None  # lessons
    attempts: list[AttemptLine] = field(default_factory=list)  # quizzes
    grade: float | None = None
    passed: bool | None = None


@dataclass
class CourseLine:
    enrollment: Enrollment
    course: Course
    status: str
    days_overdue: int
    completed_in: str | None
    items: list[ItemLine]
    certificate_code: str | None


def transcript(learner: User, tree: Tree, day: date) -> list[CourseLine]:
    """Every enrollment with its steps (courses.progress) and quiz attempts: a few
    set-based queries, not one per course."""
    progress = learner_progress([learner.id])[learner.id]
    read = dict(db.session.execute(select(LessonProgress.lesson_id, LessonProgress.read_at)
                                   .where(LessonProgress.user_id == learner.id)).all())
    attempts: dict[int, list[AttemptLine]] = {}
    for a in db.session.scalars(select(Attempt).where(Attempt.user_id == learner.id)
                                .order_by(Attempt.number)):
        attempts.setdefault(a.quiz_id, []).append(AttemptLine(
            a.id, a.number, a.state, a.score, a.passed, a.pending, a.started_at,
            a.submitted_at))
    grades = {g.quiz_id: g for g in db.session.scalars(
        select(QuizGrade).where(QuizGrade.user_id == learner.id))}
    codes = dict(db.session.execute(
        select(Certificate.enrollment_id, Certificate.code)
        .where(Certificate.enrollment_id.in_([_enrollment(p).id for p in progress]))).all())
    lines = []
    for course_progress in sorted(progress, key=_transcript_order):
        enrollment, course = _enrollment(course_progress), course_progress.course
        state, late = status_on(enrollment.started_at,
                                enrollment.completed_at, enrollment.due_date, day)
        stamped = enrollment.completed_department_id
        lines.append(CourseLine(
            enrollment, course, state, late,
            tree.nodes[stamped].name if stamped in tree.nodes else None,
            [_item_line(view, read, attempts, grades) for view in course_progress.items],
            codes.get(enrollment.id)))
    return lines


def _enrollment(progress: CourseProgress) -> Enrollment:
    assert progress.enrollment is not None, "learner_progress() reports enrollments"
    return progress.enrollment


def _transcript_order(progress: CourseProgress) -> tuple:
    """Open courses first, the soonest due first, undated last, then by title."""
    enrollment = _enrollment(progress)
    return (enrollment.completed_at is not None, enrollment.due_date is None,
            enrollment.due_date or date.min, progress.course.title)


def _item_line(view: ItemView, read: dict[int, datetime],
               attempts: dict[int, list[AttemptLine]], grades: dict[int, QuizGrade]) -> ItemLine:
    item = view.item
    if item.lesson_id:
        assert item.lesson is not None, "its foreign key names it"
        return ItemLine("lesson", item.lesson.title, item.required, view.done,
                        read_at=read.get(item.lesson_id))
    assert item.quiz_id is not None and item.quiz is not None, "a step is a lesson or a quiz"
    grade = grades.get(item.quiz_id)
    return ItemLine("quiz", item.quiz.title, item.required, view.done,
                    attempts=attempts.get(item.quiz_id, []),
                    grade=grade.score if grade else None,
                    passed=grade.passed if grade else None)
