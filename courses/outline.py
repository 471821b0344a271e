"""The published outlines learners' pages show, kept per process until they change.

Every learner sees the same outline of a course (its published steps, their titles,
reading times and where they lead); only what each learner has done differs
(courses.progress). Building it costs a millisecond of ORM work per course (the steps,
their lessons, their quizzes' questions), on every lesson, course and home page: each
app keeps the outlines it built as plain values (`Step`, never ORM objects, which belong
to one session) and builds again when the outlines' change count (OutlineVersion) has
moved. Any change to a course, lesson, outline step, quiz or question counts, in the
transaction that makes it (`change_count.ChangeCount`, which accounts.tree counts the
departments' with too).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

from change_count import ChangeCount
from courses.models import Course, Lesson, OutlineItem, OutlineVersion
from courses.progress import Step, learner_items_of
from extensions import db

EXTENSION = "relay_outlines"  # app.extensions: (version, {course id: (Step, ...)})


def step_of(item: OutlineItem) -> Step:
    return Step(id=item.id, course_id=item.course_id, lesson_id=item.lesson_id,
                quiz_id=item.quiz_id, required=item.required, title=item.title,
                reading_minutes=item.lesson.reading_minutes if item.lesson else None,
                course_slug=item.course.slug, quiz_slug=item.quiz.slug if item.quiz else None)


def outline_version() -> int | None:
    """The outlines' change count now (None in a database made without the migrations);
    a query may also read it beside other rows (OutlineVersion.id == 1)."""
    return OUTLINES.current(db.session())


def published_outlines(course_ids: Iterable[int],
                       version: int | None) -> dict[int, tuple[Step, ...]]:
    """courses.progress.learner_items_of these courses, as Steps, by course id (an empty
    outline for a course with nothing published); `version`: outline_version(), read in
    this transaction. Read-only: callers never change it."""
    wanted = list(dict.fromkeys(course_ids))
    if not wanted:
        return {}
    # no count (a database made without the migrations), or this transaction changed
    # outlines it may yet roll back: build, and keep nothing
    cacheable = version is not None and not OUTLINES.changed_here(db.session())
    kept = current_app.extensions.get(EXTENSION)
    outlines: dict[int, tuple[Step, ...]] = (
        kept[1] if cacheable and kept is not None and kept[0] == version else {})
    missing = [course_id for course_id in wanted if course_id not in outlines]
    if missing:
        built = learner_items_of(missing)
        # a new dict, never the kept one changed: other threads may be reading it
        outlines = {**outlines, **{course_id: tuple(step_of(item)
                                                    for item in built.get(course_id, []))
                                   for course_id in missing}}
        if cacheable:
            current_app.extensions[EXTENSION] = (version, outlines)
    return {course_id: outlines[course_id] for course_id in wanted}


def _watched() -> tuple[type, ...]:
    """The classes whose rows learners' outlines show. quizzes builds on courses: its
    classes are reached through the relationships OutlineItem already names."""
    quiz = OutlineItem.quiz.property.mapper.class_
    question = quiz.questions.property.mapper.class_
    return (Course, Lesson, OutlineItem, quiz, question)


OUTLINES = ChangeCount("outlines", OutlineVersion, _watched)


def note_outlines_changed() -> None:
    """Count a change to the outlines, in the caller's transaction: for writers that
    bypass the ORM (ORM changes are counted by a flush listener: change_count)."""
    OUTLINES.note_changed(db.session())
