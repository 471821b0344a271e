"""Quiz rules: attempts (start, autosave, deadline, submit once, grade) and question
revisions (content files, banks and the web editor save through one path). No requests.

Every use case commits once. Submitting locks the attempt row (FOR UPDATE on
PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), so two
concurrent submits produce one grade and the second returns the first result.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

import clock
from accounts.models import User
from courses import service as courses
from courses.rendering import render_markdown
from extensions import db
from quizzes.attempts import build_layout, option_tokens
from quizzes.content import CaseSource, QuestionSource, QuizSource
from quizzes.grading import finish_attempt, record_final_grade
from quizzes.models import (
    Attempt,
    Question,
    QuestionRevision,
    Quiz,
    QuizCase,
    QuizGrade,
    Response,
)
from quizzes.overrides import get_override
from quizzes.revisions import revision_facts
from quizzes.signals import attempt_finished, attempt_started
from quizzes.types import AnswerError, get_type
from sqlite_concurrency import writing


class AttemptError(Exception):
    """A request the attempt rules refuse; `status` is the HTTP status to answer with."""

    status = 400


class AttemptClosed(AttemptError):
    status = 403


class StaleAnswer(AttemptError):
    status = 409


class NoAttemptsLeft(AttemptError):
    status = 403


class MissingSequence(AttemptError):
    """A save without the seq the page was given would skip the stale-tab check."""

    status = 400


@dataclass(frozen=True)
class QuizStatus:
    quiz: Quiz
    attempts: list[Attempt]
    allowed: int | None  # None: unlimited
    grade: QuizGrade | None

    @property
    def finished(self) -> list[Attempt]:
        return [a for a in self.attempts if a.state == "finished"]

    @property
    def in_progress(self) -> Attempt | None:
        return next((a for a in self.attempts if a.state == "in_progress"), None)

    @property
    def attempts_left(self) -> int | None:
        return None if self.allowed is None else max(0, self.allowed - len(self.attempts))

    @property
    def can_start(self) -> bool:
        return self.in_progress is None and self.attempts_left != 0


def quiz_status(user: User, quiz: Quiz, now: datetime | None = None) -> QuizStatus:
    """The learner's attempts, allowance and grade (a page's use case): an attempt past
    its deadline is finished on the way, and committed."""
    status, closed = _status(user, quiz, now)
    if closed:
        db.session.commit()
    return status


def _status(user: User, quiz: Quiz, now: datetime | None) -> tuple[QuizStatus, bool]:
    """quiz_status uncommitted, and whether it finished an attempt (starting an attempt
    commits that with its own work)."""
    attempts = list(db.session.scalars(select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.user_id == user.id).order_by(Attempt.number)))
    closed = [_close_if_expired(attempt, now) for attempt in attempts]
    allowed = quiz.settings.get("attempts_allowed")
    override = get_override(quiz, user)
    if allowed is not None and override:
        allowed += override.extra_attempts
    grade = db.session.scalar(select(QuizGrade).where(
        QuizGrade.quiz_id == quiz.id, QuizGrade.user_id == user.id))
    return QuizStatus(quiz, attempts, allowed, grade), any(closed)


def start_attempt(user: User, quiz: Quiz, now: datetime | None = None) -> Attempt:
    """Continue the open attempt, or start a new one if attempts remain.

    A double click sends two starts at once: the learner's row lock makes the second
    wait for the first, then find its attempt and continue it (not a second INSERT of
    the same attempt number, which PostgreSQL refused with a UniqueViolation).
    """
    now = now or clock.utcnow()
    courses.lock_learner(user)
    status, _closed = _status(user, quiz, now)
    if status.in_progress is not None:
        return status.in_progress
    if not status.can_start:
        raise NoAttemptsLeft("no attempts left on this quiz")
    seed = secrets.randbelow(2**31)
    attempt = Attempt(quiz_id=quiz.id, user_id=user.id, number=len(status.attempts) + 1,
                      state="in_progress", seed=seed, layout=build_layout(quiz, seed),
                      started_at=now)
    limit = quiz.settings.get("time_limit_minutes")
    if limit:
        override = get_override(quiz, user)
        attempt.deadline = now + timedelta(minutes=limit + (override.extra_minutes
                                                            if override else 0))
        grace = quiz.settings.get("grace_minutes", 0)
        attempt.submit_until = attempt.deadline + timedelta(
            minutes=grace if quiz.settings.get("deadline_action") == "grace" else 0)
    db.session.add(attempt)
    db.session.flush()
    # one multi-row INSERT, not twenty
    db.session.execute(insert(Response), [
        {"attempt_id": attempt.id, "slot": slot, "revision_id": entry["revision_id"]}
        for slot, entry in enumerate(attempt.layout)])
    courses.mark_started(user, quiz.course)
    attempt_started.send(attempt)
    attempt_id = attempt.id
    db.session.commit()
    # the caller redirects to the new attempt: its id stays readable without a reload,
    # which on SQLite would be a second write-locked transaction
    set_committed_value(attempt, "id", attempt_id)
    return attempt


def close_if_expired(attempt: Attempt, now: datetime | None = None) -> bool:
    """Lazily enforce the deadline (an attempt's page opened after it): finish with what
    was saved before it, and commit.

    Only an expired attempt writes, in a transaction of its own (writing()): the
    attempt's pages read without SQLite's write lock in the common case.
    """
    now = now or clock.utcnow()
    if not _expired(attempt, now):
        return False
    with writing():
        closed = _close_if_expired(attempt, now)
        db.session.commit()
    return closed


def _expired(attempt: Attempt, now: datetime) -> bool:
    limit = attempt.submit_until or attempt.deadline
    return attempt.state == "in_progress" and limit is not None and now > limit


def _close_if_expired(attempt: Attempt, now: datetime | None) -> bool:
    """close_if_expired uncommitted, for a use case that commits it with its own work."""
    now = now or clock.utcnow()
    if not _expired(attempt, now):
        return False
    limit = attempt.submit_until or attempt.deadline
    assert limit is not None, "an expired attempt has a limit"
    _lock(attempt)  # grading needs every response loaded before it starts writing
    if attempt.state != "in_progress":  # another request closed it while we waited
        return False
    _finish(attempt, submitted_at=limit)
    return True


def revisions_for(attempt: Attempt) -> dict[int, QuestionRevision]:
    return {r.slot: r.revision for r in attempt.responses}


def form_values(attempt: Attempt, slot: int, answer: Any) -> dict[str, list[str]]:
    """What the attempt's page posts for an answer (authored indexes): for scripts and tests."""
    revision = revisions_for(attempt)[slot]
    return get_type(revision.type_id).form_values(revision.data, answer,
                                                  option_tokens(attempt.id, slot))


def require_sequences(answers: Mapping[int, tuple[Any, int | None]]) -> None:
    """Refuse (MissingSequence) answers posted without the seq their page was given."""
    missing = sorted(slot for slot, (_, seq) in answers.items() if seq is None)
    if missing:
        raise MissingSequence(f"question {missing[0] + 1} was sent without its sequence number")


def save_answers(attempt: Attempt, answers: Mapping[int, tuple[Mapping[str, Sequence[str]],
                                                                 int | None]],
                 now: datetime | None = None) -> dict[int, int]:
    """Autosave {slot: (raw form values, seq the page was given)}; all or nothing.

    Returns {slot: new seq}. Refuses answers after the deadline (AttemptClosed),
    without a seq (MissingSequence), from a stale tab (StaleAnswer, 409) and
    malformed ones (AnswerError), rolling back before it raises (the deadline's
    closing, committed first, stays). The form values name options by the attempt's
    tokens; the stored answers by authored index.
    """
    try:
        return _save_answers(attempt, answers, now or clock.utcnow())
    except (AttemptError, AnswerError):
        db.session.rollback()
        raise


def _save_answers(attempt: Attempt, answers: Mapping[int, tuple[Mapping[str, Sequence[str]],
                                                                  int | None]],
                  now: datetime) -> dict[int, int]:
    require_sequences(answers)
    # Core statements, not ORM objects: an autosave is the request a class sends most.
    # The attempt's row lock (SQLite: the write lock taken at BEGIN) orders the saves.
    state = db.session.execute(select(
        Attempt.state, Attempt.deadline, Attempt.submit_until)
        .where(Attempt.id == attempt.id).with_for_update()).one()
    limit = state.submit_until or state.deadline
    if state.state == "in_progress" and limit is not None and now > limit:
        close_if_expired(attempt, now)  # the ORM path: it grades (and commits)
        raise AttemptClosed("the time limit has passed; answers saved before it were kept")
    if state.state != "in_progress":
        raise AttemptClosed("this attempt is already submitted")
    if state.deadline and now > state.deadline:
        raise AttemptClosed("the time limit has passed; you can only submit now")
    # only the questions posted (autosave sends one), not all the attempt's
    responses = {row.slot: row for row in db.session.execute(select(
        Response.id, Response.slot, Response.revision_id, Response.answer, Response.seq)
        .where(Response.attempt_id == attempt.id, Response.slot.in_(answers)))}
    revisions = revision_facts(row.revision_id for row in responses.values())
    changes, seqs = [], {}
    for slot, (raw, seq) in answers.items():
        response = responses.get(slot)
        if response is None:
            raise AnswerError(f"question {slot + 1} is not part of this attempt")
        revision = revisions[response.revision_id]
        answer = get_type(revision.type_id).normalise(revision.data, raw,
                                                      option_tokens(attempt.id, slot))
        seqs[slot] = response.seq
        if answer == response.answer:
            continue
        if seq != response.seq:
            raise StaleAnswer(f"question {slot + 1} was changed in another window; reload")
        changes.append({"response_id": response.id, "answer": answer,
                        "seq": response.seq + 1, "saved_at": now})
        seqs[slot] = response.seq + 1
    if changes:  # one executemany
        db.session.execute(_SAVE_ANSWER, changes)
    db.session.commit()
    return seqs


_SAVE_ANSWER = (update(Response.__table__)
                .where(Response.__table__.c.id == bindparam("response_id"))
                .values(answer=bindparam("answer"), seq=bindparam("seq"),
                        saved_at=bindparam("saved_at")))


def submit_attempt(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade and finish; a second submit returns the first result unchanged."""
    now = now or clock.utcnow()
    _lock(attempt)
    if attempt.state == "finished":
        return attempt
    if close_if_expired(attempt, now):
        return attempt
    _finish(attempt, submitted_at=now)
    db.session.commit()
    return attempt


def _lock(attempt: Attempt, with_responses: bool = True) -> None:
    """Re-read the attempt under a row lock, so concurrent requests see one another.

    Its quiz, responses and their revisions come in the same round trip: grading needs
    all, and a lazy load midway would flush half a grade (and run the report rollups twice).
    Without responses, the attempt alone; finishing it (close_if_expired) loads the rest.
    """
    query = select(Attempt).where(Attempt.id == attempt.id).options(joinedload(Attempt.quiz))
    if with_responses:  # and the course, which the finished attempt's statements name
        query = query.options(selectinload(Attempt.responses).joinedload(Response.revision),
                              joinedload(Attempt.quiz).joinedload(Quiz.course))
    db.session.execute(query.with_for_update(of=Attempt)
                       .execution_options(populate_existing=True)).scalar_one()


def _finish(attempt: Attempt, submitted_at: datetime) -> None:
    finish_attempt(attempt, submitted_at)
    attempt_finished.send(attempt)
    record_final_grade(attempt)


def review_allowed(status: QuizStatus, attempt: Attempt) -> bool:
    """Whether correct answers and per-question feedback may be shown for this attempt."""
    mode = status.quiz.settings.get("review", "after_submit")
    if attempt.state != "finished" or mode == "never":
        return False
    if mode == "after_last_attempt":
        return status.attempts_left == 0 or bool(status.grade and status.grade.passed)
    return True


def band_feedback(quiz: Quiz, score: float | None) -> str:
    if score is None:
        return ""
    for band in quiz.settings.get("feedback_bands", []):
        if score * 100 + 1e-9 >= band["min"]:
            return band["text"]
    return ""


def close_overdue_attempts(now: datetime | None = None) -> int:
    """The command-line sweep for attempts nobody came back to."""
    now = now or clock.utcnow()
    attempts = db.session.scalars(select(Attempt).where(
        Attempt.state == "in_progress", Attempt.deadline.is_not(None),
        func.coalesce(Attempt.submit_until, Attempt.deadline) < now)).all()
    closed = sum(_close_if_expired(attempt, now) for attempt in attempts)
    db.session.commit()
    return closed


def attempt_of(user: User, attempt_id: int) -> Attempt | None:
    """The learner's own attempt; None for anyone else's, so routes answer 404."""
    attempt = db.session.get(Attempt, attempt_id)
    return attempt if attempt is not None and attempt.user_id == user.id else None


# --- question revisions: content files, banks and the web editor save through these -----

def apply_quiz(quiz: Quiz, source: QuizSource, author_id: int | None = None) -> int:
    """Bring a quiz's rows in line with a source (no commit); returns revisions made."""
    quiz.title, quiz.settings = source.title, source.settings
    cases = _apply_cases(quiz, source)
    existing = {q.key: q for q in quiz.questions}
    revised = 0
    for position, src in enumerate(source.questions):
        question = existing.pop(src.key, None)
        if question is None:
            question = Question(quiz=quiz, key=src.key)
            db.session.add(question)
        question.position, question.retired = position, False
        question.case = cases.get(id(src.case)) if src.case else None
        revised += save_question(question, src, author_id)
    for gone in existing.values():
        gone.retired = True  # past attempts still point at its revisions
    return revised


def _apply_cases(quiz: Quiz, source: QuizSource) -> dict[int, QuizCase]:
    """Reuse case rows in order, so unchanged cases keep their ids."""
    wanted: list[CaseSource] = []
    for question in source.questions:
        if question.case is not None and all(question.case is not c for c in wanted):
            wanted.append(question.case)
    rows = sorted(quiz.cases, key=lambda c: c.id)
    mapping: dict[int, QuizCase] = {}
    for index, case in enumerate(wanted):
        row = rows[index] if index < len(rows) else QuizCase()
        if index >= len(rows):
            quiz.cases.append(row)
        if (row.title, row.source) != (case.title, case.text):
            row.title, row.source, row.html = case.title, case.text, render_markdown(case.text)
        mapping[id(case)] = row
    return mapping


def save_question(question: Question, src: QuestionSource, author_id: int | None = None) -> int:
    """Content files publish at once: a new revision when the content changed (no commit).

    Returns 1 if a revision was made, else 0; a pending web draft is superseded.
    """
    if question.draft is None and question.current is not None and _revision_content(
            question.current) == src.content():
        return 0
    question.current = add_question_revision(question, src, author_id)
    question.draft = None
    return 1


def add_question_revision(question: Question, src: QuestionSource,
                          author_id: int | None = None) -> QuestionRevision:
    """Append an immutable revision (no commit); publishing it is the caller's choice."""
    latest = None
    if question.id is not None:
        latest = db.session.scalar(select(func.max(QuestionRevision.revision)).where(
            QuestionRevision.question_id == question.id))
    revision = QuestionRevision(
        question=question, revision=(latest or 0) + 1, type_id=src.type_id, prompt=src.prompt,
        prompt_html=render_markdown(src.prompt), data=src.data, points=src.points,
        tags=src.tags, feedback=src.feedback, author_id=author_id)
    db.session.add(revision)
    db.session.flush()
    return revision


def _revision_content(revision: QuestionRevision) -> tuple:
    return (revision.type_id, revision.prompt, revision.data, float(revision.points),
            list(revision.tags or []), revision.feedback)


def get_quiz_by_slug(slug: str) -> Quiz | None:
    return db.session.scalar(select(Quiz).where(Quiz.slug == slug))
