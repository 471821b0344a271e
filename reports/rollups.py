"""Rollups: what each learner contributes to the report tables, in SQL.

One definition serves three callers: the flush listeners (contributions of the
few learners a transaction touched, before and after it), `reports rebuild`
(everyone, written into the tables) and `reports check` (everyone, compared
with the tables). So the incremental path and a fresh GROUP BY cannot drift
apart by construction; only changes made behind the ORM's back (bulk UPDATEs)
can, and `check` finds those.

Figures are intervals of days. An assigned enrollment of an active learner
counts as enrolled from its enrollment day, in progress from its start day
until completion, completed from its completion day, and overdue from the day
after its due date until completion (each clamped to start no earlier than the
enrollment). A change dated day D is stored as +1/-1 on D, so "as of D" is the
sum of the changes dated up to D. Where a figure is counted: an open enrollment
in the learner's current department, a completed one in the department stamped
at completion (history stays true after a transfer). Members count from the
hire date (else the account's creation). Quiz scores are each learner's best
finished score per quiz, dated by submission, in basis points.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql import CompoundSelect, Select
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from accounts.models import User
from courses.models import Enrollment
from quizzes.models import Attempt, QuestionRevision, Quiz, Response
from reports.models import ALL_COURSES, METRICS, ConceptRollup, RollupDay, RollupTotal
from reports.sql import add_to, basis_points, day_of, json_strings, later_of, next_day

E, U, A = Enrollment.__table__, User.__table__, Attempt.__table__
DAYS, TOTALS, CONCEPTS = RollupDay.__table__, RollupTotal.__table__, ConceptRollup.__table__
DAY_KEY = ("department_id", "course_id", "day")
TOTAL_KEY = ("department_id", "course_id")
CONCEPT_KEY = ("department_id", "kind", "tag")
CONCEPT_FIGURES = ("responses", "score_sum", "learners")
# Narrowed queries (the listeners') take two expanding parameters: "users", whose
# enrollments and membership count, and "pairs", (learner, course) enrollments. The
# statements are built once per dialect: building one costs more than running it.
USERS: BindParameter[Any] = bindparam("users", expanding=True)
PAIRS: BindParameter[Any] = bindparam("pairs", expanding=True)


def number(value: int) -> Any:
    """An integer constant written into the SQL (PostgreSQL cannot type bare parameters in
    a UNION)."""
    return literal_column(str(int(value)), Integer)


def enrollment_department() -> Any:
    """Where an enrollment counts: the learner's department while open, else the stamp."""
    return case(
        (E.c.completed_at.is_(None), func.coalesce(U.c.department_id, 0)),
        else_=func.coalesce(E.c.completed_department_id, 0),
    )


def counted_enrollments(narrow: bool = False) -> Any:
    """Assigned enrollments of active learners: what the dashboard counts.

    `narrow`: only the enrollments of the "users" and "pairs" parameters.
    """
    condition = and_(E.c.source == "assignment", U.c.active.is_(True))
    if not narrow:
        return condition
    return and_(condition, or_(E.c.user_id.in_(USERS),
                               tuple_(E.c.user_id, E.c.course_id).in_(PAIRS)))


def change_rows(narrow: bool = False, hired: tuple[date | None, date | None] | None = None
                ) -> Select:
    """(department_id, course_id, day, *METRICS): the summed changes per day.

    One pass over the enrollments: each row yields up to four dated changes (enrolled;
    started; completed, which also ends in-progress and overdue; overdue), picked by
    joining a four-row table of kinds rather than scanning the enrollments four times.
    """
    e_day = day_of(E.c.enrolled_at)
    base = (
        select(
            enrollment_department().label("department_id"),
            E.c.course_id,
            e_day.label("e"),
            later_of(day_of(E.c.started_at), e_day).label("s"),
            later_of(day_of(E.c.completed_at), e_day).label("c"),
            later_of(next_day(E.c.due_date), e_day).label("o"),
        )
        .select_from(E.join(U, U.c.id == E.c.user_id))
        .where(counted_enrollments(narrow), _hired(hired))
        .cte("base")
    )
    base = base.prefix_with("MATERIALIZED")  # compute the days once, not once per kind
    kinds = union_all(*[select(number(k).label("kind")) for k in (1, 2, 3, 4)]).subquery("kinds")
    b, kind = base.c, kinds.c.kind
    ran = and_(b.s.is_not(None), or_(b.c.is_(None), b.s < b.c))
    late = and_(b.o.is_not(None), or_(b.c.is_(None), b.o < b.c))
    day = case((kind == 1, b.e), (kind == 2, b.s), (kind == 3, b.c), else_=b.o)
    figures = {
        "enrolled": case((kind == 1, number(1)), else_=number(0)),
        "in_progress": case((and_(ran, kind == 2), number(1)),
                            (and_(ran, kind == 3), number(-1)), else_=number(0)),
        "completed": case((kind == 3, number(1)), else_=number(0)),
        "overdue": case((and_(late, kind == 4), number(1)),
                        (and_(late, kind == 3), number(-1)), else_=number(0)),
    }
    enrollments = (
        select(b.department_id, b.course_id, day.label("day"),
               *[figures.get(m, number(0)).label(m) for m in METRICS])
        .select_from(base.join(kinds, true()))
        .where(day.is_not(None), or_(*[f != 0 for f in figures.values()]))
    )
    events = union_all(enrollments, _member_events(narrow, hired),
                       _score_events(narrow, hired)).subquery("events")
    return (
        select(events.c.department_id, events.c.course_id, events.c.day,
               *[func.sum(events.c[m]).label(m) for m in METRICS])
        .group_by(events.c.department_id, events.c.course_id, events.c.day)
    )


def figures_on(day: date, hired: tuple[date | None, date | None] | None = None) -> Select:
    """(department_id, course_id, *METRICS) at the end of `day`, straight from the sources.

    The same rules as change_rows, read at one day: one pass over the enrollments (no
    rows per change, no grouping by day), for views the rollups cannot answer.
    """
    e_day = day_of(E.c.enrolled_at)
    base = (
        select(
            enrollment_department().label("department_id"),
            E.c.course_id,
            later_of(day_of(E.c.started_at), e_day).label("s"),
            later_of(day_of(E.c.completed_at), e_day).label("c"),
            later_of(next_day(E.c.due_date), e_day).label("o"),
        )
        .select_from(E.join(U, U.c.id == E.c.user_id))
        .where(counted_enrollments(), _hired(hired), e_day <= day,
               _hired_learners(E.c.user_id, hired))
        .subquery("base")
    )
    b = base.c
    still_open = or_(b.c.is_(None), b.c > day)

    def flag(condition: Any) -> Any:
        return case((condition, number(1)), else_=number(0))

    figures = {
        "enrolled": number(1),
        "in_progress": flag(and_(b.s.is_not(None), b.s <= day, still_open)),
        "completed": flag(and_(b.c.is_not(None), b.c <= day)),
        "overdue": flag(and_(b.o.is_not(None), b.o <= day, still_open)),
    }
    enrollments = select(b.department_id, b.course_id,
                         *[figures.get(m, number(0)).label(m) for m in METRICS])
    members = select(
        func.coalesce(U.c.department_id, 0).label("department_id"),
        number(0).label("course_id"),
        *[number(1 if m == "members" else 0).label(m) for m in METRICS],
    ).where(U.c.active.is_(True), _hired(hired),
            func.coalesce(U.c.hire_date, day_of(U.c.created_at)) <= day)
    Q = Quiz.__table__
    department = enrollment_department().label("department_id")
    best = (select(department, Q.c.course_id,
                   func.max(basis_points(A.c.score)).label("best"))
            .select_from(A.join(Q, Q.c.id == A.c.quiz_id)
                         .join(E, and_(E.c.user_id == A.c.user_id, E.c.course_id == Q.c.course_id))
                         .join(U, U.c.id == A.c.user_id))
            .where(counted_enrollments(), _hired(hired), *_graded(),
                   later_of(day_of(A.c.submitted_at), e_day) <= day,
                   _hired_learners(A.c.user_id, hired))
            .group_by(A.c.user_id, A.c.quiz_id, department, Q.c.course_id)
            .subquery("best"))
    scores = select(best.c.department_id, best.c.course_id,
                    *[(best.c.best if m == "score_sum" else number(1) if m == "score_n"
                       else number(0)).label(m) for m in METRICS])
    rows = union_all(enrollments, members, scores).subquery("rows")
    return (select(rows.c.department_id, rows.c.course_id,
                   *[func.sum(rows.c[m]).label(m) for m in METRICS])
            .group_by(rows.c.department_id, rows.c.course_id))


def _hired_learners(column: Any, hired: tuple[date | None, date | None] | None) -> Any:
    """`column` among the learners hired in the range: lets the database start from the
    (few) users of a cohort and reach their enrollments by index, not scan them all."""
    if not hired or hired == (None, None):
        return true()
    users = U.alias("cohort")
    condition: list[ColumnElement[bool]] = [users.c.hire_date.is_not(None)]
    if hired[0] is not None:
        condition.append(users.c.hire_date >= hired[0])
    if hired[1] is not None:
        condition.append(users.c.hire_date <= hired[1])
    return column.in_(select(users.c.id).where(*condition))


def _hired(hired: tuple[date | None, date | None] | None) -> Any:
    if not hired:
        return true()
    start, end = hired
    condition: ColumnElement[bool] = true()
    if start is not None:
        condition = and_(condition, U.c.hire_date >= start)
    if end is not None:
        condition = and_(condition, U.c.hire_date <= end)
    return condition


def _member_events(narrow: bool, hired: tuple[date | None, date | None] | None) -> Select:
    joined = func.coalesce(U.c.hire_date, day_of(U.c.created_at))
    query = select(
        func.coalesce(U.c.department_id, 0).label("department_id"),
        number(0).label("course_id"),
        joined.label("day"),
        *[number(1 if m == "members" else 0).label(m) for m in METRICS],
    ).where(U.c.active.is_(True), _hired(hired))
    return query.where(U.c.id.in_(USERS)) if narrow else query


def _graded() -> list[Any]:
    """Attempts whose score is final."""
    return [A.c.state == "finished", A.c.pending.is_(False), A.c.score.is_not(None),
            A.c.submitted_at.is_not(None)]


def _score_events(narrow: bool, hired: tuple[date | None, date | None] | None) -> Select:
    """Each improvement of a learner's best score on a quiz, on the day it was submitted."""
    points = basis_points(A.c.score)
    earlier_best = func.max(points).over(
        partition_by=(A.c.user_id, A.c.quiz_id),
        order_by=(A.c.submitted_at, A.c.number),
        rows=(None, -1),
    )
    Q = Quiz.__table__
    graded = (
        select(
            enrollment_department().label("department_id"),
            Q.c.course_id,
            later_of(day_of(A.c.submitted_at), day_of(E.c.enrolled_at)).label("day"),
            points.label("points"),
            earlier_best.label("best"),
        )
        .select_from(
            A.join(Q, Q.c.id == A.c.quiz_id)
            .join(E, and_(E.c.user_id == A.c.user_id, E.c.course_id == Q.c.course_id))
            .join(U, U.c.id == A.c.user_id)
        )
        .where(counted_enrollments(narrow), _hired(hired), *_graded())
        .subquery("graded")
    )
    g = graded.c
    gain = case((g.best.is_(None), g.points), (g.points > g.best, g.points - g.best), else_=0)
    first = case((g.best.is_(None), 1), else_=0)
    figures = {"score_sum": gain, "score_n": first}
    return select(
        g.department_id, g.course_id, g.day,
        *[figures[m].label(m) if m in figures else number(0).label(m)
          for m in METRICS],
    )


def concept_rows(narrow: bool = False) -> CompoundSelect[Any]:
    """(department_id, kind, tag, responses, score_sum, learners) from first attempts
    (`narrow`: of the learners in the "users" parameter)."""
    R, QR = Response.__table__, QuestionRevision.__table__
    first_attempts = (
        R.join(A, A.c.id == R.c.attempt_id)
        .join(U, U.c.id == A.c.user_id)
    )
    where = [A.c.number == 1, A.c.state == "finished", A.c.pending.is_(False),
             R.c.fraction.is_not(None), U.c.active.is_(True)]
    if narrow:
        where.append(A.c.user_id.in_(USERS))
    department = func.coalesce(U.c.department_id, 0).label("department_id")
    tags = json_strings(QR.c.tags, "concept_tag")
    concepts = (
        select(department, literal_column("'concept'", String).label("kind"),
               tags.c.value.label("tag"), func.count().label("responses"),
               func.sum(basis_points(R.c.fraction)).label("score_sum"),
               func.count(A.c.user_id.distinct()).label("learners"))
        .select_from(first_attempts.join(QR, QR.c.id == R.c.revision_id).join(tags, true()))
        .where(*where)
        .group_by(department, tags.c.value)
    )
    wrong = json_strings(R.c.misconceptions, "wrong_tag")
    misconceptions = (
        select(department, literal_column("'misconception'", String).label("kind"),
               wrong.c.value.label("tag"), func.count().label("responses"),
               number(0).label("score_sum"),
               func.count(A.c.user_id.distinct()).label("learners"))
        .select_from(first_attempts.join(wrong, true()))
        .where(*where)
        .group_by(department, wrong.c.value)
    )
    return union_all(concepts, misconceptions)


# --- contributions of a few learners (the listeners' diff) -------------------------

Contribution = tuple[dict[tuple, tuple[int, ...]], dict[tuple, tuple[int, ...]]]


def contribution(connection: Connection, users: set[int], pairs: set[tuple[int, int]],
                 concept_users: set[int]) -> Contribution:
    """What these learners (all their enrollments), these (learner, course) pairs and
    these learners' first attempts add to the day and concept rollups, by table key."""
    days = {}
    dialect = connection.dialect.name
    if users or pairs:
        days = {(row[0], row[1], row[2]): tuple(int(value or 0) for value in row[3:])
                for row in connection.execute(_narrow_change_rows(dialect), {
                    "users": sorted(users), "pairs": sorted(pairs)}).all()}
    concepts = {}
    if concept_users:
        concepts = {(row[0], row[1], row[2]): tuple(int(value or 0) for value in row[3:])
                    for row in connection.execute(_narrow_concept_rows(dialect), {
                        "users": sorted(concept_users)}).all()}
    return days, concepts


@lru_cache(maxsize=4)
def _narrow_change_rows(_dialect: str) -> Select:
    return change_rows(narrow=True)


@lru_cache(maxsize=4)
def _narrow_concept_rows(_dialect: str) -> Any:
    return concept_rows(narrow=True)


def _difference(before: dict[Any, tuple[Any, ...]], after: dict[Any, tuple[Any, ...]]
                ) -> dict[Any, tuple[Any, ...]]:
    changed = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        width = len(old or new or ())  # the key is in one of them
        delta = tuple((new[i] if new else 0) - (old[i] if old else 0) for i in range(width))
        if any(delta):
            changed[key] = delta
    return changed


def apply_difference(connection: Connection, before: Contribution, after: Contribution) -> None:
    """Add (after - before) to the rollup tables."""
    days = _difference(before[0], after[0])
    for (department, _course, day), delta in list(days.items()):
        key = (department, ALL_COURSES, day)
        days[key] = tuple(a + b for a, b in zip(days.get(key, (0,) * len(METRICS)), delta,
                                                 strict=True))
    days = {key: delta for key, delta in days.items() if any(delta)}
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(METRICS))
    for (department, course, _day), delta in days.items():
        for i, value in enumerate(delta):
            totals[(department, course)][i] += value
    add_to(connection, DAYS, DAY_KEY,
           [dict(zip(DAY_KEY + METRICS, key + delta, strict=True))
            for key, delta in days.items()])
    add_to(connection, TOTALS, TOTAL_KEY,
           [dict(zip(TOTAL_KEY + METRICS, key + tuple(delta), strict=True))
            for key, delta in totals.items() if any(delta)])
    concepts = _difference(before[1], after[1])
    add_to(connection, CONCEPTS, CONCEPT_KEY,
           [dict(zip(CONCEPT_KEY + CONCEPT_FIGURES, key + delta, strict=True))
            for key, delta in concepts.items()])
