"""HR report rules: department figures with subtree totals.

Who may see which department is the access policy's (accounts.policy.scope_for).

No request objects here. Figures come from the rollups (reports/rollups.py) or,
when a hire-date range narrows the learners, from one GROUP BY over the same
change rows; the department tree and its subtree totals are summed in Python
(hundreds of departments, not millions of rows).

"As of D" means at the end of day D (UTC): an enrollment counts from its
enrollment day, completed if completed on or before D, overdue if still open
and its due date is before D (so the day after the due date is day 1 overdue).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, func, select

from accounts.models import User
from accounts.policy import NO_DEPARTMENT, Scope  # reports annotate with Scope
from accounts.tree import Node, Tree, department_tree
from courses.models import Course, Enrollment
from extensions import db
from reports.models import ALL_COURSES, MEMBERS_ROW, METRICS, RollupDay, RollupTotal
from reports.rollups import figures_on


class ReportAccessError(PermissionError):
    """The viewer may not see this department or learner."""




def privacy_threshold() -> int:
    return int(current_app.config.get("PRIVACY_MIN_GROUP", 5))


# --- figures ---------------------------------------------------------------------------


@dataclass
class Figures:
    members: int = 0
    enrolled: int = 0
    in_progress: int = 0
    completed: int = 0
    overdue: int = 0
    score_sum: int = 0  # basis points
    score_n: int = 0

    def add(self, other: Figures, sign: int = 1) -> None:
        # spelled out: this runs once per department and row, thousands of times a page
        self.members += sign * other.members
        self.enrolled += sign * other.enrolled
        self.in_progress += sign * other.in_progress
        self.completed += sign * other.completed
        self.overdue += sign * other.overdue
        self.score_sum += sign * other.score_sum
        self.score_n += sign * other.score_n

    @property
    def not_started(self) -> int:
        return self.enrolled - self.in_progress - self.completed

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None

    @property
    def average_score(self) -> float | None:
        return self.score_sum / self.score_n / 10000 if self.score_n else None


@dataclass(frozen=True)
class Filters:
    as_of: date
    course_id: int | None = None
    department_id: int | None = None
    hired_from: date | None = None
    hired_to: date | None = None

    @property
    def live(self) -> bool:
        """A hire-date range is answered by one GROUP BY instead of the rollups."""
        return self.hired_from is not None or self.hired_to is not None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The course and hire-date filters on a query joining Enrollment and User."""
        found: list[ColumnElement[bool]] = []
        if self.course_id is not None:
            found.append(Enrollment.course_id == self.course_id)
        if self.hired_from is not None:
            found.append(User.hire_date >= self.hired_from)
        if self.hired_to is not None:
            found.append(User.hire_date <= self.hired_to)
        return found


def _figures(rows: Iterable[Any], sign: int = 1, into: dict[int, Figures] | None = None
             ) -> dict[int, Figures]:
    result = into if into is not None else {}
    for row in rows:
        figures = Figures(*[sign * int(v or 0) for v in row[1:]])
        if row[0] in result:
            result[row[0]].add(figures)
        else:
            result[row[0]] = figures
    return result


def department_figures(filters: Filters, departments: Collection[int] | None = None
                       ) -> dict[int, Figures]:
    """Each department's own figures (not its subtree) as of the filters' day; only
    those of `departments` when given (a drill-down reads its subtree's rows, not all)."""
    def only(column: Any) -> list[ColumnElement[bool]]:
        return [] if departments is None else [column.in_(sorted(departments))]

    if filters.live:
        rows = figures_on(filters.as_of, (filters.hired_from, filters.hired_to)).subquery()
        query = (select(rows.c.department_id, *[func.sum(rows.c[m]) for m in METRICS])
                 .where(_course(rows.c.course_id, filters, summed=False),
                        *only(rows.c.department_id))
                 .group_by(rows.c.department_id))
        return _figures(db.session.execute(query))
    T, D = RollupTotal, RollupDay
    totals = (select(T.department_id, *[func.sum(getattr(T, m)) for m in METRICS])
              .where(_course(T.course_id, filters), *only(T.department_id))
              .group_by(T.department_id))
    later = (select(D.department_id, *[func.sum(getattr(D, m)) for m in METRICS])
             .where(D.day > filters.as_of, _course(D.course_id, filters), *only(D.department_id))
             .group_by(D.department_id))
    result = _figures(db.session.execute(totals))
    return _figures(db.session.execute(later), -1, result)


def _course(column: Any, filters: Filters, summed: bool = True) -> Any:
    """The rows to add up: a department's all-courses row, or its members and one course."""
    if filters.course_id is None:
        return column == ALL_COURSES if summed else column != ALL_COURSES
    return column.in_((MEMBERS_ROW, filters.course_id))


@dataclass
class Row:
    id: int
    name: str
    code: str
    depth: int
    own: Figures
    figures: Figures  # the whole subtree
    masked: bool
    has_children: bool
    expanded: bool


@dataclass
class Dashboard:
    rows: list[Row]
    chart: list[Row]
    total: Figures
    total_masked: bool
    filters: Filters
    root: Node | None
    breadcrumbs: list[Node]
    threshold: int


def is_masked(scope: Scope, figures: Figures, filters: Filters) -> bool:
    """Too few learners behind a figure to show it without pointing at someone."""
    group = figures.enrolled if filters.course_id is not None else figures.members
    return not scope.unmasked and group < privacy_threshold()


def dashboard(scope: Scope, filters: Filters, expanded: set[int] | None = None,
              tree: Tree | None = None) -> Dashboard:
    """Rows of the visible tree in order; `expanded` None opens the first two levels."""
    tree = tree or department_tree()
    roots = list(scope.roots)
    root_node = None
    if filters.department_id is not None:
        if filters.department_id not in tree.nodes or not scope.can_see(filters.department_id):
            raise ReportAccessError("department outside the viewer's scope")
        roots = [filters.department_id]
        root_node = tree.nodes[filters.department_id]
        below = tree.subtree(filters.department_id)
        own = department_figures(filters, below if len(below) < len(tree.nodes) else None)
    else:
        own = department_figures(filters)
    subtree: dict[int, Figures] = {}

    def total_of(department_id: int) -> Figures:
        if department_id not in subtree:
            figures = Figures()
            figures.add(own.get(department_id, Figures()))
            for child in tree.nodes[department_id].children:
                figures.add(total_of(child))
            subtree[department_id] = figures
        return subtree[department_id]

    rows: list[Row] = []

    def visit(department_id: int, depth: int) -> None:
        node = tree.nodes[department_id]
        opened = (depth < 1) if expanded is None else department_id in expanded
        figures = total_of(department_id)
        rows.append(Row(node.id, node.name, node.code, depth,
                        own.get(department_id, Figures()), figures,
                        is_masked(scope, figures, filters), bool(node.children),
                        opened and bool(node.children)))
        if opened:
            for child in node.children:
                visit(child, depth + 1)

    for root in roots:
        visit(root, 0)
    total = Figures()
    for root in roots:
        total.add(total_of(root))
    unplaced = own.get(NO_DEPARTMENT)
    if scope.everything and filters.department_id is None and unplaced and unplaced.members:
        rows.append(Row(NO_DEPARTMENT, "", "", 0, unplaced, unplaced,
                        is_masked(scope, unplaced, filters), False, False))
        total.add(unplaced)
    chart_ids = (tree.nodes[roots[0]].children if len(roots) == 1 and tree.nodes[roots[0]].children
                 else roots)
    by_id = {row.id: row for row in rows}
    chart = [by_id.get(i) or Row(i, tree.nodes[i].name, tree.nodes[i].code, 1,
                                 own.get(i, Figures()), total_of(i),
                                 is_masked(scope, total_of(i), filters),
                                 bool(tree.nodes[i].children), False)
             for i in chart_ids]
    crumbs = ([tree.nodes[i] for i in reversed(tree.ancestors(root_node.id))
               if scope.can_see(i)] if root_node else [])
    return Dashboard(rows, chart, total, is_masked(scope, total, filters), filters, root_node,
                     crumbs, privacy_threshold())


def courses_for_filter() -> list[Course]:
    return list(db.session.scalars(select(Course).where(Course.status != "draft")
                                   .order_by(Course.title)))
