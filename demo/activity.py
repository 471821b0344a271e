"""Demo colleagues who have been through the bundled courses, so that HR's dashboard,
the concept heat map, item analysis and the grading queue have something to show.

Everything goes through the real services (lessons read, attempts started, answers
graded at submit, completions stamped, rollups and xAPI statements written), with the
answers chosen by a seeded random generator: the same seed gives the same company.
Departments differ on purpose, e.g. purchasing often misreads lead time, so the heat
map tells a story.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

import clock
from accounts import service as accounts
from accounts.models import Department, User
from courses import service as courses
from courses.models import Enrollment
from extensions import db
from quizzes import essays
from quizzes import service as quizzes
from quizzes.models import Attempt
from quizzes.types import get_type
from quizzes.types.essay import WEAK_ESSAY

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛",
         "明", "超", "秀英", "霞", "平", "刚", "桂英", "丹", "萍", "鑫", "宇", "浩", "晨"]
# department code -> (how many colleagues, concept tags that department tends to miss)
TEAMS = {
    "sales-east": (7, {"relay-baton", "handoff-checklist"}),
    "marketing": (6, {"sales-policy-case"}),
    "finance": (6, {"reimbursement-case", "served-people-kinds"}),
    "purchasing": (6, {"lead-time", "proactive-service"}),
    "equipment": (6, {"result-ownership", "hospital-analyser-case", "grey-zone"}),
    "hr": (5, {"inverted-pyramid"}),
}
EMAIL = "colleague{n:02d}@example.com"


@dataclass
class ActivityReport:
    colleagues: int = 0
    lessons_read: int = 0
    attempts: int = 0
    essays_graded: int = 0


def seed_activity(seed: int = 2026) -> ActivityReport:
    """Add the colleagues and their learning once; a second run adds nothing."""
    report = ActivityReport()
    if accounts.get_user_by_email(EMAIL.format(n=1)) is not None:
        return report
    rng = random.Random(seed)
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    n = 0
    for code, (size, weak) in TEAMS.items():
        for _ in range(size):
            n += 1
            user = _colleague(n, departments[code], rng)
            report.colleagues += 1
            _learn(user, weak, rng, report)
    _grade_essays(rng, report)
    return report


def _grade_essays(rng: random.Random, report: ActivityReport) -> None:
    """The trainer has graded two thirds (rounded down); the rest, at least one, wait in
    the grading queue for the demo's trainer."""
    trainer = accounts.get_user_by_email("trainer@example.com")
    if trainer is None:
        return
    queue = essays.grading_queue()
    for response, _learner in queue[:2 * len(queue) // 3]:
        weak = response.answer == WEAK_ESSAY
        essays.grade_response(response, rng.choice([0.0, 0.25] if weak else [0.75, 1.0]),
                               "太笼统，没有跟进。" if weak else "具体，有跟进。", trainer)
        report.essays_graded += 1


def _colleague(n: int, department: Department, rng: random.Random) -> User:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    hired = clock.today() - timedelta(days=rng.randint(3, 60))
    user = accounts.add_user(EMAIL.format(n=n), name, roles=["learner"],
                             department=department, hire_date=hired, locale=None)
    db.session.commit()
    return user


def _learn(user: User, weak: set[str], rng: random.Random, report: ActivityReport) -> None:
    """Work through the assigned courses in order, as far as this colleague has got."""
    ability = rng.uniform(0.55, 0.95)
    assert user.hire_date is not None, "every demo colleague has a hire date"
    days = (clock.today() - user.hire_date).days
    steps_left = int(days / 1.5 * rng.uniform(0.6, 1.4))  # about a step every 1.5 days
    enrollments = db.session.scalars(select(Enrollment).where(
        Enrollment.user_id == user.id).order_by(Enrollment.id)).all()
    for enrollment in enrollments:
        for item in enrollment.course.items:
            if steps_left <= 0:
                return
            steps_left -= 1
            if item.lesson_id is not None:
                courses.mark_lesson_read(user, item)
                report.lessons_read += 1
            else:
                _take_quiz(user, item.quiz, ability, weak, rng)
                report.attempts += 1


def _take_quiz(user: User, quiz, ability: float, weak: set[str],
               rng: random.Random) -> Attempt:
    attempt = quizzes.start_attempt(user, quiz)
    # the attempt draws its questions from its own unseeded seed, and wrong answers take
    # as many numbers as their question needs: a generator of its own keeps the demo's
    # main sequence (who gets how far, which essays wait) the same on every run
    rng = random.Random(rng.random())
    for response in attempt.responses:
        revision = response.revision
        qtype = get_type(revision.type_id)
        chance = ability - (0.45 if weak.intersection(revision.tags) else 0.0)
        # Saved as the learner's stored answers; grading happens at submit, as usual.
        response.answer = (qtype.right_answer(revision.data) if rng.random() < chance
                           else qtype.wrong_answer(revision.data, rng))
    db.session.commit()
    return quizzes.submit_attempt(attempt)
