"""Hostile bodies, queries and form values get 400/422 with a message, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from extensions import db
from quizzes.models import Response
from tests.factories import PASSWORD, submitted_essay


@pytest.fixture
def essay_to_grade(app, make, client, auth):
    attempt_id, slot = submitted_essay(make, client, auth)
    trainer = app.test_client()
    trainer.post("/login", data={"email": "t@example.com", "password": PASSWORD})
    response_id = db.session.scalar(select(Response.id).where(
        Response.attempt_id == attempt_id, Response.slot == slot))
    return trainer, response_id


@pytest.mark.parametrize("points", ["sNaN", "NaN", "-sNaN", "Infinity", "-Infinity", "1e999999",
                                    "-0.5", "3", "", "x", "1" * 5000])
def test_grading_refuses_points_that_are_not_a_fair_number(essay_to_grade, points):
    trainer, response_id = essay_to_grade
    answer = trainer.post(f"/grading/{response_id}", data={"points": points})
    assert answer.status_code == 422
    assert "Enter points between 0 and" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Response, response_id).fraction is None  # nothing half-written


def test_grading_still_takes_a_fair_number(essay_to_grade):
    trainer, response_id = essay_to_grade
    assert trainer.post(f"/grading/{response_id}", data={"points": "1.5"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Response, response_id).fraction == pytest.approx(0.75)


HOSTILE_TEXT = st.one_of(
    st.sampled_from(["sNaN", "NaN", "Infinity", "1e999999", "-1", "0x10", "%00", "\x00",
                     "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
                     "９", "[" * 5000, "{{7*7}}", "' OR 1=1 --", "../../etc/passwd"]),
    st.text(max_size=20),
)


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=HOSTILE_TEXT)
def test_queries_and_forms_never_500(essay_to_grade, value):
    trainer, response_id = essay_to_grade
    for answer in (
        trainer.get("/reports", query_string={"page": value, "department": value}),
        trainer.get("/audit", query_string={"page": value}),
        trainer.get("/api/v1/users", query_string={"page": value, "updated_since": value}),
        trainer.post(f"/grading/{response_id}", data={"points": value, "feedback": value}),
        trainer.post("/locale", data={"locale": value, "next": value}),
    ):
        assert answer.status_code < 500, (value, answer.status_code)
