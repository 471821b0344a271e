"""The lesson page reads; only a change of step writes. Counted in SQL statements.

A page view that wrote (the step opened, an xAPI statement) queued every learner
behind SQLite's write lock and an fsync. Now the step and the `experienced`
statement are written only when the learner opens a different step, and the
outline's progress is the enrollment's stored record.
"""

from __future__ import annotations

from sqlalchemy import func, select

from api.models import XapiStatement
from courses.assignment import assign_course
from courses.models import Enrollment
from extensions import db
from quizzes.service import get_quiz_by_slug
from tests.factories import answer_quiz
from tests.statements import statements_run, writes


def experienced() -> int:
    return db.session.scalar(select(func.count()).select_from(XapiStatement).where(
        XapiStatement.verb.like("%experienced")))


def enrollment() -> Enrollment:
    db.session.expire_all()
    return db.session.scalar(select(Enrollment))


def test_a_repeat_view_of_a_step_writes_nothing(client, auth, make):
    team = make.department("ops")
    course = make.course("onboarding", lessons=3)
    assign_course(course, team)
    make.user("lin@example.com", department=team)
    first, second = course.items[0].id, course.items[1].id
    auth.login("lin@example.com")
    url = "/courses/onboarding/lessons/{}".format

    with statements_run() as opening:
        assert client.get(url(first)).status_code == 200
    assert writes(opening)  # a new step: recorded
    assert enrollment().last_item_id == first and enrollment().started_at is not None
    assert experienced() == 1

    for _ in range(2):
        with statements_run() as again:
            page = client.get(url(first))
        assert page.status_code == 200 and "Lesson 1" in page.get_data(as_text=True)
        assert writes(again) == []  # no write, no write lock
        # user, course, outline (2), enrollment, the FAQ with the reader's questions, + BEGIN
        assert len(again) <= 7, again
    assert experienced() == 1

    with statements_run() as moving:
        client.get(url(second))
    assert writes(moving)
    assert enrollment().last_item_id == second and experienced() == 2
    assert client.get("/courses/onboarding/continue").headers["Location"].endswith(
        url(second))


def test_the_lesson_page_costs_the_same_however_long_the_outline(client, auth, make):
    counts = []
    for steps in (2, 8):
        team = make.department(f"team{steps}")
        make.user(f"l{steps}@example.com", department=team)
        course = make.course(f"c{steps}", lessons=steps - 1,
                             quizzes=[make.quiz_source(f"q{steps}")])
        assign_course(course, team)
        auth.login(f"l{steps}@example.com")
        page = f"/courses/c{steps}/lessons/{course.items[0].id}"
        client.get(page)
        with statements_run() as statements:
            assert client.get(page).status_code == 200
        auth.logout()
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_header_role_facts_come_with_the_user(client, auth, make):
    """A department head sees Reports in the header; it costs no query of its own."""
    team = make.department("ops")
    course = make.course("onboarding", lessons=1)
    assign_course(course, team)
    head = make.user("head@example.com", department=team)
    make.user("lin@example.com", department=team)
    team.head_id = head.id
    db.session.commit()
    url = f"/courses/onboarding/lessons/{course.items[0].id}"
    counts = {}
    for email in ("head@example.com", "lin@example.com"):
        auth.login(email)
        client.get(url)
        with statements_run() as statements:
            page = client.get(url).get_data(as_text=True)
        counts[email] = len(statements)
        assert ('href="/reports"' in page) == (email == "head@example.com")
        assert not any("departments.head_id" in s and "LIMIT" in s.upper() for s in statements)
        auth.logout()
    assert counts["head@example.com"] == counts["lin@example.com"]


def test_the_outline_reads_the_stored_progress(client, auth, make):
    team = make.department("ops")
    quiz = make.quiz_source("check", grading_method="latest")
    course = make.course("onboarding", lessons=1, quizzes=[quiz])
    assign_course(course, team)
    learner = make.user("lin@example.com", department=team)
    lesson = course.items[0]
    auth.login("lin@example.com")
    client.post(f"/courses/onboarding/lessons/{lesson.id}/read")
    assert enrollment().done_steps == f"l{lesson.lesson_id}"
    quiz_id = get_quiz_by_slug("check").id

    answer_quiz(learner, "check", correct=True)
    assert set(enrollment().done_steps.split()) == {f"l{lesson.lesson_id}", f"q{quiz_id}"}
    assert enrollment().completed_at is not None
    # graded by the latest attempt: a failed retake takes the quiz step back
    answer_quiz(learner, "check", correct=False)
    assert enrollment().done_steps == f"l{lesson.lesson_id}"

    page = client.get("/courses/onboarding").get_data(as_text=True)
    assert "1 of 2 required steps done" in page
    # the record, not the progress rows, is what the page shows
    db.session.execute(Enrollment.__table__.update().values(done_steps=""))
    db.session.commit()
    page = client.get("/courses/onboarding").get_data(as_text=True)
    assert "0 of 2 required steps done" in page
