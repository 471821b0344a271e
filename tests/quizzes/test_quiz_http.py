"""The quiz through HTTP: autosave, stale tabs, deadlines, review, essays, roles."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from audit.models import AuditEntry
from extensions import db
from quizzes import service
from quizzes.models import Attempt, QuizGrade
from quizzes.service import get_quiz_by_slug
from tests.factories import single_choice, submitted_essay
from tests.statements import statements_run


@pytest.fixture
def setup(make, auth):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q")])
    learner = make.user("l@example.com")
    auth.login("l@example.com")
    return learner, get_quiz_by_slug("q")


def start(client):
    response = client.post("/quizzes/q/start")
    return int(response.headers["Location"].rsplit("/", 1)[1])


def posted(attempt_id, slot, option):
    """The fields the attempt's page posts for `option` (an authored index) in `slot`."""
    values = service.form_values(db.session.get(Attempt, attempt_id), slot, option)
    return {f"q{slot}-{key}" if key else f"q{slot}": value for key, value in values.items()}


def correct(attempt_id, slot):
    attempt = db.session.get(Attempt, attempt_id)
    data = service.revisions_for(attempt)[slot].data
    return next(i for i, o in enumerate(data["options"]) if o["correct"])


def test_autosave_then_reload_shows_the_answer_and_submit_grades_it(client, setup):
    attempt_id = start(client)
    right = correct(attempt_id, 0)
    right_field = posted(attempt_id, 0, right)
    saved = client.post(f"/attempts/{attempt_id}/autosave",
                        data={"slots": "0", "seq-0": "0", **right_field})
    assert saved.status_code == 200 and saved.json == {"saved": {"0": 1}}
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f'value="{right_field["q0"][0]}" checked' in page and 'name="seq-0" value="1"' in page
    response = client.post(f"/attempts/{attempt_id}", data={
        "slots": "0,1", "seq-0": "1", "seq-1": "0", **right_field, "action": "submit"})
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "50%" in review and "Correct answer" in review and "Unanswered" in review


def test_answers_survive_a_crash_before_submit(app_factory, setup, client):
    attempt_id = start(client)
    client.post(f"/attempts/{attempt_id}/autosave",
                data={"slots": "1", "seq-1": "0", **posted(attempt_id, 1, 2)})
    # a new process on the same database: nothing lived only in memory
    restarted = app_factory()
    with restarted.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.responses[1].answer == 2 and attempt.state == "in_progress"


def test_stale_tab_gets_409_and_the_newer_answer_stays(client, setup):
    attempt_id = start(client)
    client.post(f"/attempts/{attempt_id}/autosave",
                data={"slots": "0", "seq-0": "0", **posted(attempt_id, 0, 1)})
    stale = client.post(f"/attempts/{attempt_id}/autosave",
                        data={"slots": "0", "seq-0": "0", **posted(attempt_id, 0, 2)})
    assert stale.status_code == 409 and "another window" in stale.json["message"]
    form = client.post(f"/attempts/{attempt_id}", data={
        "slots": "0", "seq-0": "0", **posted(attempt_id, 0, 2), "action": "save"})
    assert form.status_code == 409
    assert db.session.get(Attempt, attempt_id).responses[0].answer == 1


def test_answer_after_the_deadline_is_refused_with_a_message(client, setup):
    learner, quiz = setup
    quiz.settings = {**quiz.settings, "time_limit_minutes": 5}
    db.session.commit()
    attempt_id = start(client)
    client.post(f"/attempts/{attempt_id}/autosave",
                data={"slots": "0", "seq-0": "0", **posted(attempt_id, 0, 1)})
    attempt = db.session.get(Attempt, attempt_id)
    attempt.started_at -= timedelta(minutes=10)
    attempt.deadline -= timedelta(minutes=10)
    attempt.submit_until -= timedelta(minutes=10)
    db.session.commit()
    late = client.post(f"/attempts/{attempt_id}/autosave",
                       data={"slots": "1", "seq-1": "0", **posted(attempt_id, 1, 1)})
    assert late.status_code == 403 and "time limit" in late.json["message"]
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.state == "finished"
    assert [r.answer for r in attempt.responses] == [1, None]


def test_a_page_that_finds_an_attempt_past_its_deadline_keeps_it_finished(client, setup):
    learner, quiz = setup
    first = start(client)
    client.post(f"/attempts/{first}", data={"slots": "", "action": "submit"})
    quiz.settings = {**quiz.settings, "time_limit_minutes": 5}
    db.session.commit()
    second = start(client)
    attempt = db.session.get(Attempt, second)
    attempt.deadline -= timedelta(minutes=10)
    attempt.submit_until -= timedelta(minutes=10)
    db.session.commit()
    # the first attempt's review closes the second one on the way: committed, not
    # graded again by every page until the sweep
    assert client.get(f"/attempts/{first}/review").status_code == 200
    db.session.expire_all()
    assert db.session.get(Attempt, second).state == "finished"

def test_malformed_answer_is_a_400_not_a_500(client, setup):
    attempt_id = start(client)
    response = client.post(f"/attempts/{attempt_id}/autosave",
                           data={"slots": "0", "seq-0": "0", "q0": "99"})
    assert response.status_code == 400 and response.json["error"] == "AnswerError"


def test_an_authored_index_is_not_an_answer(client, setup):
    """The page posts tokens; the option's authored index, as the old pages posted, is
    refused rather than mapped, so nobody can answer by position."""
    attempt_id = start(client)
    right = correct(attempt_id, 0)
    response = client.post(f"/attempts/{attempt_id}/autosave",
                           data={"slots": "0", "seq-0": "0", "q0": str(right)})
    assert response.status_code == 400 and response.json["error"] == "AnswerError"
    assert db.session.get(Attempt, attempt_id).responses[0].answer is None


@pytest.mark.parametrize("path", ["/autosave", ""])
def test_a_save_without_its_sequence_number_is_a_400_and_writes_nothing(client, setup, path):
    attempt_id = start(client)
    response = client.post(f"/attempts/{attempt_id}{path}",
                           data={"slots": "0", **posted(attempt_id, 0, 1), "action": "save"})
    assert response.status_code == 400
    if path:
        assert response.json["error"] == "MissingSequence"
    else:
        assert "Reload the page" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).responses[0].answer is None


def test_learner_cannot_open_someone_elses_attempt(app, client, setup, make):
    attempt_id = start(client)
    make.user("other@example.com")
    other = app.test_client()
    other.post("/login", data={"email": "other@example.com", "password": "correct-horse-battery"})
    assert other.get(f"/attempts/{attempt_id}").status_code == 404
    assert other.post(f"/attempts/{attempt_id}/autosave", data={"slots": "0"}).status_code == 404


def test_review_never_shows_only_the_score(client, setup):
    _, quiz = setup
    quiz.settings = {**quiz.settings, "review": "never"}
    db.session.commit()
    attempt_id = start(client)
    client.post(f"/attempts/{attempt_id}", data={"slots": "", "action": "submit"})
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "0%" in review and "Correct answer" not in review and "Option 0" not in review


def test_essay_waits_for_a_trainer_then_counts(app, make, auth, client):
    attempt_id, slot = submitted_essay(make, client, auth)
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.pending and attempt.passed is None
    assert db.session.scalar(select(QuizGrade)) is None
    assert client.get("/grading").status_code == 403  # a learner grades nothing
    trainer = app.test_client()
    trainer.post("/login", data={"email": "t@example.com", "password": "correct-horse-battery"})
    queue = trainer.get("/grading").get_data(as_text=True)
    assert "I pass the order sheet to finance." in queue
    assert "1 answer waits" in queue and '<h2 class="answer-by">l <span' in queue  # who wrote it
    response_id = next(r.id for r in attempt.responses if r.revision.type_id == "essay")
    choice_id = next(r.id for r in attempt.responses if r.revision.type_id != "essay")
    # An automatic grade is never changed by hand, nor is an attempt still being taken.
    assert trainer.post(f"/grading/{choice_id}", data={"points": "1"}).status_code == 404
    trainer.post(f"/grading/{response_id}", data={
        "points": "2", "feedback": "**Clear.** <script>alert(1)</script>"})
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert not attempt.pending and attempt.score == pytest.approx(2 / 3) and attempt.passed
    assert db.session.scalar(select(QuizGrade)).passed
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "<strong>Clear.</strong>" in review and "<script>alert" not in review  # Markdown
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "grade"))
    assert entry.target_id == response_id and "2 of 2 points" in entry.summary
    second = int(client.post("/quizzes/eq/start").headers["Location"].rsplit("/", 1)[1])
    open_essay = next(r.id for r in db.session.get(Attempt, second).responses
                      if r.revision.type_id == "essay")
    assert trainer.post(f"/grading/{open_essay}", data={"points": "2"}).status_code == 404


def test_two_concurrent_submits_produce_one_grade(app, setup, client):
    attempt_id = start(client)
    client.post(f"/attempts/{attempt_id}/autosave",
                data={"slots": "0", "seq-0": "0", **posted(attempt_id, 0, 0)})
    barrier, results, errors = threading.Barrier(2), [], []

    def submit() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                attempt = db.session.get(Attempt, attempt_id)
                done = service.submit_attempt(attempt)
                results.append((done.submitted_at, done.score))
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    db.session.commit()
    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(results) == 2
    assert results[0] == results[1]
    db.session.expire_all()
    assert len(db.session.scalars(select(QuizGrade)).all()) == 1


def test_trainer_sets_an_override_in_the_browser_form(app, make, client, auth):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", attempts_allowed=1)])
    learner = make.user("l@example.com")
    make.user("t@example.com", roles=("trainer",))
    make.user("h@example.com", roles=("hr",))
    auth.login("h@example.com")
    assert client.get("/quizzes/q/overrides").status_code == 403
    auth.logout()
    auth.login("t@example.com")
    client.post("/quizzes/q/overrides", data={"email": "l@example.com", "extra_minutes": "30",
                                               "extra_attempts": "2"})
    status = service.quiz_status(learner, get_quiz_by_slug("q"))
    assert status.allowed == 3
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "override"))
    assert "l@example.com: +30 min, +2 attempt(s)" in entry.summary and entry.actor_id


def test_question_pages_cost_the_same_statements_for_2_or_12_questions(make, auth, client):
    make.user("l@example.com")
    auth.login("l@example.com")
    counts = []
    for size in (2, 12):
        questions = [single_choice(f"k{n}") for n in range(size)]
        make.course(f"c{size}", lessons=0, quizzes=[make.quiz_source(f"q{size}", questions)])
        attempt = client.post(f"/quizzes/q{size}/start").headers["Location"]
        with statements_run() as page:
            assert client.get(attempt).status_code == 200
        client.post(attempt, data={"slots": "", "action": "submit"})
        with statements_run() as review:
            assert client.get(f"{attempt}/review").status_code == 200
        counts.append((len(page), len(review)))
    assert counts[0] == counts[1]  # not a lazy load per question (46 for 20 before)
