"""Authoring rules for courses, outlines and lessons. No request objects here.

Every edit form carries the revision (or version) it was based on. A save based
on anything older is refused with a conflict that carries the newer text, so a
second trainer's save never overwrites the first one's work.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import select

from accounts.models import User
from audit.service import record
from courses.content import (
    add_lesson_revision,
    latest_lesson_revision,
    publish_lesson_revision,
)
from courses.models import (
    COURSE_STATUSES,
    SLUG,
    Course,
    Lesson,
    LessonRevision,
    OutlineItem,
)
from extensions import MAX_ID, db
from quizzes.models import Question, Quiz
from quizzes.settings import validate_settings


class AuthoringError(ValueError):
    """A rule was broken; the message names the field."""


class StaleEdit(Exception):
    """The form was based on an older version than the one saved now."""

    def __init__(self, current: LessonRevision | None = None):
        super().__init__("someone else saved a newer version")
        self.current = current


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def _check_slug(slug: str) -> None:
    if not SLUG.match(slug or ""):
        raise AuthoringError("slug: lower-case letters, digits and dashes")


def all_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.status, Course.title)))


def get_course(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def create_course(actor: User, slug: str, title: str, summary: str, minutes: int,
                  title_en: str | None = None) -> Course:
    _check_slug(slug)
    if get_course(slug):
        raise AuthoringError(f"slug: a course '{slug}' already exists")
    course = Course(slug=slug, title=title.strip(), title_en=(title_en or "").strip() or None,
                    summary=summary.strip(), estimated_minutes=minutes, status="draft",
                    version=1)
    db.session.add(course)
    db.session.flush()
    record(actor.id, "course.create", "course", course.id, slug)
    db.session.commit()
    return course


def _bump(course: Course, version: int) -> None:
    if course.version != version:
        raise StaleEdit()
    course.version += 1


def update_course(actor: User, course: Course, version: int, *, title: str, summary: str,
                  minutes: int, title_en: str | None) -> None:
    _bump(course, version)
    course.title, course.summary = title.strip(), summary.strip()
    course.title_en, course.estimated_minutes = (title_en or "").strip() or None, minutes
    record(actor.id, "course.update", "course", course.id, course.slug)
    db.session.commit()


def set_status(actor: User, course: Course, status: str) -> None:
    if status not in COURSE_STATUSES:
        raise AuthoringError(f"status: one of {', '.join(COURSE_STATUSES)}")
    course.status = status
    record(actor.id, f"course.{status}", "course", course.id, course.slug)
    db.session.commit()


def add_lesson(actor: User, course: Course, version: int, slug: str, title: str) -> Lesson:
    _check_slug(slug)
    if db.session.scalar(select(Lesson.id).where(Lesson.course_id == course.id,
                                                 Lesson.slug == slug)):
        raise AuthoringError(f"slug: this course already has a lesson '{slug}'")
    _bump(course, version)
    lesson = Lesson(course_id=course.id, slug=slug, title=title.strip(), source="", html="",
                    revision=0, reading_minutes=1)
    db.session.add(lesson)
    db.session.flush()
    draft = add_lesson_revision(lesson, title.strip(), f"# {title.strip()}\n", actor.id)
    lesson.draft_revision = draft.revision
    _append_item(course, OutlineItem(lesson_id=lesson.id))
    record(actor.id, "lesson.create", "lesson", lesson.id, f"{course.slug}/{slug}")
    db.session.commit()
    return lesson


def add_quiz(actor: User, course: Course, version: int, slug: str, title: str) -> Quiz:
    _check_slug(slug)
    if db.session.scalar(select(Quiz.id).where(Quiz.slug == slug)):
        raise AuthoringError(f"slug: a quiz '{slug}' already exists")
    _bump(course, version)
    quiz = Quiz(course_id=course.id, slug=slug, title=title.strip(),
                settings=validate_settings({}))
    db.session.add(quiz)
    db.session.flush()
    _append_item(course, OutlineItem(quiz_id=quiz.id))
    record(actor.id, "quiz.create", "quiz", quiz.id, slug)
    db.session.commit()
    return quiz


def _append_item(course: Course, item: OutlineItem) -> None:
    item.position = max((i.position for i in course.items), default=-1) + 1
    item.required = True
    course.items.append(item)
    db.session.flush()


def change_outline(actor: User, course: Course, version: int, item_id: int, action: str) -> None:
    """Move an item up or down, make it required or optional, or take it out."""
    items = list(course.items)
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise AuthoringError("item: not in this course")
    _bump(course, version)
    item = items[index]
    if action in ("up", "down"):
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
    elif action in ("required", "optional"):
        item.required = action == "required"
    elif action == "remove":
        items.pop(index)
    else:
        raise AuthoringError(f"action: unknown '{action}'")
    for position, each in enumerate(items):
        each.position = position
    course.items = items
    record(actor.id, f"outline.{action}", "course", course.id, item.title)
    db.session.commit()


def lesson_of(course: Course, lesson_id: int) -> Lesson | None:
    lesson = db.session.get(Lesson, lesson_id)
    return lesson if lesson is not None and lesson.course_id == course.id else None


def lesson_revision(lesson: Lesson, number: int) -> LessonRevision | None:
    if not 0 < number <= MAX_ID:  # from the address bar: beyond the column, none exists
        return None
    return db.session.scalar(select(LessonRevision).where(
        LessonRevision.lesson_id == lesson.id, LessonRevision.revision == number))


def editable_revision(lesson: Lesson) -> LessonRevision:
    """What the editor opens: the newest revision, draft or published."""
    return lesson_revision(lesson, latest_lesson_revision(lesson))


def save_lesson_draft(actor: User, lesson: Lesson, base_revision: int, title: str,
                      source: str) -> LessonRevision:
    """A new draft revision, unless someone saved after `base_revision` (StaleEdit)."""
    latest = latest_lesson_revision(lesson)
    if base_revision != latest:
        raise StaleEdit(lesson_revision(lesson, latest))
    if not title.strip():
        raise AuthoringError("title: required")
    current = lesson_revision(lesson, latest)
    if current is not None and (current.title, current.source) == (title.strip(), source):
        return current
    draft = add_lesson_revision(lesson, title.strip(), source, actor.id)
    lesson.draft_revision = draft.revision
    record(actor.id, "lesson.save", "lesson", lesson.id, f"revision {draft.revision}")
    db.session.commit()
    return draft


def restore_lesson(actor: User, lesson: Lesson, number: int) -> LessonRevision:
    """Bring an old revision back as a new draft; history is never rewritten."""
    old = lesson_revision(lesson, number)
    if old is None:
        raise AuthoringError(f"revision: {number} does not exist")
    draft = add_lesson_revision(lesson, old.title, old.source, actor.id)
    lesson.draft_revision = draft.revision
    record(actor.id, "lesson.restore", "lesson", lesson.id, f"{number} -> {draft.revision}")
    db.session.commit()
    return draft


def pending_drafts(course: Course) -> tuple[list[Lesson], list[Question]]:
    lessons = [i.lesson for i in course.items if i.lesson and i.lesson.draft_revision]
    questions = [q for i in course.items if i.quiz for q in i.quiz.questions
                 if q.draft is not None and not q.retired]
    return lessons, questions


def publish(actor: User, course: Course) -> int:
    """Publish every draft of the course at once; returns how many were published."""
    lessons, questions = pending_drafts(course)
    for lesson in lessons:
        publish_lesson_revision(lesson, lesson_revision(lesson, lesson.draft_revision))
    for question in questions:
        question.current, question.draft = question.draft, None
    if course.status == "draft":
        course.status = "published"
    record(actor.id, "course.publish", "course", course.id,
           f"{len(lessons)} lesson(s), {len(questions)} question(s)")
    db.session.commit()
    return len(lessons) + len(questions)


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """A readable line diff (no context trimming: lessons are short)."""
    kinds = {" ": "same", "+": "added", "-": "removed"}
    return [DiffLine(kinds[line[0]], line[2:])
            for line in difflib.ndiff(old.splitlines(), new.splitlines()) if line[0] in kinds]
