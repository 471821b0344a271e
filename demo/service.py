"""A demo company: departments in a tree, learners, a trainer, HR and an admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

import clock
from accounts import service as accounts
from accounts.models import Department, SchoolSettings, User
from accounts.preferences import update_school_settings
from courses import service as courses
from courses.assignment import assign_course
from courses.models import Assignment, Course, Enrollment
from extensions import db
from quizzes import essays
from quizzes import service as quizzes
from quizzes.types import get_type

DEMO_PASSWORD = "relay-demo-2026"

# code, name, parent code
DEPARTMENTS = [
    ("acme", "示例公司", None),
    ("sales", "销售部", "acme"),
    ("sales-east", "华东销售组", "sales"),
    ("marketing", "市场部", "acme"),
    ("finance", "财务部", "acme"),
    ("purchasing", "采购部", "acme"),
    ("production", "生产部", "acme"),
    ("equipment", "设备部", "production"),
    ("hr", "人力资源部", "acme"),
]

# The demo company is in Shanghai and reads Chinese unless someone chooses otherwise.
SCHOOL_LOCALE, SCHOOL_TIME_ZONE = "zh_CN", "Asia/Shanghai"
# Staff went through onboarding long ago: they show as completed, never as years overdue.
STAFF = ("admin@example.com", "trainer@example.com", "hr@example.com", "head@example.com")

# email, name, department, roles, days since hire
PEOPLE = [
    ("admin@example.com", "管理员 Admin", "acme", "admin", 900),
    ("trainer@example.com", "培训师 李老师", "hr", "trainer", 700),
    ("hr@example.com", "人事 王敏", "hr", "hr", 500),
    ("head@example.com", "销售经理 郑强", "sales", "learner", 1200),
    ("lin@example.com", "林晓 (Lin Xiao)", "sales-east", "learner", 3),
    ("zhou@example.com", "周杰 (Zhou Jie)", "finance", "learner", 20),
    ("chen@example.com", "陈静 (Chen Jing)", "purchasing", "learner", 8),
    ("zhao@example.com", "赵磊 (Zhao Lei)", "production", "learner", 1),
    ("sun@example.com", "孙悦 (Sun Yue)", "equipment", "learner", 30),
    ("wu@example.com", "吴芳 (Wu Fang)", "marketing", "learner", 5),
]


@dataclass
class SeedReport:
    created_departments: int
    created_users: list[str]
    assigned_courses: list[str]


def seed_demo(today: date | None = None) -> SeedReport:
    """Create what is missing; running it again adds nothing."""
    today = today or clock.today()
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    created = 0
    for code, name, parent in DEPARTMENTS:
        if code not in departments:
            departments[code] = accounts.create_department(
                code, name, departments.get(parent) if parent is not None else None)
            created += 1
    users = []
    for email, name, code, roles, days in PEOPLE:
        if accounts.get_user_by_email(email) is None:
            accounts.add_user(email, name, password=DEMO_PASSWORD, roles=roles.split(),
                              department=departments[code],
                              hire_date=today - timedelta(days=days), locale=None)
            users.append(email)
    # the sales manager heads sales (and so sees the sales subtree in reports)
    if departments["sales"].head_id is None:
        departments["sales"].head = accounts.get_user_by_email("head@example.com")
    db.session.commit()
    if db.session.get(SchoolSettings, 1) is None:
        update_school_settings(SCHOOL_LOCALE, SCHOOL_TIME_ZONE)
    report = SeedReport(created, users, _assign_all(departments["acme"]))
    for email in STAFF:
        staff = accounts.get_user_by_email(email)
        assert staff is not None, "PEOPLE adds every one of STAFF"
        complete_onboarding(staff)
    return report


def complete_onboarding(user: User) -> None:
    """Work through every open assigned course with right answers, through the real
    services (lessons read, quizzes passed, essays graded by the trainer)."""
    grader = accounts.get_user_by_email("trainer@example.com") or user
    open_ones = db.session.scalars(select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.completed_at.is_(None))
        .order_by(Enrollment.id)).all()
    for enrollment in open_ones:
        for item in enrollment.course.items:
            if item.lesson_id is not None:
                courses.mark_lesson_read(user, item)
            elif item.published:
                _pass_quiz(user, item.quiz, grader)


def _pass_quiz(user: User, quiz, grader: User) -> None:
    attempt = quizzes.start_attempt(user, quiz)
    for response in attempt.responses:
        response.answer = get_type(response.revision.type_id).right_answer(response.revision.data)
    db.session.commit()
    attempt = quizzes.submit_attempt(attempt)
    for response in attempt.responses:
        if response.needs_grading:
            essays.grade_response(response, 1.0, "", grader)


def _assign_all(root: Department) -> list[str]:
    """Every published course, to the whole company, due 14 days after hire."""
    assigned = []
    courses = db.session.scalars(select(Course).where(Course.status == "published")).all()
    for course in courses:
        exists = db.session.scalar(select(Assignment.id).where(
            Assignment.course_id == course.id, Assignment.department_id == root.id))
        if exists is None:
            assign_course(course, root, due_days=14, due_from="hire")
            assigned.append(course.slug)
    return assigned
