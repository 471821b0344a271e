"""Lesson questions: privacy, the rate limit, the queue and its target, answers, FAQ, figures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from reports.models import OutboxMessage
from rollouts import service
from rollouts.models import LessonQuestion


@pytest.fixture
def lesson(make):
    course = make.course("policy", lessons=2)
    return course.items[0]


def lesson_url(item) -> str:
    return f"/courses/{item.course.slug}/lessons/{item.id}"


def test_working_days_skip_the_weekend() -> None:
    thursday = datetime(2026, 12, 3, 10, 0)
    assert service.add_working_days(thursday, 2) == datetime(2026, 12, 7, 10, 0)  # Monday
    saturday = datetime(2026, 12, 5, 9, 0)
    assert service.add_working_days(saturday, 1) == datetime(2026, 12, 7, 9, 0)


def test_a_question_is_sanitized_and_private(app, make, lesson, client, auth):
    ann, bob = make.user("ann@example.com"), make.user("bob@example.com")
    auth.login(ann.email)
    response = client.post(lesson_url(lesson) + "/questions",
                           data={"body": "Why **this**? <script>alert(1)</script>"})
    assert response.status_code == 302
    question = db.session.scalar(select(LessonQuestion))
    assert question.asker_id == ann.id and "<strong>this</strong>" in question.body_html
    assert "<script" not in question.body_html
    page = client.get(lesson_url(lesson)).get_data(as_text=True)
    assert "<strong>this</strong>" in page
    auth.logout()
    auth.login(bob.email)
    page = client.get(lesson_url(lesson)).get_data(as_text=True)
    assert "<strong>this</strong>" not in page  # another learner's unpublished question
    assert client.get("/questions").status_code == 403
    assert client.get(f"/questions/{question.id}").status_code == 403


def test_empty_question_names_the_field(app, make, lesson, client, auth):
    auth.login(make.user().email)
    response = client.post(lesson_url(lesson) + "/questions", data={"body": "  "},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Your question (Markdown)" in response.get_data(as_text=True)
    assert db.session.scalar(select(LessonQuestion)) is None


def test_questions_are_rate_limited_per_learner(app, make, lesson):
    app.config["QUESTIONS_PER_HOUR"] = 2
    ann, bob = make.user(), make.user()
    now = datetime(2026, 12, 3, 10, 0)
    service.ask(ann, lesson, "one", now)
    service.ask(ann, lesson, "two", now + timedelta(minutes=1))
    with pytest.raises(service.RateLimited):
        service.ask(ann, lesson, "three", now + timedelta(minutes=2))
    service.ask(bob, lesson, "bob's first", now + timedelta(minutes=2))  # per learner
    service.ask(ann, lesson, "an hour later", now + timedelta(minutes=61))
    assert db.session.query(LessonQuestion).count() == 4


def test_queue_is_oldest_first_with_overdue_marked(app, make, lesson):
    ann = make.user()
    monday = datetime(2026, 11, 30, 9, 0)
    old = service.ask(ann, lesson, "old", monday)
    new = service.ask(ann, lesson, "new", monday + timedelta(days=1))
    assert old.due_at == datetime(2026, 12, 2, 9, 0)
    rows = service.queue(now=datetime(2026, 12, 2, 12, 0))
    assert [r.question.id for r in rows] == [old.id, new.id]
    assert [r.overdue for r in rows] == [True, False]
    app.config["QUESTION_TARGET_WORKING_DAYS"] = 5
    later = service.ask(make.user(), lesson, "later", monday)
    assert later.due_at == datetime(2026, 12, 7, 9, 0)


def test_answer_notifies_and_faq_hides_the_asker(app, make, lesson, client, auth):
    ann = make.user("ann@example.com", name="Ann Asker")
    make.user("trainer@example.com", roles=("trainer",))
    question = service.ask(ann, lesson, "What counts as a handoff?")
    auth.login("trainer@example.com")
    queue = client.get("/questions").get_data(as_text=True)
    assert "What counts as a handoff?" in queue and "Ann Asker" in queue
    response = client.post(f"/questions/{question.id}",
                           data={"answer": "Any *delivery* to a colleague.", "publish": "y"})
    assert response.status_code == 302
    held = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.kind, m.to_email, m.sent_at) for m in held] == [("answer", ann.email, None)]
    assert "What counts as a handoff?" not in client.get("/questions").get_data(as_text=True)
    auth.logout()
    auth.login(ann.email)
    home = client.get("/home").get_data(as_text=True)
    assert "Your questions were answered" in home and f"#q-{question.id}" in home
    client.post("/home/answers/dismiss")
    assert "Your questions were answered" not in client.get("/home").get_data(as_text=True)
    auth.logout()
    auth.login(make.user("bob@example.com").email)
    page = client.get(lesson_url(lesson)).get_data(as_text=True)
    assert "What counts as a handoff?" in page and "<em>delivery</em>" in page
    assert "Ann Asker" not in page


def test_answer_mail_goes_out_in_the_askers_language(app, make, lesson, smtp):
    ann = make.user()
    ann.locale = "zh_CN"
    trainer = make.user(roles=("trainer",))
    question = service.ask(ann, lesson, "问题")
    service.answer(question, trainer, "答案", publish=False)
    assert len(smtp.received) == 1
    assert smtp.received[0]["To"] == ann.email
    assert "答案" in smtp.received[0].get_content()
    assert db.session.scalar(select(OutboxMessage.sent_at)) is not None


def test_publishing_needs_an_answer(app, make, lesson):
    question = service.ask(make.user(), lesson, "q")
    with pytest.raises(service.QuestionError):
        service.set_published(question, True)
    assert not question.published


def test_hr_sees_count_and_median_per_course(app, make, lesson, client, auth):
    ann, trainer = make.user(), make.user(roles=("trainer",))
    start = datetime(2026, 12, 1, 9, 0)
    for hours in (2, 4, 10):
        question = service.ask(ann, lesson, f"after {hours}", start)
        service.answer(question, trainer, "a", False, now=start + timedelta(hours=hours))
    service.ask(ann, lesson, "open", start)
    (figures,) = service.course_figures()
    assert (figures.asked, figures.answered, figures.median_hours) == (4, 3, 4.0)
    auth.login(make.user(roles=("hr",)).email)
    page = client.get("/reports/questions").get_data(as_text=True)
    assert "4.0" in page
    auth.logout()
    auth.login(ann.email)
    assert client.get("/reports/questions").status_code == 403


def test_cli_lists_overdue_questions(app, make, lesson, runner):
    old = service.ask(make.user(), lesson, "old", datetime(2020, 1, 6, 9, 0))
    service.ask(make.user(), lesson, "fresh")
    result = runner.invoke(args=["rollouts", "overdue"])
    assert result.exit_code == 0
    assert f"#{old.id}\t2020-01-06 09:00" in result.output
    assert "1 overdue question(s)" in result.output
