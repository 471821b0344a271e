"""Course rules: enrolment, progress writes, completion, and what a learner sees.

The read side of progress is courses.progress. No request objects."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

import clock
from accounts.models import User
from courses.models import (
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    LessonRevision,
    OutlineItem,
    OutlineVersion,
)
from courses.outline import outline_version, published_outlines
from courses.progress import (
    CourseProgress,
    Step,
    done_keys,
    is_step_done,
    progress_of,
    quiz_step_key,
    step_key,
)
from courses.rendering import inline_bundled_diagrams, reading_minutes, render_markdown
from courses.signals import course_completed, lesson_read, lesson_viewed
from extensions import db
from sqlite_concurrency import writing


def catalogue() -> list[Course]:
    return list(db.session.scalars(
        select(Course).where(Course.status == "published").order_by(Course.title)
    ))


def get_published_course(slug: str) -> Course | None:
    return db.session.scalar(
        select(Course).where(Course.slug == slug, Course.status == "published")
    )


def get_item(course: Course, item_id: int) -> OutlineItem | None:
    item = db.session.get(OutlineItem, item_id)
    if item is None or item.course_id != course.id or not item.published:
        return None
    return item


def get_lesson_item(item_id: int) -> OutlineItem | None:
    """A step with its lesson (the HTML learners read, not the Markdown source)."""
    return db.session.scalar(select(OutlineItem).where(OutlineItem.id == item_id).options(
        joinedload(OutlineItem.lesson).defer(Lesson.source)))


def get_enrollment(user: User, course: Course) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    )


def published_steps(course: Course) -> tuple[Step, ...]:
    """The course's published outline as learners see it (courses.outline, kept per
    process): what asks "is this a step learners take" or "is every required step done"
    reads it, not the outline's rows again."""
    return published_outlines([course.id], outline_version())[course.id]


def course_progress(user: User, course: Course) -> CourseProgress[Step]:
    """The learner's pages' view of a course: its published outline (courses.outline,
    kept per process) and what this learner has done."""
    return progress_of(course, published_steps(course), get_enrollment(user, course))


def learner_course(user: User, slug: str) -> CourseProgress[Step] | None:
    """course_progress of the published course with this slug (None: there is none),
    reading the course, the learner's enrollment and the outlines' count in one query."""
    row = db.session.execute(
        select(Course, Enrollment, OutlineVersion.version)
        .outerjoin(Enrollment, (Enrollment.course_id == Course.id)
                   & (Enrollment.user_id == user.id))
        .outerjoin(OutlineVersion, OutlineVersion.id == 1)
        .where(Course.slug == slug, Course.status == "published")).one_or_none()
    if row is None:
        return None
    course, enrollment, version = row
    return progress_of(course, published_outlines([course.id], version)[course.id], enrollment)


def my_onboarding(user: User) -> list[CourseProgress[Step]]:
    """The learner's enrolled courses: unfinished first, soonest due first.

    An archived course drops out unless the learner completed it (their record and
    certificate stay); a withdrawn course is no longer something to do.
    """
    rows = db.session.execute(
        select(Enrollment, OutlineVersion.version)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(OutlineVersion, OutlineVersion.id == 1)  # the outlines' count, alongside
        .where(Enrollment.user_id == user.id,
               (Course.status == "published") | Enrollment.completed_at.is_not(None))
        .options(contains_eager(Enrollment.course))
    ).all()
    enrollments = [row[0] for row in rows]
    outlines = published_outlines([e.course_id for e in enrollments],
                                  rows[0][1] if rows else None)
    progress = [progress_of(e.course, outlines[e.course_id], e) for e in enrollments]
    return sorted(progress, key=lambda p: (
        p.completed, (p.enrollment.due_date if p.enrollment else None) or date.max,
        p.course.title))


def enroll_self(user: User, course: Course) -> Enrollment:
    enrollment = get_enrollment(user, course)
    if enrollment is None:
        enrollment = Enrollment(user_id=user.id, course_id=course.id, source="self")
        db.session.add(enrollment)
        db.session.commit()
    return enrollment


def record_visit(user: User, item: OutlineItem, seen: CourseProgress | None = None) -> bool:
    """Remember the step a learner opened, so 'continue' brings them back to it, and
    send `lesson_viewed` (the xAPI `experienced` statement); True if it wrote.

    Only a change of step is written: opening the step the learner is on again writes
    nothing, so the lesson page reads without SQLite's write lock in the common case.
    `seen`, the progress the caller has read, answers that without a transaction; the
    step is then compared again under the lock (two tabs opening the same new step
    write once). Runs in a transaction of its own (sqlite_concurrency.writing): objects read
    before it expire.
    """
    if seen is not None and (seen.enrollment is None
                             or seen.enrollment.last_item_id == item.id):
        return False
    user_id, item_id, course_id = user.id, item.id, item.course_id
    with writing():
        enrollment = db.session.scalar(select(Enrollment).where(
            Enrollment.user_id == user_id, Enrollment.course_id == course_id)
            .with_for_update())
        if enrollment is None or enrollment.last_item_id == item_id:
            db.session.rollback()
            return False
        enrollment.last_item_id = item_id
        enrollment.started_at = enrollment.started_at or clock.utcnow()
        lesson_viewed.send(user, item=item)
        db.session.commit()
    return True


def lock_learner(user: User) -> None:
    """Serialise one learner's writes of progress (a double click sends two at once).

    On PostgreSQL the second request waits here until the first commits, then reads
    what it wrote; SQLite's BEGIN IMMEDIATE already serialises writers. FOR NO KEY
    UPDATE: rows that merely reference the user (FOREIGN KEY checks) are not blocked.
    """
    db.session.execute(select(User.id).where(User.id == user.id)
                       .with_for_update(key_share=True))


def mark_lesson_read(user: User, item: OutlineItem) -> bool:
    """Mark a lesson read; returns True when this completed the course."""
    if item.lesson_id is None:
        raise ValueError("only lessons are marked read")
    lock_learner(user)
    exists = db.session.scalar(select(LessonProgress.id).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == item.lesson_id))
    if exists is None:
        db.session.add(LessonProgress(user_id=user.id, lesson_id=item.lesson_id,
                                      read_at=clock.utcnow()))
        db.session.flush()
        lesson_read.send(user, item=item)
    completed = record_step(user, item.course, step_key(item), True)
    db.session.commit()
    return completed


def mark_started(user: User, course: Course) -> Enrollment:
    """The learner's enrollment (a self-enrollment if none), stamped started. No commit."""
    enrollment = get_enrollment(user, course)
    if enrollment is None:
        enrollment = Enrollment(user_id=user.id, course_id=course.id, source="self")
        db.session.add(enrollment)
    enrollment.started_at = enrollment.started_at or clock.utcnow()
    return enrollment


def record_step(user: User, course: Course, key: str, done: bool) -> bool:
    """Write one step's state into the learner's enrollment record (courses.progress),
    and stamp completion once, with the learner's department now; True if stamped now.

    No commit: callers are the use cases (mark read, quiz graded) that own the transaction.
    """
    enrollment = mark_started(user, course)
    steps = done_keys(enrollment)
    steps = steps | {key} if done else steps - {key}
    record = " ".join(sorted(steps))
    if record != (enrollment.done_steps or ""):  # unchanged text: no UPDATE
        enrollment.done_steps = record
    if not done or enrollment.completed_at is not None:
        return False
    required = [step for step in published_steps(course) if step.required]
    if required and all(is_step_done(enrollment, item) for item in required):
        enrollment.completed_at = clock.utcnow()
        enrollment.completed_department_id = user.department_id
        db.session.flush()
        course_completed.send(user, enrollment=enrollment)
        return True
    return False


def note_quiz_grade(user: User, course: Course, quiz_id: int, passed: bool) -> bool:
    """Quizzes reports a learner's grade on a quiz of this course (passing or not any
    more); True if this completed the course."""
    return record_step(user, course, quiz_step_key(quiz_id), passed)


# --- lesson revisions: content files and the web editor both save through these ---------

def save_lesson(lesson: Lesson, title: str, source: str, minutes: int | None = None,
                author_id: int | None = None) -> bool:
    """Content files publish at once: a new revision when title or text changed (no commit).

    A pending web draft is superseded: the file in git is the trainers' source of truth.
    """
    if lesson.revision and not lesson.draft_revision and (lesson.title, lesson.source) == (
            title, source):
        return False
    revision = add_lesson_revision(lesson, title, source, author_id)
    publish_lesson_revision(lesson, revision, minutes)
    return True


def latest_lesson_revision(lesson: Lesson) -> int:
    if lesson.id is None:
        return 0
    return db.session.scalar(select(func.max(LessonRevision.revision)).where(
        LessonRevision.lesson_id == lesson.id)) or 0


def add_lesson_revision(lesson: Lesson, title: str, source: str,
                        author_id: int | None = None) -> LessonRevision:
    """Append a revision (no commit); whether it is published is the caller's choice."""
    db.session.flush()
    revision = LessonRevision(lesson_id=lesson.id, revision=latest_lesson_revision(lesson) + 1,
                              title=title, source=source, author_id=author_id)
    db.session.add(revision)
    db.session.flush()
    return revision


def publish_lesson_revision(lesson: Lesson, revision: LessonRevision,
                            minutes: int | None = None) -> None:
    """What learners see from now on: rendered and sanitized once, here."""
    lesson.title, lesson.source = revision.title, revision.source
    lesson.html = inline_bundled_diagrams(render_markdown(revision.source), _media_dir(lesson))
    lesson.reading_minutes = minutes or reading_minutes(revision.source)
    lesson.revision = revision.revision
    lesson.draft_revision = None


def _media_dir(lesson: Lesson) -> Path:
    """Where a course's bundled diagrams live: content/<course slug>/media/."""
    course = db.session.get(Course, lesson.course_id)
    assert course is not None, "the lesson's foreign key names it"
    return Path(current_app.config["CONTENT_DIR"]) / course.slug / "media"
