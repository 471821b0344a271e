"""The quiz editor: question drafts through each type's form, try, GIFT upload, settings."""

import html
import io

from sqlalchemy import select

from extensions import db
from quizzes import service as attempts
from quizzes.models import Question
from quizzes.service import get_quiz_by_slug
from tests.factories import single_choice

NEW_CHOICE = {
    "key": "handoff-owner", "prompt": "谁对交接结果负责？", "points": "2",
    "tags": "relay-baton, result-ownership", "feedback": "",
    "data-options-0-text": "交出的一方", "data-options-1-text": "双方一起",
    "data-options-1-misconception": "", "data-correct": "1",
}


def quiz_with_one_question(make):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=[single_choice("k")])])
    return get_quiz_by_slug("q")


def test_new_question_is_a_draft_until_the_course_is_published(make, as_trainer):
    quiz = quiz_with_one_question(make)
    response = as_trainer.post("/authoring/quizzes/q/questions/new/single_choice",
                               data=NEW_CHOICE)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    question = db.session.scalar(select(Question).where(Question.key == "handoff-owner"))
    assert question.current is None and question.draft.data["options"][1]["correct"]
    assert question.draft.points == 2 and question.draft.tags == ["relay-baton",
                                                                  "result-ownership"]
    learner = make.user("l@example.com")
    first = attempts.start_attempt(learner, quiz)
    assert len(first.layout) == 1
    attempts.submit_attempt(first)
    as_trainer.post("/authoring/courses/c/publish")
    db.session.expire_all()
    assert len(attempts.start_attempt(learner, get_quiz_by_slug("q")).layout) == 2


def test_invalid_question_names_the_field_and_saves_nothing(make, as_trainer):
    quiz_with_one_question(make)
    bad = {**NEW_CHOICE, "data-correct": ""}  # no correct option
    response = as_trainer.post("/authoring/quizzes/q/questions/new/single_choice", data=bad)
    assert response.status_code == 400 and "options" in response.get_data(as_text=True)
    assert db.session.scalar(select(Question).where(Question.key == "handoff-owner")) is None


def test_stale_question_form_is_a_conflict(make, as_trainer):
    quiz = quiz_with_one_question(make)
    question = quiz.questions[0]
    base = question.current.id
    edit = {**NEW_CHOICE, "key": "k", "base_revision_id": str(base)}
    assert as_trainer.post(f"/authoring/quizzes/q/questions/{question.id}",
                           data=edit).status_code == 302
    again = as_trainer.post(f"/authoring/quizzes/q/questions/{question.id}",
                            data={**edit, "prompt": "An older tab"})
    assert again.status_code == 409 and "An older tab" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, question.id).draft.prompt == "谁对交接结果负责？"


def test_try_a_question_grades_without_storing(make, as_trainer):
    quiz = quiz_with_one_question(make)
    question = quiz.questions[0]
    right = as_trainer.post(f"/authoring/quizzes/q/questions/{question.id}/try",
                            data={"q0": "0"})
    assert "Score: 100%" in right.get_data(as_text=True)
    wrong = as_trainer.post(f"/authoring/quizzes/q/questions/{question.id}/try",
                            data={"q0": "2"}).get_data(as_text=True)
    assert "Score: 0%" in wrong and "wrong-2" in wrong


def test_gift_upload_shows_the_plan_then_adds_drafts(make, as_trainer):
    quiz_with_one_question(make)
    gift = "::Owner::谁负责交接结果？{=双方 ~只有交出方}\n\n::TF::接力要在交接区里完成。{T}\n"
    plan = as_trainer.post("/authoring/quizzes/q/gift", data={
        "format": "gift", "file": (io.BytesIO(gift.encode()), "q.gift")},
        content_type="multipart/form-data")
    page = plan.get_data(as_text=True)
    assert plan.status_code == 200 and "Questions found: 2" in page
    assert len(get_quiz_by_slug("q").questions) == 1  # nothing added before confirming
    text = page.split('name="text" type="hidden" value="')[1].split('"')[0]
    as_trainer.post("/authoring/quizzes/q/gift/confirm",
                    data={"text": html.unescape(text), "token": "gift"})
    db.session.expire_all()
    added = [q for q in get_quiz_by_slug("q").questions if q.key != "k"]
    assert len(added) == 2 and all(q.draft and q.current is None for q in added)
    broken = as_trainer.post("/authoring/quizzes/q/gift", data={
        "format": "gift", "file": (io.BytesIO(b"Fine {T}\n\nBroken {=a ~b\n"), "b.gift")},
        content_type="multipart/form-data")
    assert broken.status_code == 400 and "line 3" in broken.get_data(as_text=True)


def test_stale_settings_form_is_refused(make, as_trainer):
    quiz_with_one_question(make)
    form = {"title": "Quiz", "pass_mark": "70", "deadline_action": "submit",
            "grading_method": "highest", "review": "after_submit", "grace_minutes": "0"}
    page = as_trainer.get("/authoring/quizzes/q").get_data(as_text=True)
    fingerprint = page.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    assert as_trainer.post("/authoring/quizzes/q", data={
        **form, "fingerprint": fingerprint}).status_code == 302
    stale = as_trainer.post("/authoring/quizzes/q", data={**form, "pass_mark": "90",
                                                           "fingerprint": fingerprint})
    assert stale.status_code == 409
    db.session.expire_all()
    assert get_quiz_by_slug("q").settings["pass_mark"] == 70


def test_points_must_be_a_finite_number_in_range(make, as_trainer):
    quiz_with_one_question(make)
    for points in ("nan", "inf", "1e400", "0", "5000"):
        response = as_trainer.post("/authoring/quizzes/q/questions/new/single_choice",
                                   data={**NEW_CHOICE, "points": points})
        assert response.status_code == 400, points
        assert "at most 1000" in html.unescape(response.get_data(as_text=True)), points
    assert db.session.scalar(select(Question).where(Question.key == "handoff-owner")) is None
