"""The new hire's journey, through the test client."""

from datetime import timedelta

from sqlalchemy import select

import clock
from courses.assignment import assign_course
from courses.models import Enrollment
from extensions import db
from tests.statements import statements_run


def test_new_hire_reads_every_lesson_and_completes_the_course(client, auth, make):
    team = make.department("sales")
    course = make.course("onboarding", lessons=3)
    assign_course(course, team, due_days=14)
    hired = clock.today() - timedelta(days=2)
    learner = make.user("new@example.com", department=team, hire_date=hired)

    auth.login("new@example.com")
    home = client.get("/home").get_data(as_text=True)
    assert "Course onboarding" in home
    due = hired + timedelta(days=14)
    assert f"Due {due.strftime('%b')} {due.day}, {due.year}" in home

    items = course.items
    # resume goes to the first lesson, then to where the learner left off
    assert client.get("/courses/onboarding/continue").headers["Location"].endswith(
        f"/lessons/{items[0].id}")
    page = client.get(f"/courses/onboarding/lessons/{items[1].id}").get_data(as_text=True)
    assert "Lesson 2" in page
    assert f"/lessons/{items[0].id}" in page and f"/lessons/{items[2].id}" in page
    assert client.get("/courses/onboarding/continue").headers["Location"].endswith(
        f"/lessons/{items[1].id}")

    for item in items[:-1]:
        response = client.post(f"/courses/onboarding/lessons/{item.id}/read")
        assert response.status_code == 302
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert enrollment.completed_at is None
    client.post(f"/courses/onboarding/lessons/{items[-1].id}/read")
    db.session.refresh(enrollment)
    assert enrollment.completed_at is not None
    assert enrollment.completed_department_id == team.id
    stamped = enrollment.completed_at
    client.post(f"/courses/onboarding/lessons/{items[0].id}/read")  # stamped only once
    db.session.refresh(enrollment)
    assert enrollment.completed_at == stamped
    assert "Completed" in client.get("/home").get_data(as_text=True)
    assert "You completed this course" in client.get("/courses/onboarding").get_data(as_text=True)


def test_optional_items_do_not_block_completion(client, auth, make):
    course = make.course("with-optional", lessons=2, optional_last=True)
    make.user("o@example.com")
    auth.login("o@example.com")
    client.post(f"/courses/with-optional/lessons/{course.items[0].id}/read")
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.completed_at is not None


def test_overdue_is_marked_on_home(client, auth, make):
    team = make.department("ops")
    assign_course(make.course("late"), team, due_days=3)
    make.user("late@example.com", department=team, hire_date=clock.today() - timedelta(days=10))
    auth.login("late@example.com")
    assert "Overdue since" in client.get("/home").get_data(as_text=True)


def test_unknown_course_or_item_is_404(client, auth, make):
    make.course("real")
    other = make.course("other")
    make.user("x@example.com")
    auth.login("x@example.com")
    assert client.get("/courses/nope").status_code == 404
    assert client.get(f"/courses/real/lessons/{other.items[0].id}").status_code == 404
    huge = 10**20  # beyond any id column: a 404 from the route, not a driver overflow
    for path in (f"/courses/real/lessons/{huge}", f"/attempts/{huge}",
                 f"/learners/{huge}/courses"):
        assert client.get(path).status_code == 404, path


def test_archived_courses_leave_home_unless_completed(client, auth, make):
    team = make.department("ops")
    done, open_ = make.course("done-then-archived", lessons=1), make.course("withdrawn")
    assign_course(done, team, due_days=7)
    assign_course(open_, team, due_days=7)
    make.user("a@example.com", department=team)
    auth.login("a@example.com")
    client.post(f"/courses/done-then-archived/lessons/{done.items[0].id}/read")
    done.status = open_.status = "archived"
    db.session.commit()
    home = client.get("/home").get_data(as_text=True)
    assert "Course withdrawn" not in home  # nothing left to do there
    assert "Course done-then-archived" in home and "Certificate" in home  # the record stays
    assert 'href="/courses/done-then-archived"' not in home  # no link to a page that 404s



def test_home_and_course_pages_cost_the_same_statements_for_2_or_8_steps(client, auth, make):
    counts = []
    for steps in (2, 8):
        team = make.department(f"team{steps}")
        make.user(f"new{steps}@example.com", department=team)
        assign_course(make.course(f"c{steps}", lessons=steps - 1,
                                  quizzes=[make.quiz_source(f"q{steps}")]), team)
        auth.login(f"new{steps}@example.com")
        with statements_run() as home:
            assert client.get("/home").status_code == 200
        with statements_run() as course:
            assert client.get(f"/courses/c{steps}").status_code == 200
        auth.logout()
        counts.append((len(home), len(course)))
    assert counts[0] == counts[1]  # not a lazy load per step
