"""xAPI statements: one per learning event, valid by xAPI 1.0.3, written with the event."""

import logging
import uuid
from datetime import datetime

import pytest
from sqlalchemy import func, select

import clock
from api import xapi
from api.models import XapiStatement
from courses import service as courses
from courses.assignment import assign_course
from courses.models import LessonProgress
from extensions import db
from tests.api.conftest import Api
from tests.api.xapi_rules import check_statement
from tests.factories import answer_quiz

BASE = "https://lms.acme.test/xapi"
VERBS = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def app(app_factory):
    app = app_factory(XAPI_ACTIVITY_BASE=BASE + "/")
    with app.app_context():
        yield app


def statements() -> list[dict]:
    return [row.payload for row in db.session.scalars(
        select(XapiStatement).order_by(XapiStatement.id))]


def short(statement: dict) -> tuple[str, str]:
    return (statement["verb"]["id"].removeprefix(VERBS),
            statement["object"]["id"].removeprefix(BASE))


def test_the_rules_catch_broken_statements():
    good = {"id": str(uuid.uuid4()), "timestamp": "2026-01-01T00:00:00.000Z",
            "actor": {"mbox": "mailto:a@example.com"},
            "verb": {"id": VERBS + "completed", "display": {"en-US": "completed"}},
            "object": {"id": BASE + "/courses/a"}}
    assert check_statement(good) == []
    broken = {**good, "id": "42", "timestamp": "yesterday",
              "actor": {"mbox": "a@example.com", "account": {"name": "x"}},
              "verb": {"id": "http://example.com/verbs/did"}, "object": {"id": "not an iri"},
              "result": {"score": {"scaled": 1.5, "raw": 12, "min": 0, "max": 10},
                         "duration": "90 seconds", "success": "yes"},
              "context": {"registration": "nope", "extensions": {"attempt": 1}}}
    problems = "\n".join(check_statement(broken))
    for expected in ("id is not a UUID", "timestamp", "exactly one identifier", "mailto",
                     "ADL vocabulary", "object.id", "scaled", "raw is above max",
                     "duration", "success", "registration", "not an IRI"):
        assert expected in problems, expected


def test_a_learners_journey_is_recorded_as_valid_statements(make):
    team = make.department("ops", "Operations")
    course = make.course("onboarding", lessons=1, quizzes=[make.quiz_source("check")])
    assign_course(course, team)
    learner = make.user("lin@example.com", name="Lin", department=team)
    lesson = course.items[0]
    assert courses.record_visit(learner, lesson)
    assert not courses.record_visit(learner, lesson)  # the same step again: nothing new
    courses.mark_lesson_read(learner, lesson)
    answer_quiz(learner, "check", correct=False)
    answer_quiz(learner, "check", correct=True)

    recorded = statements()
    lesson_iri, quiz_iri = "/courses/onboarding/lessons/lesson-1", "/quizzes/check"
    assert [short(s) for s in recorded] == [
        ("launched", "/courses/onboarding"),  # once, at the first step opened
        ("experienced", lesson_iri),  # once per change of step, not per page view
        ("completed", lesson_iri),
        ("attempted", quiz_iri),
        ("answered", quiz_iri + "/questions/q1"), ("answered", quiz_iri + "/questions/q2"),
        ("completed", quiz_iri), ("failed", quiz_iri),
        ("attempted", quiz_iri),
        ("answered", quiz_iri + "/questions/q1"), ("answered", quiz_iri + "/questions/q2"),
        ("completed", quiz_iri), ("passed", quiz_iri),
        ("completed", "/courses/onboarding"),
    ]
    for statement in recorded:
        assert check_statement(statement) == [], statement
        assert statement["actor"] == {"objectType": "Agent", "name": "Lin",
                                      "mbox": "mailto:lin@example.com"}
        assert statement["timestamp"].endswith("Z")
        assert statement["context"]["platform"] == "Relay"
        grouping = statement["context"]["contextActivities"].get("grouping", [])
        assert BASE + "/departments/ops" in [a["id"] for a in grouping]
    ids = [s["id"] for s in recorded]
    assert len(set(ids)) == len(ids)
    assert {s["context"]["registration"] for s in recorded} == {recorded[0]["context"][
        "registration"]}  # one registration per learner and course

    failed, passed = recorded[7], recorded[12]
    assert failed["result"]["success"] is False and passed["result"]["success"] is True
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 2.0, "min": 0, "max": 2.0}
    assert failed["result"]["score"]["scaled"] == 0.0
    assert passed["result"]["duration"].startswith("PT")
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == BASE + (
        "/courses/onboarding")
    assert passed["context"]["extensions"][BASE + "/extensions/attempt"] == 2
    answered = recorded[10]
    assert answered["result"]["success"] is True and answered["result"]["response"]
    assert answered["context"]["contextActivities"]["parent"][0]["id"] == BASE + quiz_iri
    assert recorded[-1]["result"]["completion"] is True
    assert recorded[0]["object"]["definition"]["type"] == (
        "http://adlnet.gov/expapi/activities/course")


def test_a_statement_is_written_with_its_event_or_not_at_all(make, monkeypatch):
    course = make.course("c", lessons=2)
    learner = make.user()

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away mid-transaction")

    monkeypatch.setattr(courses, "record_step", fail)
    with pytest.raises(RuntimeError):
        courses.mark_lesson_read(learner, course.items[0])
    db.session.rollback()
    assert db.session.scalar(select(func.count(LessonProgress.id))) == 0
    assert db.session.scalar(select(func.count(XapiStatement.id))) == 0
    monkeypatch.undo()
    courses.mark_lesson_read(learner, course.items[0])
    assert [short(s)[0] for s in statements()] == ["completed"]


def test_account_actor_when_configured(app_factory):
    from tests.factories import Factories

    app = app_factory(XAPI_ACTOR="account", XAPI_ACTIVITY_BASE=BASE)
    with app.app_context():
        make = Factories()
        course = make.course("c", lessons=1)
        learner = make.user("a@example.com")
        courses.mark_lesson_read(learner, course.items[0])
        statement = statements()[0]
        assert statement["actor"]["account"] == {"homePage": "https://lms.acme.test",
                                                 "name": str(learner.id)}
        assert "mbox" not in statement["actor"] and check_statement(statement) == []


def test_statements_are_paged_with_since_and_more(make, client, issue):
    course = make.course("c", lessons=3)
    learner = make.user()
    for item in course.items:
        courses.mark_lesson_read(learner, item)  # 3 lessons + the course: 4 statements
    api = Api(client, issue("statements:read"))
    first = api.get("/xapi/statements?limit=3")
    assert first.status_code == 200 and first.headers["X-Experience-API-Version"] == "1.0.3"
    assert len(first.json["statements"]) == 3 and first.json["more"]
    rest = api.client.get(first.json["more"], headers=api.headers).json
    assert len(rest["statements"]) == 1 and rest["more"] == ""
    everything = first.json["statements"] + rest["statements"]
    assert [s["id"] for s in everything] == [s["id"] for s in statements()]
    for statement in everything:
        assert check_statement(statement) == [] and statement["stored"].endswith("Z")
    rows = db.session.scalars(select(XapiStatement).order_by(XapiStatement.id)).all()
    since = rows[1].created_at.isoformat() + "Z"
    later = api.get(f"/xapi/statements?since={since}").json["statements"]
    assert [s["id"] for s in later] == [r.statement_id for r in rows[2:]]
    assert api.get("/xapi/statements?since=soon").status_code == 400


def test_event_times_keep_milliseconds(monkeypatch):
    now = datetime(2026, 3, 1, 9, 30, 15, 700_000)
    monkeypatch.setattr(clock, "utcnow_exact", lambda: now)
    # a row stamped in whole seconds in this very transaction: the clock, to the ms
    assert xapi.timestamp(datetime(2026, 3, 1, 9, 30, 15)) == "2026-03-01T09:30:15.700Z"
    # stamped at 9:30:14.999 (cut to 14) and the statement built a moment after
    assert xapi.timestamp(datetime(2026, 3, 1, 9, 30, 14)) == "2026-03-01T09:30:15.700Z"
    assert xapi.timestamp(datetime(2026, 3, 1, 9, 30, 13)) == "2026-03-01T09:30:13.000Z"
    # an older stamp is the event's own time (an attempt closed after its deadline)
    assert xapi.timestamp(datetime(2026, 3, 1, 9, 0, 0)) == "2026-03-01T09:00:00.000Z"
    assert xapi.timestamp(datetime(2026, 3, 1, 9, 30, 15, 250_000)) == (
        "2026-03-01T09:30:15.250Z")
    assert xapi.timestamp(None) == "2026-03-01T09:30:15.700Z"


def test_quiz_events_sort_after_the_lesson_opened_before_them(make):
    team = make.department("ops", "Operations")
    course = make.course("c", lessons=1, quizzes=[make.quiz_source("check")])
    assign_course(course, team)
    learner = make.user(department=team)
    courses.record_visit(learner, course.items[0])
    answer_quiz(learner, "check", correct=True)
    stamps = [s["timestamp"] for s in statements()]
    assert [short(s)[0] for s in statements()][:3] == ["launched", "experienced", "attempted"]
    assert stamps == sorted(stamps)  # recorded in this order, stamped in this order


def test_a_warning_at_start_up_when_the_lrs_would_get_placeholder_iris(app_factory, caplog,
                                                                       monkeypatch):
    # alembic's fileConfig (migrations/env.py, run by the test database set-up) disables
    # loggers that existed before it; a served app never runs it in its own process
    monkeypatch.setattr(logging.getLogger("app"), "disabled", False)
    with caplog.at_level(logging.WARNING):
        app_factory(XAPI_ENDPOINT="https://lrs.acme.test/xapi/",
                    XAPI_ACTIVITY_BASE="https://relay.example.com/xapi")
    assert "XAPI_ACTIVITY_BASE is the placeholder https://relay.example.com/xapi" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        app_factory(XAPI_ENDPOINT="https://lrs.acme.test/xapi/", XAPI_ACTIVITY_BASE=BASE)
        app_factory(XAPI_ACTIVITY_BASE="https://relay.example.com/xapi")  # no LRS: no harm
    assert "placeholder" not in caplog.text
