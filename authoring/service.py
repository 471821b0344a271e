"""Authoring rules for courses, outlines and lessons. No request objects here.

Every edit form carries the revision (or version) it was based on. A save based
on anything older is refused with a conflict that carries the newer text, so a
second trainer's save never overwrites the first one's work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from accounts.models import User
from audit.service import record
from courses.models import (
    COURSE_STATUSES,
    SLUG,
    Course,
    Lesson,
    LessonRevision,
    OutlineItem,
)
from courses.service import add_lesson_revision, latest_lesson_revision, publish_lesson_revision
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


@dataclass
class PublishPlan:
    """What "Publish course" would send out, or why it must not yet."""

    lessons: list[Lesson] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    blockers: list[OutlineItem] = field(default_factory=list)  # required steps left empty
    empty_outline: bool = False

    @property
    def changes(self) -> int:
        return len(self.lessons) + len(self.questions)

    @property
    def ok(self) -> bool:
        return not self.blockers and not self.empty_outline


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
    """Archive a course or take it back to draft; publishing goes through `publish`."""
    if status not in COURSE_STATUSES or status == "published":
        raise AuthoringError("status: draft or archived (publish the course to publish it)")
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
    # The page shows the title already: the body starts empty, not with "# title".
    draft = add_lesson_revision(lesson, title.strip(), "", actor.id)
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
    revision = lesson_revision(lesson, latest_lesson_revision(lesson))
    assert revision is not None, "a lesson is made with its first revision"
    return revision


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
    record(actor.id, "lesson.save", "lesson", lesson.id, draft.title, revision=draft.revision)
    db.session.commit()
    return draft


def restore_lesson(actor: User, lesson: Lesson, number: int) -> LessonRevision:
    """Bring an old revision back as a new draft; history is never rewritten."""
    old = lesson_revision(lesson, number)
    if old is None:
        raise AuthoringError(f"revision: {number} does not exist")
    draft = add_lesson_revision(lesson, old.title, old.source, actor.id)
    lesson.draft_revision = draft.revision
    record(actor.id, "lesson.restore", "lesson", lesson.id, draft.title, old=number,
           new=draft.revision)
    db.session.commit()
    return draft


def pending_drafts(course: Course) -> tuple[list[Lesson], list[Question]]:
    lessons = [i.lesson for i in course.items if i.lesson and i.lesson.draft_revision]
    questions = [q for i in course.items if i.quiz for q in i.quiz.questions
                 if q.draft is not None and not q.retired]
    return lessons, questions


def _step_is_empty(item: OutlineItem) -> bool:
    """Would learners find nothing in this step once every draft is published?"""
    if item.lesson is not None:
        lesson = item.lesson
        latest = lesson.draft_revision or lesson.revision
        revision = lesson_revision(lesson, latest) if latest else None
        return revision is None or not revision.source.strip()
    return item.quiz is None or not any(
        (q.current_revision_id or q.draft_revision_id) and not q.retired
        for q in item.quiz.questions)


def publish_plan(course: Course) -> PublishPlan:
    lessons, questions = pending_drafts(course)
    return PublishPlan(lessons, questions,
                       blockers=[i for i in course.items if i.required and _step_is_empty(i)],
                       empty_outline=not course.items)


def publish(actor: User, course: Course) -> PublishPlan:
    """Publish the course and every draft in it at once, or nothing (AuthoringError)
    while a required step would reach learners empty."""
    plan = publish_plan(course)
    if not plan.ok:
        raise AuthoringError("outline: required steps are empty")
    for lesson in plan.lessons:
        # pending_drafts lists the lessons that have a draft
        assert lesson.draft_revision is not None
        draft = lesson_revision(lesson, lesson.draft_revision)
        assert draft is not None
        publish_lesson_revision(lesson, draft)
    for question in plan.questions:
        question.current, question.draft = question.draft, None
    if course.status != "published":
        course.status = "published"
    record(actor.id, "course.publish", "course", course.id, course.slug,
           lessons=len(plan.lessons), questions=len(plan.questions))
    db.session.commit()
    return plan
