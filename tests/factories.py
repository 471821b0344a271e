"""Data factories for tests: they go through the real services, not raw inserts."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from accounts import service as accounts
from accounts.models import Department, User
from authoring.content_import import CourseSource, ItemSource, apply_content
from courses.content import LessonSource
from courses.models import Course
from extensions import db
from quizzes import service as quizzes
from quizzes.content import QuizSource, question_from_dict
from quizzes.models import Attempt
from quizzes.settings import validate_settings

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def single_choice(key: str, correct: int = 0, tags: list[str] | None = None,
                  points: float = 1) -> dict[str, Any]:
    """A three-option single-choice question dict whose right answer is `correct`."""
    options = [{"text": f"Option {i}", "correct": i == correct,
                "misconception": None if i == correct else f"wrong-{i}"} for i in range(3)]
    return {"key": key, "type": "single_choice", "prompt": f"Question {key}?", "points": points,
            "tags": tags or ["concept-a"], "data": {"options": options}}


ESSAY = {"key": "essay", "type": "essay", "prompt": "Describe a handoff.", "points": 2,
         "data": {"min_words": 1}}


def submitted_essay(make, client, auth) -> tuple[int, int]:
    """A learner (l@example.com) submits quiz "eq" (a single choice and an essay) with
    the essay answered; a trainer t@example.com exists. Returns (attempt id, essay slot)."""
    make.course("e", lessons=0, quizzes=[make.quiz_source(
        "eq", questions=[single_choice("a"), ESSAY], pass_mark=50)])
    make.user("l@example.com")
    make.user("t@example.com", roles=("trainer",))
    auth.login("l@example.com")
    attempt_id = int(client.post("/quizzes/eq/start").headers["Location"].rsplit("/", 1)[1])
    slot = next(r.slot for r in db.session.get(Attempt, attempt_id).responses
                if r.revision.type_id == "essay")
    client.post(f"/attempts/{attempt_id}", data={
        "slots": str(slot), f"seq-{slot}": "0", f"q{slot}": "I pass the order sheet to finance.",
        "action": "submit"})
    return attempt_id, slot


class Factories:
    def department(self, code: str | None = None, name: str | None = None,
                   parent: Department | None = None) -> Department:
        code = code or f"dept-{next(_counter)}"
        return accounts.create_department(code, name or code.title(), parent=parent)

    def user(self, email: str | None = None, *, roles: tuple[str, ...] = ("learner",),
             department: Department | None = None, hire_date: date | None = None,
             password: str = PASSWORD, name: str | None = None) -> User:
        email = email or f"user{next(_counter)}@example.com"
        return accounts.create_user(email, name or email.split("@")[0], password=password,
                                    roles=roles, department=department, hire_date=hire_date)

    def course(self, slug: str | None = None, *, lessons: int = 2,
               quizzes: list[QuizSource] | None = None, optional_last: bool = False) -> Course:
        """A published course with N lessons, then the given quizzes, imported as content is."""
        slug = slug or f"course-{next(_counter)}"
        items = [ItemSource(LessonSource(f"lesson-{i}", f"Lesson {i}",
                                         f"# Lesson {i}\n\nBody of lesson {i}.", 1))
                 for i in range(1, lessons + 1)]
        items += [ItemSource(quiz) for quiz in quizzes or []]
        if optional_last and items:
            items[-1].required = False
        source = CourseSource(slug, f"Course {slug}", None, "A test course.", 10, items)
        apply_content([source])
        db.session.commit()
        return db.session.scalar(db.select(Course).where(Course.slug == slug))

    def quiz_source(self, slug: str | None = None, questions: list[dict] | None = None,
                    **settings: Any) -> QuizSource:
        slug = slug or f"quiz-{next(_counter)}"
        questions = questions or [single_choice("q1"), single_choice("q2", correct=1)]
        return QuizSource(slug, f"Quiz {slug}", validate_settings(settings),
                          [question_from_dict(q) for q in questions])


def answer_quiz(user: User, quiz_slug: str, correct: bool) -> Attempt:
    """Start, answer every question of a choice quiz (all right or all wrong) and submit;
    returns the attempt."""
    attempt = quizzes.start_attempt(user, quizzes.get_quiz_by_slug(quiz_slug))
    answers = {}
    for response in attempt.responses:
        options = response.revision.data["options"]
        right = next(i for i, o in enumerate(options) if o["correct"])
        choice = right if correct else (right + 1) % len(options)
        # what the page posts for it: the attempt's token for that option
        answers[response.slot] = (quizzes.form_values(attempt, response.slot, choice),
                                  response.seq)
    quizzes.save_answers(attempt, answers)
    return quizzes.submit_attempt(attempt)
