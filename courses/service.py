"""Course rules: progress, completion, and what a learner sees. No request objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

import clock
from accounts.models import User
from courses.models import Course, Enrollment, Lesson, LessonProgress, OutlineItem
from courses.signals import course_completed, lesson_read, lesson_viewed
from extensions import db
from quizzes.models import Quiz, QuizGrade
from sqlite_concurrency import writing


@dataclass(frozen=True)
class ItemView:
    item: OutlineItem
    done: bool


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    enrollment: Enrollment | None
    items: list[ItemView]

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
        return is_overdue(self.enrollment, clock.today())

    def resume_item(self) -> OutlineItem | None:
        """Where the learner left off, else the first step not done yet, else the first."""
        if self.enrollment and self.enrollment.last_item_id:
            for view in self.items:
                if view.item.id == self.enrollment.last_item_id and not view.done:
                    return view.item
        for view in self.items:
            if not view.done:
                return view.item
        return self.items[0].item if self.items else None

    def view_of(self, item_id: int) -> ItemView | None:
        """The step with this id, if the learner can see it in this course."""
        return next((view for view in self.items if view.item.id == item_id), None)

    def neighbours(self, item: OutlineItem) -> tuple[OutlineItem | None, OutlineItem | None]:
        ids = [view.item.id for view in self.items]
        index = ids.index(item.id)
        previous = self.items[index - 1].item if index > 0 else None
        following = self.items[index + 1].item if index + 1 < len(self.items) else None
        return previous, following


def is_overdue(enrollment: Enrollment | None, today: date) -> bool:
    """Overdue from the day after the due date, until completed."""
    return bool(
        enrollment and enrollment.due_date and not enrollment.completed_at
        and enrollment.due_date < today
    )


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


def get_enrollment(user: User, course: Course) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    )


def done_item_ids(user_id: int, items: list[OutlineItem]) -> set[int]:
    """Which of these items the user has finished: lessons read, quizzes passed."""
    lesson_ids = {i.lesson_id for i in items if i.lesson_id}
    quiz_ids = {i.quiz_id for i in items if i.quiz_id}
    read = set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user_id, LessonProgress.lesson_id.in_(lesson_ids)))
    ) if lesson_ids else set()
    passed = set(db.session.scalars(select(QuizGrade.quiz_id).where(
        QuizGrade.user_id == user_id, QuizGrade.quiz_id.in_(quiz_ids), QuizGrade.passed))
    ) if quiz_ids else set()
    return {i.id for i in items if i.lesson_id in read or i.quiz_id in passed}


def learner_items(course: Course) -> list[OutlineItem]:
    """The outline as learners see it: published steps only."""
    return learner_items_of([course.id]).get(course.id, [])


def learner_items_of(course_ids: list[int]) -> dict[int, list[OutlineItem]]:
    """The learners' outlines of several courses, by course id, in two queries.

    What `published` reads (each step's lesson, or its quiz's questions) comes in the
    same two queries, not in one or two lazy loads per step.
    """
    outlines: dict[int, list[OutlineItem]] = {}
    if not course_ids:
        return outlines
    items = db.session.scalars(
        select(OutlineItem).where(OutlineItem.course_id.in_(course_ids))
        .order_by(OutlineItem.course_id, OutlineItem.position)
        .options(joinedload(OutlineItem.lesson),
                 joinedload(OutlineItem.quiz).selectinload(Quiz.questions)))
    for item in items:
        if item.published:
            outlines.setdefault(item.course_id, []).append(item)
    return outlines


def step_key(item: OutlineItem) -> str:
    """How an enrollment's stored progress names a step: by its lesson or quiz, so the
    record survives a reordered outline."""
    return f"l{item.lesson_id}" if item.lesson_id else f"q{item.quiz_id}"


def published_step() -> ColumnElement[bool]:
    """OutlineItem.published as SQL, for queries over many courses (transcripts)."""
    from quizzes.models import Question  # quizzes builds on courses, not the other way

    # aliases: the outer query may join lessons and questions itself
    lesson, question = aliased(Lesson), aliased(Question)
    lesson_live = exists().where(lesson.id == OutlineItem.lesson_id, lesson.revision > 0)
    quiz_live = exists().where(question.quiz_id == OutlineItem.quiz_id,
                               question.current_revision_id.is_not(None),
                               question.retired.is_(False))
    return or_(lesson_live, quiz_live)


def course_progress(user: User, course: Course) -> CourseProgress:
    return _progress(user.id, course, learner_items(course), get_enrollment(user, course))


def _progress(user_id: int, course: Course, items: list[OutlineItem],
              enrollment: Enrollment | None) -> CourseProgress:
    """Done steps from the enrollment's stored record; without an enrollment (a course
    the learner only browses) nothing is stored, so the progress rows are asked."""
    if enrollment is not None:
        stored = set(enrollment.done_steps.split())
        done = {item.id for item in items if step_key(item) in stored}
    else:
        done = done_item_ids(user_id, items)
    return CourseProgress(course, enrollment, [ItemView(item, item.id in done) for item in items])


def my_onboarding(user: User) -> list[CourseProgress]:
    """The learner's enrolled courses: unfinished first, soonest due first.

    An archived course drops out unless the learner completed it (their record and
    certificate stay); a withdrawn course is no longer something to do.
    """
    enrollments = db.session.scalars(
        select(Enrollment).join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user.id,
               (Course.status == "published") | Enrollment.completed_at.is_not(None))
        .options(contains_eager(Enrollment.course))
    ).all()
    outlines = learner_items_of([e.course_id for e in enrollments])
    progress = [_progress(user.id, e.course, outlines.get(e.course_id, []), e)
                for e in enrollments]
    return sorted(progress, key=lambda p: (p.completed, p.enrollment.due_date or date.max,
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
    completed = refresh_completion(user, item.course)
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


def refresh_completion(user: User, course: Course) -> bool:
    """Store the learner's done steps, and stamp completion once, with the learner's
    department now; True if stamped now.

    No commit: callers are the use cases (mark read, quiz graded) that own the transaction.
    """
    enrollment = mark_started(user, course)
    items = learner_items(course)
    done = done_item_ids(user.id, items)
    # the stored record the outline reads (unchanged text: no UPDATE)
    enrollment.done_steps = " ".join(sorted(step_key(item) for item in items
                                            if item.id in done))
    if enrollment.completed_at is not None:
        return False
    required = [item for item in items if item.required]
    if required and all(item.id in done for item in required):
        enrollment.completed_at = clock.utcnow()
        enrollment.completed_department_id = user.department_id
        db.session.flush()
        course_completed.send(user, enrollment=enrollment)
        return True
    return False


def note_quiz_grade(user: User, quiz: Quiz, passed: bool) -> bool:
    """A quiz's grade changed: keep the stored progress true; True if this completed
    the course. A passed grade may complete the course (the full check); an unpassed one
    completes nothing, so only a step recorded as done is taken back (one query)."""
    if passed:
        return refresh_completion(user, quiz.course)
    enrollment = get_enrollment(user, quiz.course)
    key = f"q{quiz.id}"
    if enrollment is not None and key in enrollment.done_steps.split():
        enrollment.done_steps = " ".join(
            step for step in enrollment.done_steps.split() if step != key)
    return False
