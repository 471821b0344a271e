"""Knowledge contests on a quiz's question bank.

Everyone invited starts at the same moment; nobody can join before it, and the
server refuses answers after `starts_at + duration` (a late page only gets the
entry closed with what was saved). Questions are drawn per person with the quiz
engine's draw (quizzes.attempts), options are named by the engine's per-attempt
tokens, and answers are read and graded by the question types: the same rules as
a quiz attempt, without touching course grades or quiz attempt counts.

Ranking: score first, then time from the start to finishing.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

import clock
from accounts.models import Department, User
from accounts.tree import Tree, department_tree
from extensions import db
from quizzes.attempts import draw_questions, option_tokens
from quizzes.models import QuestionRevision, Quiz
from quizzes.types import get_type
from quizzes.types.base import AnswerError
from reports.service import privacy_threshold
from rollouts.models import Contest, ContestDepartment, ContestEntry
from rollouts.service import QuestionError

MAX_MINUTES = 240
OTHER = 0  # the leaderboard row of departments too small to show alone


class ContestError(QuestionError):
    """A user mistake, or a contest not open for this action; the message says which."""


class ContestClosed(ContestError):
    pass


def schedule(author: User, title: str, quiz_id: int, starts_at: datetime, minutes: int,
             per_person: int, department_ids: list[int], now: datetime | None = None) -> Contest:
    now = now or clock.utcnow()
    title = (title or "").strip()
    if not title:
        raise ContestError(_("Title: write something first."))
    quiz = db.session.get(Quiz, quiz_id or 0)
    if quiz is None:
        raise ContestError(_("Question bank: choose a quiz."))
    # the quiz's own draw (if it has one) caps what a contest entry can be given, too
    pool = len(draw_questions(quiz, random.Random(0)))
    if not 1 <= (per_person or 0) <= pool:
        raise ContestError(_("Questions per person: between 1 and %(n)s (the bank's size).",
                             n=pool))
    if not 1 <= (minutes or 0) <= MAX_MINUTES:
        raise ContestError(_("Duration: between 1 and %(n)s minutes.", n=MAX_MINUTES))
    if starts_at is None or starts_at <= now:
        raise ContestError(_("Start: choose a time in the future."))
    known = set(db.session.scalars(select(Department.id).where(
        Department.id.in_(department_ids or [-1]))))
    if not known or known != set(department_ids):
        raise ContestError(_("Departments: choose at least one existing department."))
    contest = Contest(title=title[:200], quiz_id=quiz.id, starts_at=starts_at,
                      duration_minutes=minutes, questions_per_person=per_person,
                      author_id=author.id,
                      audience=[ContestDepartment(department_id=d) for d in sorted(known)])
    db.session.add(contest)
    db.session.commit()
    return contest


def get(contest_id: int) -> Contest | None:
    return db.session.get(Contest, contest_id)


def listing() -> list[Contest]:
    return list(db.session.scalars(select(Contest).order_by(Contest.starts_at.desc())))


def phase(contest: Contest, now: datetime | None = None) -> str:
    now = now or clock.utcnow()
    if now < contest.starts_at:
        return "lobby"
    return "running" if now <= contest.ends_at else "over"


def invited_departments(contest: Contest, tree: Tree) -> set[int]:
    return {d for link in contest.audience for d in tree.subtree(link.department_id)}


def is_invited(user: User, contest: Contest) -> bool:
    return user.department_id in invited_departments(contest, department_tree())


def upcoming_for(user: User, now: datetime | None = None) -> list[Contest]:
    """Contests the user is invited to that have not ended (for the home page)."""
    if user.department_id is None:
        return []
    now = now or clock.utcnow()
    tree = department_tree()
    above = [user.department_id, *tree.ancestors(user.department_id)]
    found = db.session.scalars(select(Contest).join(ContestDepartment)
                               .where(ContestDepartment.department_id.in_(above))
                               .distinct().order_by(Contest.starts_at))
    return [c for c in found if c.ends_at >= now]


def entry_of(user: User, contest: Contest) -> ContestEntry | None:
    return db.session.scalar(select(ContestEntry).where(
        ContestEntry.contest_id == contest.id, ContestEntry.user_id == user.id))


def _layout(contest: Contest, rng: random.Random) -> list[dict[str, Any]]:
    pool = draw_questions(contest.quiz, rng)
    chosen = rng.sample(pool, min(contest.questions_per_person, len(pool)))
    return [{"revision_id": q.revision_id,
             "options": get_type(q.type_id).option_order(q.data, rng)}
            for q in chosen]


def join(user: User, contest: Contest, show_name: bool = False,
         now: datetime | None = None) -> ContestEntry:
    """The user's entry, drawn at the start; joining again returns the same entry."""
    now = now or clock.utcnow()
    entry = entry_of(user, contest)
    if entry is not None:
        return entry
    if not is_invited(user, contest):
        raise ContestError(_("This contest is not open to your department."))
    current = phase(contest, now)
    if current == "lobby":
        raise ContestClosed(_("The contest has not started yet."))
    if current == "over":
        raise ContestClosed(_("The contest is over."))
    entry = ContestEntry(contest_id=contest.id, user_id=user.id,
                         department_id=user.department_id, show_name=show_name,
                         layout=_layout(contest, random.Random(secrets.randbelow(2**31))),
                         answers={}, joined_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:  # a second tab joined at the same moment
        joined = entry_of(user, contest)
        assert joined is not None, "the unique key refused ours for it"
        entry = joined
    db.session.commit()
    return entry


def _tokens(entry: ContestEntry, slot: int):
    # The quiz engine's signed tokens, in a scope of their own ("contest-<id>") so a
    # contest entry's names never coincide with a quiz attempt's.
    return option_tokens(f"contest-{entry.id}", slot)


def _revisions(entry: ContestEntry) -> dict[int, QuestionRevision]:
    ids = [slot["revision_id"] for slot in entry.layout]
    found = {r.id: r for r in db.session.scalars(select(QuestionRevision).where(
        QuestionRevision.id.in_(ids)))}
    return {i: found[rid] for i, rid in enumerate(ids)}


@dataclass(frozen=True)
class SlotView:
    slot: int
    revision: QuestionRevision
    context: dict[str, Any]
    template: str
    answer: Any


def slot_views(entry: ContestEntry) -> list[SlotView]:
    views = []
    for slot, revision in _revisions(entry).items():
        kind = get_type(revision.type_id)
        views.append(SlotView(slot, revision,
                              kind.render_context(revision.data,
                                                  entry.layout[slot].get("options"),
                                                  _tokens(entry, slot)),
                              kind.template, entry.answers.get(str(slot))))
    return views


def _lock(entry: ContestEntry) -> ContestEntry:
    return db.session.execute(select(ContestEntry).where(ContestEntry.id == entry.id)
                              .with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


def save(entry: ContestEntry, raw: dict[int, dict[str, list[str]]],
         now: datetime | None = None) -> None:
    """Store answers {slot: form values}; refused once the contest's time is up."""
    now = now or clock.utcnow()
    entry = _lock(entry)
    contest = db.session.get(Contest, entry.contest_id)
    assert contest is not None, "the entry's foreign key names it"
    if entry.finished_at is not None:
        raise ContestClosed(_("You have already handed in."))
    if now > contest.ends_at:
        _finish(entry, contest, now)
        db.session.commit()
        raise ContestClosed(_("Time is up: answers saved before the end were kept."))
    revisions = _revisions(entry)
    answers = dict(entry.answers)
    for slot, values in raw.items():
        if slot not in revisions:
            raise ContestError(_("Question %(n)s is not part of your contest.", n=slot + 1))
        revision = revisions[slot]
        try:
            answers[str(slot)] = get_type(revision.type_id).normalise(
                revision.data, values, _tokens(entry, slot))
        except AnswerError as error:
            raise ContestError(_("Question %(n)s: %(error)s", n=slot + 1, error=error)) from error
    entry.answers = answers
    db.session.commit()


def finish(entry: ContestEntry, now: datetime | None = None) -> ContestEntry:
    now = now or clock.utcnow()
    entry = _lock(entry)
    if entry.finished_at is None:
        contest = db.session.get(Contest, entry.contest_id)
        assert contest is not None, "the entry's foreign key names it"
        _finish(entry, contest, now)
    db.session.commit()
    return entry


def _finish(entry: ContestEntry, contest: Contest, now: datetime) -> None:
    """Grade with the question types; time counts from the common start, capped at the end."""
    points = total = 0.0
    for slot, revision in _revisions(entry).items():
        answer = entry.answers.get(str(slot))
        grade = get_type(revision.type_id).grade(revision.data, answer)
        total += revision.points
        points += (0.0 if grade.pending or answer is None else grade.fraction) * revision.points
    finished = min(now, contest.ends_at)
    entry.finished_at = finished
    entry.score = round(points / total, 6) if total else 0.0
    entry.seconds = (finished - contest.starts_at).total_seconds()


def close_expired(contest: Contest, now: datetime | None = None) -> int:
    """Finish every open entry once the contest is over (results page, CLI)."""
    now = now or clock.utcnow()
    if phase(contest, now) != "over":
        return 0
    open_entries = list(db.session.scalars(select(ContestEntry).where(
        ContestEntry.contest_id == contest.id, ContestEntry.finished_at.is_(None))
        .with_for_update()))
    for entry in open_entries:
        _finish(entry, contest, now)
    db.session.commit()
    return len(open_entries)


@dataclass(frozen=True)
class BoardRow:
    department_id: int  # OTHER for the grouped small departments
    name: str
    members: int
    participants: int
    average: float | None  # of finished entries

    @property
    def participation(self) -> float | None:
        return self.participants / self.members if self.members else None


@dataclass(frozen=True)
class Leaderboard:
    departments: list[BoardRow]
    top: list[ContestEntry]
    participants: int


def leaderboard(contest: Contest, top_n: int = 10) -> Leaderboard:
    """Departments by average score; any with fewer participants than the privacy
    threshold are pooled into one "other" row. The top list names only those who chose."""
    tree = department_tree()
    invited = invited_departments(contest, tree)
    members = dict(db.session.execute(
        select(User.department_id, func.count(User.id))
        .where(User.active.is_(True), User.department_id.in_(invited))
        .group_by(User.department_id)).all())
    stats = {row.department_id: row for row in db.session.execute(
        select(ContestEntry.department_id, func.count(ContestEntry.id).label("n"),
               func.avg(ContestEntry.score).label("avg"))
        .where(ContestEntry.contest_id == contest.id).group_by(ContestEntry.department_id))}
    threshold = privacy_threshold()
    rows: list[BoardRow] = []
    # the small departments, pooled: members, participants, score sum and entries scored
    other_members = other_n = other_scored = 0
    other_sum = 0.0
    for department_id in invited | {d for d in stats if d is not None}:
        n = stats[department_id].n if department_id in stats else 0
        avg = stats[department_id].avg if department_id in stats else None
        count = members.get(department_id, 0)
        if n >= threshold and department_id in tree.nodes:
            rows.append(BoardRow(department_id, tree.nodes[department_id].name, count, n,
                                 float(avg) if avg is not None else None))
            continue
        other_members += count
        other_n += n
        if avg is not None:
            scored = _scored(contest, department_id)
            other_sum += float(avg) * scored
            other_scored += scored
    rows.sort(key=lambda r: (-(r.average or 0), r.name))
    if other_n or other_members:
        rows.append(BoardRow(OTHER, _("Other departments"), other_members, other_n,
                             other_sum / other_scored if other_scored else None))
    top = list(db.session.scalars(
        select(ContestEntry).options(joinedload(ContestEntry.user))
        .where(ContestEntry.contest_id == contest.id, ContestEntry.show_name.is_(True),
               ContestEntry.finished_at.is_not(None))
        .order_by(ContestEntry.score.desc(), ContestEntry.seconds, ContestEntry.id)
        .limit(top_n)))
    total = sum(r.participants for r in rows)
    return Leaderboard(rows, top, total)


def _scored(contest: Contest, department_id: int | None) -> int:
    return db.session.scalar(select(func.count(ContestEntry.id)).where(
        ContestEntry.contest_id == contest.id, ContestEntry.department_id == department_id,
        ContestEntry.score.is_not(None))) or 0


def ranking(contest: Contest) -> list[ContestEntry]:
    """Every finished entry, best first: score, then time (the winners list)."""
    return list(db.session.scalars(
        select(ContestEntry).options(joinedload(ContestEntry.user))
        .where(ContestEntry.contest_id == contest.id, ContestEntry.finished_at.is_not(None))
        .order_by(ContestEntry.score.desc(), ContestEntry.seconds, ContestEntry.id)))


def form_values(entry: ContestEntry, slot: int, answer: Any) -> dict[str, list[str]]:
    """What the contest page posts for an answer (authored indexes): for scripts and tests."""
    revision = _revisions(entry)[slot]
    values = get_type(revision.type_id).form_values(revision.data, answer, _tokens(entry, slot))
    return {f"q{slot}" + (f"-{key}" if key else ""): value for key, value in values.items()}
