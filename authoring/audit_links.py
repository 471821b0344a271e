"""Tell the audit log where the courses, lessons, quizzes and questions it names live."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from audit.links import register
from courses.models import Course, Lesson
from extensions import db
from quizzes.models import Question, Quiz


def _courses(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(Course.id, Course.slug).where(Course.id.in_(ids)))
    return {id_: url_for("authoring.course", slug=slug) for id_, slug in rows}


def _lessons(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(Lesson.id, Course.slug)
                              .join(Course, Course.id == Lesson.course_id)
                              .where(Lesson.id.in_(ids)))
    return {id_: url_for("authoring.lesson", slug=slug, lesson_id=id_) for id_, slug in rows}


def _quizzes(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(Quiz.id, Quiz.slug).where(Quiz.id.in_(ids)))
    return {id_: url_for("authoring.quiz", slug=slug) for id_, slug in rows}


def _questions(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(Question.id, Quiz.slug)
                              .join(Quiz, Quiz.id == Question.quiz_id)
                              .where(Question.id.in_(ids)))
    return {id_: url_for("authoring.question", slug=slug, question_id=id_) for id_, slug in rows}


def register_links() -> None:
    for kind, resolver in (("course", _courses), ("lesson", _lessons), ("quiz", _quizzes),
                           ("question", _questions)):
        register(kind, resolver)
