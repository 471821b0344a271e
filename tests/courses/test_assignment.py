from datetime import date, timedelta

import pytest
from sqlalchemy import select

import clock
from accounts import service as accounts
from courses.assignment import AssignmentError, assign_course
from courses.models import Enrollment
from extensions import db


def enrollment(user, course):
    return db.session.scalar(select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course.id))


@pytest.fixture
def tree(make):
    company = make.department("co")
    sales = make.department("sales", parent=company)
    east = make.department("sales-east", parent=sales)
    finance = make.department("finance", parent=company)
    return company, sales, east, finance


def test_subtree_assignment_reaches_members_and_later_joiners(make, tree):
    _, sales, east, finance = tree
    course = make.course()
    hired = date(2026, 3, 1)
    existing = make.user(department=east, hire_date=hired)
    outsider = make.user(department=finance, hire_date=hired)
    _, created = assign_course(course, sales, due_days=14)
    assert created == 1
    assert enrollment(existing, course).due_date == hired + timedelta(days=14)
    assert enrollment(outsider, course) is None
    newcomer = make.user(department=east, hire_date=date(2026, 4, 1))
    assert enrollment(newcomer, course).due_date == date(2026, 4, 15)


def test_without_subtree_only_the_department_itself(make, tree):
    _, sales, east, _ = tree
    course = make.course()
    assign_course(course, sales, include_subtree=False, due_date=date(2026, 12, 31))
    direct, below = make.user(department=sales), make.user(department=east)
    assert enrollment(direct, course).due_date == date(2026, 12, 31)
    assert enrollment(below, course) is None


def test_everyone_includes_people_without_a_department(make):
    course = make.course()
    assign_course(course, None, due_days=7, due_from="assignment")
    nobody = make.user()
    assert enrollment(nobody, course).due_date == clock.today() + timedelta(days=7)


def test_transfer_adds_new_courses_and_keeps_what_was_done(make, tree, client, auth):
    _, sales, _, finance = tree
    sales_course, finance_course = make.course("sales-basics"), make.course("finance-basics")
    assign_course(sales_course, sales, due_days=14)
    assign_course(finance_course, finance, due_days=14)
    learner = make.user("t@example.com", department=sales, hire_date=date(2026, 1, 1))
    auth.login("t@example.com")
    for item in sales_course.items:
        client.post(f"/courses/sales-basics/lessons/{item.id}/read")
    done = enrollment(learner, sales_course)
    assert done.completed_at is not None and done.completed_department_id == sales.id
    accounts.transfer_user(learner, finance)
    assert enrollment(learner, finance_course) is not None
    kept = enrollment(learner, sales_course)
    assert kept.completed_at == done.completed_at and kept.completed_department_id == sales.id


def test_hire_date_missing_falls_back_to_today_and_bad_rules_are_refused(make, tree):
    course = make.course()
    assign_course(course, tree[0], due_days=3)
    learner = make.user(department=tree[3])
    assert enrollment(learner, course).due_date == clock.today() + timedelta(days=3)
    with pytest.raises(AssignmentError):
        assign_course(course, tree[0], due_days=3, due_date=clock.today())
    with pytest.raises(AssignmentError):
        assign_course(course, tree[0], due_days=-1)


def test_assign_cli(runner, make, tree):
    make.course("cli-course")
    make.user(department=tree[2])
    result = runner.invoke(args=["courses", "assign", "cli-course", "--department", "sales",
                                 "--due-days", "14"])
    assert result.exit_code == 0 and "1 new enrollment" in result.output
    result = runner.invoke(args=["courses", "assign", "cli-course", "--department", "ghost"])
    assert result.exit_code != 0 and "unknown department code ghost" in result.output
