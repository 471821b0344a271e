"""The learner-progress read model: how far a learner is, for one learner or many.

"Is this step done" has one answer, `is_step_done`: the step's key is in the learner's
enrollment record (`Enrollment.done_steps`). The record is written where progress
changes (courses.service: a lesson marked read; a quiz grade that passes or stops
passing, reported by quizzes), so every reader (the learner's pages, HR's transcript,
the API, exports) reads the same facts without recomputing them from lessons and quiz
grades. A course the learner is not enrolled in has nothing done: every progress write
enrols first (courses.service.mark_started).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeAlias, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from accounts.preferences import local_today
from courses.models import Course, Enrollment, Lesson, OutlineItem
from extensions import db


@dataclass(frozen=True)
class Step:
    """A published step as learners' pages show it: plain values copied from an
    OutlineItem, its lesson or quiz and its course, which every request of a process may
    share (courses.outline keeps them; an ORM object belongs to one session)."""

    id: int
    course_id: int
    lesson_id: int | None
    quiz_id: int | None
    required: bool
    title: str
    reading_minutes: int | None  # a lesson's; None for a quiz
    course_slug: str
    quiz_slug: str | None

    @property
    def kind(self) -> str:
        return "lesson" if self.lesson_id else "quiz"


# a step as progress reads it (its id, lesson_id, quiz_id and required): either kind
StepLike: TypeAlias = OutlineItem | Step
S = TypeVar("S", OutlineItem, Step)


def step_key(item: StepLike) -> str:
    """How an enrollment's record names a step: by its lesson or quiz, so the record
    survives a reordered outline."""
    return f"l{item.lesson_id}" if item.lesson_id else quiz_step_key(item.quiz_id)


def quiz_step_key(quiz_id: int | None) -> str:
    return f"q{quiz_id}"


def done_keys(enrollment: Enrollment | None) -> set[str]:
    # a new enrollment's record is empty before its INSERT fills the default
    return set((enrollment.done_steps or "").split()) if enrollment is not None else set()


def is_step_done(enrollment: Enrollment | None, item: StepLike) -> bool:
    """Is this step done: the one rule every page, report, export and API call asks."""
    return step_key(item) in done_keys(enrollment)


def is_overdue(enrollment: Enrollment | None, day: date) -> bool:
    """Overdue from the day after the due date, until completed."""
    return bool(
        enrollment and enrollment.due_date and not enrollment.completed_at
        and enrollment.due_date < day
    )


@dataclass(frozen=True)
class ItemView(Generic[S]):
    item: S
    done: bool


@dataclass(frozen=True)
class CourseProgress(Generic[S]):
    course: Course
    enrollment: Enrollment | None
    items: list[ItemView[S]]

    @property
    def required_total(self) -> int:
        return sum(1 for view in self.items if view.item.required)

    @property
    def required_done(self) -> int:
        return sum(1 for view in self.items if view.item.required and view.done)

    @property
    def percent(self) -> int:
        total = self.required_total
        return round(100 * self.required_done / total) if total else 100

    @property
    def completed(self) -> bool:
        return bool(self.enrollment and self.enrollment.completed_at)

    @property
    def overdue(self) -> bool:
        return is_overdue(self.enrollment, local_today())

    def resume_item(self) -> S | None:
        """Where the learner left off, else the first step not done yet, else the first."""
        if self.enrollment and self.enrollment.last_item_id:
            for view in self.items:
                if view.item.id == self.enrollment.last_item_id and not view.done:
                    return view.item
        for view in self.items:
            if not view.done:
                return view.item
        return self.items[0].item if self.items else None

    def view_of(self, item_id: int) -> ItemView[S] | None:
        """The step with this id, if the learner can see it in this course."""
        return next((view for view in self.items if view.item.id == item_id), None)

    def neighbours(self, item: StepLike) -> tuple[S | None, S | None]:
        ids = [view.item.id for view in self.items]
        index = ids.index(item.id)
        previous = self.items[index - 1].item if index > 0 else None
        following = self.items[index + 1].item if index + 1 < len(self.items) else None
        return previous, following


def progress_of(course: Course, items: Sequence[S],
                enrollment: Enrollment | None) -> CourseProgress[S]:
    return CourseProgress(course, enrollment,
                          [ItemView(item, is_step_done(enrollment, item)) for item in items])


def learner_items(course: Course) -> list[OutlineItem]:
    """The outline as learners see it: published steps only."""
    return learner_items_of([course.id]).get(course.id, [])


def learner_items_of(course_ids: Iterable[int]) -> dict[int, list[OutlineItem]]:
    """The learners' outlines of several courses, by course id, in two queries.

    What `published` reads (each step's lesson, or its quiz's questions) comes in the
    same two queries, not in one or two lazy loads per step. A lesson's Markdown source
    stays out: learners read its rendered HTML.
    """
    course_ids = list(course_ids)
    outlines: dict[int, list[OutlineItem]] = {}
    if not course_ids:
        return outlines
    # quizzes builds on courses: its class is reached through the relationship that
    # OutlineItem.quiz already names, not imported
    quiz_class = OutlineItem.quiz.property.mapper.class_
    items = db.session.scalars(
        select(OutlineItem).where(OutlineItem.course_id.in_(course_ids))
        .order_by(OutlineItem.course_id, OutlineItem.position)
        .options(joinedload(OutlineItem.lesson).defer(Lesson.source),
                 joinedload(OutlineItem.quiz).selectinload(quiz_class.questions)))
    for item in items:
        if item.published:
            outlines.setdefault(item.course_id, []).append(item)
    return outlines


def learner_progress(user_ids: Iterable[int]
                     ) -> dict[int, list[CourseProgress[OutlineItem]]]:
    """Every enrolled course of each of these learners, by user id, in three queries
    whatever the numbers of learners and courses; enrollments in the order they began."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    enrollments = db.session.scalars(
        select(Enrollment).join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id.in_(user_ids))
        .order_by(Enrollment.enrolled_at, Enrollment.id)
        .options(contains_eager(Enrollment.course))
    ).all()
    outlines = learner_items_of({e.course_id for e in enrollments})
    progress: dict[int, list[CourseProgress[OutlineItem]]] = {
        user_id: [] for user_id in user_ids}
    for enrollment in enrollments:
        progress[enrollment.user_id].append(
            progress_of(enrollment.course, outlines.get(enrollment.course_id, []), enrollment))
    return progress

