"""What each quiz step costs the database, counted (never timed): the company-wide start
and a class's autosaves queue for SQLite's write lock, one transaction each (issue 23)."""

from __future__ import annotations

from datetime import timedelta

import pytest

import clock
from extensions import db
from quizzes.models import Attempt
from tests.factories import single_choice
from tests.quizzes.test_attempt_flow import posted
from tests.statements import statements_run, transactions_run, writes


@pytest.fixture
def attempt_id(make, auth, client) -> int:
    make.course("c", lessons=0, quizzes=[make.quiz_source(
        "q", questions=[single_choice(f"k{n}", correct=1) for n in range(3)])])
    make.user("l@example.com")
    auth.login("l@example.com")
    return int(client.post("/quizzes/q/start").headers["Location"].rsplit("/", 1)[1])


def test_an_autosave_is_one_transaction(client, attempt_id):
    answer = {"slots": "0", **posted(attempt_id, 0, 1)}
    with transactions_run() as transactions:
        saved = client.post(f"/attempts/{attempt_id}/autosave", data=answer)
    assert saved.status_code == 200 and saved.json == {"saved": {"0": 1}}
    # not a second one after the commit to re-read the expired attempt's id
    assert len(transactions) == 1


def test_the_no_javascript_save_is_one_transaction_and_redirects(client, attempt_id):
    answer = {"slots": "0", "action": "next", **posted(attempt_id, 0, 1)}
    with transactions_run() as transactions:
        saved = client.post(f"/attempts/{attempt_id}", data=answer)
    assert saved.headers["Location"].endswith(f"/attempts/{attempt_id}?page=2")
    assert len(transactions) == 1


def test_a_submit_from_the_summary_checks_no_answers(client, attempt_id):
    with statements_run() as statements:
        client.post(f"/attempts/{attempt_id}", data={"slots": "", "action": "submit"})
    assert db.session.get(Attempt, attempt_id).state == "finished"
    # nothing posted: no lookup of the posted questions' revisions
    assert not [s for s in statements if "responses.slot IN" in " ".join(s.split())]


@pytest.mark.parametrize("page", ["", "/summary"])
def test_an_attempts_pages_read_without_the_write_lock(client, attempt_id, page):
    with statements_run() as statements:
        assert client.get(f"/attempts/{attempt_id}{page}").status_code == 200
    assert writes(statements) == []


@pytest.mark.parametrize("page", ["", "/summary"])
def test_an_attempts_page_past_its_deadline_still_closes_it(client, attempt_id, page):
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline = clock.utcnow() - timedelta(minutes=1)
    db.session.commit()
    opened = client.get(f"/attempts/{attempt_id}{page}")
    assert opened.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    db.session.expire_all()
    closed = db.session.get(Attempt, attempt_id)
    assert closed.state == "finished" and closed.submitted_at == attempt.deadline
