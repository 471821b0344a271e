"""Department figures against the hand-computed company in conftest.py."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from accounts import service as accounts
from accounts.tree import department_tree
from extensions import db
from reports import maintenance, service
from reports.learners import completions_by_former_members, department_learners
from reports.service import Figures, Filters, Scope

# (members, enrolled, completed, in progress, not started, overdue): own rows, then subtrees
AS_OF = {
    0: {"sales": (1, 2, 1, 1, 0, 1), "east": (1, 3, 2, 0, 1, 1),
        "finance": (3, 3, 0, 1, 2, 2), "acme": (0, 0, 0, 0, 0, 0)},
    # bob is in progress, his due day T-2 is not yet overdue; cat not yet overdue either
    -2: {"sales": (1, 2, 1, 1, 0, 1), "east": (1, 3, 1, 1, 1, 1),
         "finance": (3, 3, 0, 1, 2, 1), "acme": (0, 0, 0, 0, 0, 0)},
    # bob completed on T-1: completed at the end of that day, never overdue; cat due T-1
    -1: {"sales": (1, 2, 1, 1, 0, 1), "east": (1, 3, 2, 0, 1, 1),
         "finance": (3, 3, 0, 1, 2, 1), "acme": (0, 0, 0, 0, 0, 0)},
    # dan's due day is T: overdue from T+1
    1: {"sales": (1, 2, 1, 1, 0, 1), "east": (1, 3, 2, 0, 1, 1),
        "finance": (3, 3, 0, 1, 2, 3), "acme": (0, 0, 0, 0, 0, 0)},
    # before bob, cat and dan were hired; eve counts where she is now (finance) for sec
    -22: {"sales": (1, 2, 1, 0, 1, 0), "east": (0, 1, 1, 0, 0, 0),
          "finance": (1, 1, 0, 0, 1, 0), "acme": (0, 0, 0, 0, 0, 0)},
}
SUBTREES = {
    0: {"sales": (2, 5, 3, 1, 1, 2), "acme": (5, 8, 3, 2, 3, 4)},
    -2: {"sales": (2, 5, 2, 2, 1, 2), "acme": (5, 8, 2, 3, 3, 3)},
    -22: {"sales": (1, 3, 2, 0, 1, 0), "acme": (2, 4, 2, 0, 2, 0)},
}


def everything() -> Scope:
    return Scope(True, tuple(department_tree().roots), frozenset(), True, True)


def shape(f: Figures) -> tuple[int, ...]:
    return (f.members, f.enrolled, f.completed, f.in_progress, f.not_started, f.overdue)


def rows_by_code(company, offset: int, **filters) -> dict[str, service.Row]:
    tree = department_tree()
    board = service.dashboard(everything(), Filters(company.day(offset), **filters),
                              set(tree.nodes), tree)
    return {row.code: row for row in board.rows}


@pytest.mark.parametrize("offset", sorted(AS_OF))
def test_own_figures_as_of_each_day(company, offset):
    rows = rows_by_code(company, offset)
    assert {code: shape(rows[code].own) for code in AS_OF[offset]} == AS_OF[offset]


@pytest.mark.parametrize("offset", sorted(SUBTREES))
def test_subtree_totals(company, offset):
    rows = rows_by_code(company, offset)
    assert {code: shape(rows[code].figures) for code in SUBTREES[offset]} == SUBTREES[offset]


def test_average_best_quiz_score_follows_the_as_of_day(company):
    today = rows_by_code(company, 0)
    # ann's best is 100% (50% first), cat has 50%: acme averages the two learners
    assert today["sales"].figures.average_score == 1.0
    assert today["finance"].figures.average_score == 0.5
    assert today["acme"].figures.average_score == 0.75
    assert today["east"].figures.average_score is None
    before_retake = rows_by_code(company, -22)
    assert before_retake["sales"].figures.average_score == 0.5
    assert before_retake["acme"].figures.average_score == 0.5


def test_completion_rate(company):
    rows = rows_by_code(company, 0)
    assert rows["acme"].figures.completion_rate == pytest.approx(3 / 8)
    assert rows["east"].figures.completion_rate == pytest.approx(2 / 3)


def test_course_filter(company):
    rows = rows_by_code(company, 0, course_id=company.sec.id)
    # sec: ann in progress (overdue), bob and eve not started (overdue); eve's counts in finance
    assert shape(rows["sales"].figures) == (2, 2, 0, 1, 1, 2)
    assert shape(rows["finance"].own) == (3, 1, 0, 0, 1, 1)


def test_hire_date_filter_is_computed_live_and_agrees(company):
    rows = rows_by_code(company, 0, hired_from=company.day(-12), hired_to=company.day(-10))
    # bob (east), cat and dan (finance) only
    assert shape(rows["acme"].figures) == (3, 4, 1, 1, 2, 2)
    assert shape(rows["east"].own) == (1, 2, 1, 0, 1, 1)
    everyone = rows_by_code(company, 0, hired_from=company.day(-100))
    assert shape(everyone["acme"].figures) == SUBTREES[0]["acme"]


def test_department_filter_roots_the_tree(company):
    tree = department_tree()
    board = service.dashboard(everything(), Filters(company.T, department_id=company.depts[
        "sales"].id), None, tree)
    assert [row.code for row in board.rows] == ["sales", "east"]
    assert shape(board.total) == SUBTREES[0]["sales"]
    assert [row.code for row in board.chart] == ["east"]


def test_rollups_equal_a_fresh_group_by_after_the_story(company):
    assert maintenance.check() == []
    before = {code: (shape(r.figures), r.figures.score_sum) for code, r in
              rows_by_code(company, -2).items()}
    maintenance.rebuild()
    after = {code: (shape(r.figures), r.figures.score_sum) for code, r in
             rows_by_code(company, -2).items()}
    assert after == before
    assert maintenance.check() == []


def test_deactivating_a_learner_updates_the_rollups(company):
    dan = company.people["dan"]
    dan.active = False
    db.session.commit()
    assert shape(rows_by_code(company, 0)["finance"].own) == (2, 2, 0, 1, 1, 2)
    accounts.transfer_user(company.people["cat"], company.depts["sales"])
    rows = rows_by_code(company, 0)
    assert shape(rows["finance"].own) == (1, 1, 0, 0, 1, 1)
    # cat keeps onb (open, so it moves with her) and gains sec, enrolled today, already late
    assert shape(rows["sales"].own) == (2, 4, 1, 2, 1, 3)
    assert maintenance.check() == []


def test_check_finds_a_change_made_behind_the_orm_and_rebuild_repairs_it(company):
    enrollment = company.enrollment("dan", company.onb)
    db.session.execute(text("UPDATE enrollments SET completed_at = enrolled_at, "
                            "completed_department_id = :dept WHERE id = :id"),
                       {"id": enrollment.id, "dept": company.depts["finance"].id})
    db.session.commit()
    problems = maintenance.check()
    assert problems and any("report_rollups" in p for p in problems)
    maintenance.rebuild()
    assert maintenance.check() == []
    assert shape(rows_by_code(company, 0)["finance"].own)[2] == 1


def test_drill_down_lists_current_members_with_status(company):
    tree = department_tree()
    page = department_learners(everything(), tree, company.depts["finance"].id,
                               Filters(company.T))
    got = [(r.name, r.course_title, r.status, r.days_overdue, r.completed_in) for r in page.rows]
    assert got == [
        ("Cat", "Course onb", "in_progress", 1, None),
        ("Dan", "Course onb", "not_started", 0, None),
        ("Eve", "Course onb", "completed", 0, "East"),
        ("Eve", "Course sec", "not_started", 5, None),
    ]
    late = department_learners(everything(), tree, company.depts["finance"].id,
                               Filters(company.T), status="overdue")
    assert [(r.name, r.days_overdue) for r in late.rows] == [("Cat", 1), ("Eve", 5)]
    earlier = department_learners(everything(), tree, company.depts["finance"].id,
                                  Filters(company.day(-2)), status="overdue")
    assert [(r.name, r.days_overdue) for r in earlier.rows] == [("Eve", 3)]


def test_drill_down_pages_by_learner_with_all_their_courses(company):
    tree = department_tree()
    pages = [department_learners(everything(), tree, company.depts["finance"].id,
                                 Filters(company.T), page=n, per_page=2) for n in (1, 2, 9)]
    assert [(p.total, p.page, p.pages) for p in pages] == [(3, 1, 2), (3, 2, 2), (3, 2, 2)]
    assert [r.name for r in pages[0].rows] == ["Cat", "Dan"]
    assert [(r.name, r.course_title) for r in pages[1].rows] == [
        ("Eve", "Course onb"), ("Eve", "Course sec")]  # a learner is never split


def test_drill_down_counts_completions_of_people_who_moved_away(company):
    filters = Filters(company.T)
    assert completions_by_former_members(company.depts["east"].id, filters) == 1
    assert completions_by_former_members(company.depts["finance"].id, filters) == 0


def test_live_computation_agrees_with_the_rollups_on_every_day(company):
    """The hire-filter path reads the sources directly; both must tell the same story."""
    for offset in range(-42, 3):
        day = company.day(offset)
        rolled = service.department_figures(Filters(day))
        live = service.department_figures(Filters(day, hired_from=company.day(-400)))
        assert {k: v for k, v in live.items() if v != Figures()} == {
            k: v for k, v in rolled.items() if v != Figures()}, day


def test_deleting_a_learner_or_a_course_keeps_the_rollups_true(company):
    db.session.delete(company.people["dan"])
    db.session.commit()
    assert maintenance.check() == []
    assert shape(rows_by_code(company, 0)["finance"].own) == (2, 2, 0, 1, 1, 2)
    db.session.delete(company.onb)  # its quiz, attempts and answers go with it
    db.session.commit()
    assert maintenance.check() == []
    rows = rows_by_code(company, 0)
    assert shape(rows["acme"].figures) == (4, 3, 0, 1, 2, 3)  # sec only: ann, bob, eve
    assert rows["acme"].figures.average_score is None


def test_subtree_depths_agree_with_ancestors(company):
    tree = department_tree()
    for root in tree.roots:
        walked = tree.subtree_depths(root)
        assert [d for d, _ in walked] == tree.subtree(root)
        assert all(depth == len(tree.ancestors(d)) for d, depth in walked)
    assert any(depth > 1 for root in tree.roots for _, depth in tree.subtree_depths(root))
