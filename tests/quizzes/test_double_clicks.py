"""Two starts of one quiz at the same moment (a double click) give one attempt."""

from sqlalchemy import func, select

from extensions import db
from quizzes.models import Attempt, Response
from tests.concurrency import at_once


def test_simultaneous_starts_make_one_attempt_and_no_error(app, make):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q")])
    make.user("double@example.com")
    db.session.commit()
    statuses = at_once(app, "double@example.com", lambda c: c.post("/quizzes/q/start"))
    assert all(200 <= status < 400 for status in statuses), statuses
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2
