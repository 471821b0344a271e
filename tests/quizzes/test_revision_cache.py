"""The per-app revision cache: autosaves stop reading revisions, and an attempt keeps
the revision it was given after a trainer publishes a new one."""

from __future__ import annotations

from extensions import db
from quizzes import service
from quizzes.models import Attempt, Response
from quizzes.service import get_quiz_by_slug
from tests.factories import single_choice
from tests.statements import statements_run


def _form(attempt_id: int, slot: int, option: int, seq: int) -> dict:
    values = service.form_values(db.session.get(Attempt, attempt_id), slot, option)
    return {"slots": str(slot), f"seq-{slot}": str(seq),
            **{f"q{slot}-{key}" if key else f"q{slot}": value for key, value in values.items()}}


def _save(client, attempt_id: int, slot: int, option: int, seq: int):
    return client.post(f"/attempts/{attempt_id}/autosave",
                       data=_form(attempt_id, slot, option, seq))


def test_a_second_autosave_reads_no_revision_and_writes_one_update(make, auth, client):
    make.course("c", lessons=0, quizzes=[make.quiz_source(
        "q", [single_choice("k0"), single_choice("k1")])])
    make.user("l@example.com")
    auth.login("l@example.com")
    attempt_id = int(client.post("/quizzes/q/start").headers["Location"].rsplit("/", 1)[1])
    assert _save(client, attempt_id, 0, 1, 0).json == {"saved": {"0": 1}}
    form = _form(attempt_id, 1, 2, 0)  # the test's own reads, outside the count
    with statements_run() as run:
        saved = client.post(f"/attempts/{attempt_id}/autosave", data=form)
    assert saved.json == {"saved": {"1": 1}}
    assert not [s for s in run if "question_revisions" in s]
    assert len([s for s in run if s.lstrip().upper().startswith("UPDATE RESPONSES")]) == 1
    answers = {r.slot: (r.answer, r.seq) for r in db.session.query(Response).filter_by(
        attempt_id=attempt_id)}
    assert answers == {0: (1, 1), 1: (2, 1)}


def test_an_open_attempt_keeps_its_revision_when_a_new_one_is_published(make, auth, client):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", [single_choice("k0", correct=0)])])
    make.user("l@example.com")
    auth.login("l@example.com")
    first = int(client.post("/quizzes/q/start").headers["Location"].rsplit("/", 1)[1])
    given = db.session.get(Attempt, first).layout[0]["revision_id"]
    # the trainer republishes the question: option 2 is right now (a new revision)
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", [single_choice("k0", correct=2)])])
    assert _save(client, first, 0, 0, 0).status_code == 200
    client.post(f"/attempts/{first}", data={"slots": "", "action": "submit"})
    assert db.session.get(Attempt, first).score == 1.0  # graded by the revision it was given
    second = int(client.post("/quizzes/q/start").headers["Location"].rsplit("/", 1)[1])
    assert db.session.get(Attempt, second).layout[0]["revision_id"] != given
    assert get_quiz_by_slug("q").questions[0].current_revision_id != given
