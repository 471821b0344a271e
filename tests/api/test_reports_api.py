"""Courses, assignments, enrollments, completions and transcripts through the API."""

from datetime import datetime, timedelta

from sqlalchemy import select, update

import clock
from accounts import service as accounts
from courses.assignment import assign_course
from courses.models import Assignment, Enrollment
from extensions import db
from tests.api.conftest import read_all
from tests.factories import answer_quiz
from tests.statements import statements_run


def test_courses_and_their_outline(api, make):
    make.course("intro", lessons=2, quizzes=[make.quiz_source("intro-quiz", pass_mark=60)],
                optional_last=True)
    listed = api.get("/courses").json
    assert [c["slug"] for c in listed["data"]] == ["intro"]
    assert listed["data"][0]["activity_id"].endswith("/courses/intro")
    course = api.get("/courses/intro").json
    outline = course["outline"]
    assert [(i["kind"], i["slug"], i["required"]) for i in outline] == [
        ("lesson", "lesson-1", True), ("lesson", "lesson-2", True),
        ("quiz", "intro-quiz", False)]
    assert outline[2]["pass_mark"] == 60 and outline[0]["reading_minutes"] >= 1
    assert api.get("/courses?status=draft").json["data"] == []
    assert api.get("/courses/nope").status_code == 404


def test_assignments_are_listed_and_created(api, make):
    company = make.department("co")
    sales = make.department("sales", parent=company)
    make.user("a@example.com", department=sales)
    make.user("b@example.com", department=company)
    make.course("intro", lessons=1)
    created = api.post("/assignments", {"course": "intro", "department": "co",
                                        "due_days": 14, "due_from": "assignment"})
    assert created.status_code == 201, created.json
    assert created.json["enrollments_created"] == 2
    assert created.json["assignment"]["department"] == "co"
    everyone = api.post("/assignments", {"course": "intro"})
    assert everyone.json["assignment"]["department"] is None
    assert len(api.get("/assignments?course=intro").json["data"]) == 2
    assert len(api.get("/assignments?department=co").json["data"]) == 1
    assert len(api.get("/assignments?everyone=true").json["data"]) == 1
    assert api.get("/assignments?department=ghost").json["data"] == []
    enrollment = api.get("/enrollments?course=intro").json["data"][0]
    assert enrollment["due_date"] == (clock.today() + timedelta(days=14)).isoformat()

    refused = api.post("/assignments", {"course": "ghost", "department": "nowhere",
                                        "due_date": "2026-13-01", "due_days": -1,
                                        "extra": 1})
    assert refused.status_code == 422
    assert {d["field"] for d in refused.json["error"]["details"]} == {
        "course", "department", "due_date", "due_days", "extra"}
    both = api.post("/assignments", {"course": "intro", "due_date": "2026-09-01",
                                     "due_days": 3})
    assert both.status_code == 422
    assert db.session.scalar(select(db.func.count(Assignment.id))) == 2


def test_enrollment_filters(api, make):
    company = make.department("co")
    sales = make.department("sales", parent=company)
    other = make.department("other")
    course = make.course("intro", lessons=1)
    second = make.course("second", lessons=1)
    assign_course(course, None, due_date=clock.today() - timedelta(days=1))
    assign_course(second, sales)
    done = make.user("done@example.com", department=sales)
    make.user("idle@example.com", department=company)
    make.user("away@example.com", department=other)
    read_all(done, course)

    def pairs(query: str) -> set[tuple[str, str]]:
        data = api.get(f"/enrollments?{query}").json["data"]
        return {(e["user"]["email"], e["course"]) for e in data}

    assert pairs("department=co") == {("done@example.com", "intro"),
                                      ("done@example.com", "second"),
                                      ("idle@example.com", "intro")}
    assert pairs("department=co&include_subtree=false") == {("idle@example.com", "intro")}
    assert pairs("course=second") == {("done@example.com", "second")}
    assert pairs("status=completed") == {("done@example.com", "intro")}
    assert pairs("status=overdue") == {("idle@example.com", "intro"),
                                       ("away@example.com", "intro")}
    assert pairs("status=not_started&course=intro") == {("idle@example.com", "intro"),
                                                        ("away@example.com", "intro")}
    assert pairs("course=ghost") == set()
    row = api.get("/enrollments?status=completed").json["data"][0]
    assert row["completed_department"] == "sales" and row["status"] == "completed"
    assert row["overdue"] is False

    # incremental pulls: only what changed at or after the given time
    db.session.execute(update(Enrollment).values(updated_at=datetime(2020, 1, 1)))
    db.session.execute(update(Enrollment).where(Enrollment.user_id == done.id)
                       .values(updated_at=datetime(2026, 3, 1, 12)))
    db.session.commit()
    assert pairs("updated_since=2026-03-01T12:00:00Z") == {("done@example.com", "intro"),
                                                          ("done@example.com", "second")}
    assert pairs("updated_since=2026-03-01T13:00:00%2B02:00") == {
        ("done@example.com", "intro"), ("done@example.com", "second")}
    assert pairs("updated_since=2026-03-01T12:00:01Z") == set()
    bad = api.get("/enrollments?updated_since=yesterday")
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "updated_since"


def test_completions_keep_the_department_of_the_moment(api, make):
    sales, finance = make.department("sales"), make.department("finance")
    course = make.course("intro", lessons=1)
    learner = make.user("mover@example.com", department=sales)
    read_all(learner, course)
    accounts.transfer_user(learner, finance)
    by_sales = api.get("/completions?department=sales").json["data"]
    assert [(c["user"]["email"], c["department"]) for c in by_sales] == [
        ("mover@example.com", "sales")]
    assert api.get("/completions?department=finance").json["data"] == []
    assert api.get("/enrollments?department=sales").json["data"] == []  # current department
    stamp = by_sales[0]["completed_at"]
    assert api.get(f"/completions?since={stamp}").json["meta"]["total"] == 1
    assert api.get(f"/completions?until={stamp}").json["meta"]["total"] == 0


def test_transcript_lists_progress_and_quiz_grades(api, make):
    team = make.department("ops")
    first = make.course("first", lessons=2, quizzes=[make.quiz_source("q1")])
    second = make.course("second", lessons=1)
    assign_course(first, team)
    assign_course(second, team)
    learner = make.user("l@example.com", department=team)
    read_all(learner, first)
    answer_quiz(learner, "q1", correct=False)
    answer_quiz(learner, "q1", correct=True)
    response = api.get(f"/users/{learner.id}/transcript")
    assert response.status_code == 200
    courses = {c["course"]["slug"]: c for c in response.json["courses"]}
    assert courses["first"]["status"] == "completed"
    assert courses["first"]["completed_department"] == "ops"
    assert (courses["first"]["required_items"], courses["first"]["required_done"]) == (3, 3)
    assert courses["first"]["quizzes"] == [{"slug": "q1", "title": "Quiz q1", "required": True,
                                            "attempts": 2, "score": 1.0, "passed": True}]
    assert courses["second"]["status"] == "not_started"
    assert (courses["second"]["percent"], courses["second"]["lessons_read"]) == (0, 0)
    assert api.get("/users/424242/transcript").status_code == 404


def test_transcript_costs_the_same_queries_for_one_course_or_many(app, make):
    from accounts.preferences import school_defaults
    from api import service

    team = make.department("ops")
    learner = make.user("l@example.com", department=team)
    school_defaults()  # the school's zone (for the day) is read once per process, not per call
    counts = []
    for index in range(2):
        for n in range(1 if index == 0 else 5):
            assign_course(make.course(f"c{index}-{n}", lessons=2), team)
        db.session.expire_all()
        user = db.session.get(type(learner), learner.id)
        with statements_run() as statements:
            data = service.transcript(user)
        counts.append(len(statements))
        assert len(data["courses"]) == (1 if index == 0 else 6)
    assert counts[0] == counts[1] <= 6
