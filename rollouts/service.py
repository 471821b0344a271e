"""Lesson questions: asking, the trainer queue with its response target, answering,
the lesson FAQ, and per-course figures for HR. No request objects; services commit.

Privacy: a learner reads only their own questions and the published FAQ; the asker's
name is never part of the FAQ.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

import clock
from accounts.mail import locale_of
from accounts.models import User
from courses.models import Course, OutlineItem
from courses.rendering import render_markdown
from extensions import db
from rollouts import outbox
from rollouts.models import LessonQuestion

QUESTION_MAX = 4000
ANSWER_MAX = 20000


class QuestionError(ValueError):
    """A user mistake: the message names what to fix."""


class RateLimited(QuestionError):
    pass


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days (Monday to Friday) after `start`, same time of day."""
    moment = start
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def _text(value: str, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise QuestionError(_("%(field)s: write something first.", field=field))
    if len(text) > limit:
        raise QuestionError(_("%(field)s: at most %(n)s characters.", field=field, n=limit))
    return text


def ask(user: User, item: OutlineItem, body: str, now: datetime | None = None) -> LessonQuestion:
    """Record a question on a lesson step; refuses more than the hourly allowance."""
    if item.kind != "lesson":
        raise QuestionError(_("Questions are asked on lessons."))
    text = _text(body, _("Question"), QUESTION_MAX)
    now = now or clock.utcnow()
    limit = int(current_app.config["QUESTIONS_PER_HOUR"])
    recent = db.session.execute(select(func.count(LessonQuestion.id)).where(
        LessonQuestion.asker_id == user.id,
        LessonQuestion.asked_at > now - timedelta(hours=1))).scalar_one()
    if recent >= limit:
        raise RateLimited(_("You have asked %(n)s questions in the last hour; please wait "
                            "a little before asking another.", n=limit))
    question = LessonQuestion(
        item_id=item.id, course_id=item.course_id, asker_id=user.id, body=text,
        body_html=render_markdown(text), asked_at=now,
        due_at=add_working_days(now, int(current_app.config["QUESTION_TARGET_WORKING_DAYS"])))
    db.session.add(question)
    db.session.commit()
    return question


@dataclass(frozen=True)
class LessonPanel:
    """What the lesson page shows under the lesson to one reader."""

    faq: list[LessonQuestion]
    mine: list[LessonQuestion]


def lesson_panel(user: User, item: OutlineItem) -> LessonPanel:
    # one query on every lesson view: the published FAQ and the reader's own questions
    shown = db.session.scalars(select(LessonQuestion).where(
        LessonQuestion.item_id == item.id,
        or_(LessonQuestion.published.is_(True), LessonQuestion.asker_id == user.id))).all()
    faq = sorted((q for q in shown if q.published), key=lambda q: q.answered_at or q.asked_at)
    mine = sorted((q for q in shown if not q.published and q.asker_id == user.id),
                  key=lambda q: q.asked_at, reverse=True)
    return LessonPanel(faq, mine)


@dataclass(frozen=True)
class QueueRow:
    question: LessonQuestion
    overdue: bool


def queue(now: datetime | None = None, answered: bool = False) -> list[QueueRow]:
    """Open questions, oldest first (or the answered ones, newest answer first)."""
    now = now or clock.utcnow()
    query = (select(LessonQuestion)
             .options(joinedload(LessonQuestion.asker),
                      joinedload(LessonQuestion.item).joinedload(OutlineItem.course),
                      joinedload(LessonQuestion.item).joinedload(OutlineItem.lesson)))
    if answered:
        query = query.where(LessonQuestion.answered_at.is_not(None)).order_by(
            LessonQuestion.answered_at.desc()).limit(100)
    else:
        query = query.where(LessonQuestion.answered_at.is_(None)).order_by(
            LessonQuestion.asked_at, LessonQuestion.id)
    return [QueueRow(q, q.answered_at is None and q.due_at < now)
            for q in db.session.scalars(query)]


def get_question(question_id: int) -> LessonQuestion | None:
    return db.session.get(LessonQuestion, question_id)


def answer(question: LessonQuestion, trainer: User, text: str, publish: bool,
           now: datetime | None = None) -> LessonQuestion:
    """Answer (or re-word the answer), optionally publish it as FAQ; the asker is told
    on their home page, and by email the first time it is answered."""
    text = _text(text, _("Answer"), ANSWER_MAX)
    first = question.answered_at is None
    mail = None
    question.answer, question.answer_html = text, render_markdown(text)
    question.answerer_id = trainer.id
    question.published = publish
    if first:
        question.answered_at = now or clock.utcnow()
        question.seen_at = None
        mail = outbox.record(*_answer_mail(question), kind="answer", recipient=question.asker)
    db.session.commit()
    outbox.deliver([mail])
    return question


def set_published(question: LessonQuestion, publish: bool) -> None:
    if publish and question.answered_at is None:
        raise QuestionError(_("Answer the question before publishing it."))
    question.published = publish
    db.session.commit()


def _answer_mail(question: LessonQuestion) -> tuple[str, str]:
    asker = question.asker
    with force_locale(locale_of(asker)):
        lesson = question.item.title
        subject = _("Your question on \"%(lesson)s\" was answered", lesson=lesson)
        body = "\n".join([_("Hello %(name)s,", name=asker.name), "",
                          _("A trainer answered your question on the lesson \"%(lesson)s\":",
                            lesson=lesson), "",
                          question.answer or "", "",
                          _("You will also find the answer on your Relay home page.")])
    return subject, body


def unseen_answers(user: User) -> list[LessonQuestion]:
    """The home page's note: the user's answered questions they have not dismissed."""
    return list(db.session.scalars(
        select(LessonQuestion).options(joinedload(LessonQuestion.item)
                                       .joinedload(OutlineItem.course))
        .where(LessonQuestion.asker_id == user.id, LessonQuestion.answered_at.is_not(None),
               LessonQuestion.seen_at.is_(None))
        .order_by(LessonQuestion.answered_at.desc())))


def dismiss_answers(user: User) -> None:
    for question in unseen_answers(user):
        question.seen_at = clock.utcnow()
    db.session.commit()


@dataclass(frozen=True)
class CourseQuestions:
    course: Course
    asked: int
    answered: int
    median_hours: float | None


def course_figures() -> list[CourseQuestions]:
    """Per course: questions asked, answered, and the median time to answer (hours)."""
    rows = db.session.execute(select(LessonQuestion.course_id, LessonQuestion.asked_at,
                                     LessonQuestion.answered_at)).all()
    by_course: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for course_id, asked_at, answered_at in rows:
        by_course.setdefault(course_id, []).append((asked_at, answered_at))
    courses = {c.id: c for c in db.session.scalars(
        select(Course).where(Course.id.in_(by_course)))}
    figures = []
    for course_id, pairs in by_course.items():
        waits = [(done - asked).total_seconds() / 3600 for asked, done in pairs if done]
        figures.append(CourseQuestions(courses[course_id], len(pairs), len(waits),
                                       statistics.median(waits) if waits else None))
    return sorted(figures, key=lambda f: f.course.title)
