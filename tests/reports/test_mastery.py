"""Concept mastery, misconceptions and item analysis on the company's first attempts.

ann (sales) and cat (finance) each answered q1 right and q2 with option 0 (tagged
wrong-0) on their first attempt; ann's perfect retake does not count here.
"""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from accounts.tree import department_tree
from extensions import db
from reports import maintenance, mastery
from reports.models import ConceptRollup
from reports.service import Scope
from tests.factories import PASSWORD


def login(app, email):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


def test_concept_rollups_count_first_attempts(company):
    rows = {(r.department_id, r.kind, r.tag): (r.responses, r.score_sum, r.learners)
            for r in db.session.scalars(select(ConceptRollup))}
    sales, finance = company.depts["sales"].id, company.depts["finance"].id
    assert rows == {
        (sales, "concept", "concept-a"): (2, 10000, 1),
        (sales, "misconception", "wrong-0"): (1, 0, 1),
        (finance, "concept", "concept-a"): (2, 10000, 1),
        (finance, "misconception", "wrong-0"): (1, 0, 1),
    }
    assert maintenance.check() == []


def test_heatmap_sums_subtrees_and_hides_small_groups(company):
    tree = department_tree()
    admin = Scope(True, tuple(tree.roots), frozenset(), True, True)
    heat = mastery.heatmap(admin, tree)
    assert heat.tags == ["concept-a"]
    assert heat.groups == [("Course onb", 1)]  # columns grouped under the course teaching them
    assert [(r.name, r.depth) for r in heat.rows] == [("Acme", 0), ("Finance", 1), ("Sales", 1)]
    acme = heat.rows[0]
    assert acme.cells["concept-a"].share == 0.5 and acme.cells["concept-a"].learners == 2
    assert [(tag, cell.responses) for tag, cell in acme.misconceptions] == [("wrong-0", 2)]
    hr = Scope(True, tuple(tree.roots), frozenset(), False, False)
    masked = mastery.heatmap(hr, tree)
    assert masked.rows[0].cells["concept-a"].masked and masked.rows[0].misconceptions == []


def test_heatmap_moves_with_a_transfer(company):
    from accounts import service as accounts

    accounts.transfer_user(company.people["cat"], company.depts["sales"])
    rows = {r.department_id: r.learners for r in db.session.scalars(
        select(ConceptRollup).where(ConceptRollup.kind == "concept"))}
    assert rows == {company.depts["sales"].id: 2, company.depts["finance"].id: 0}
    assert maintenance.check() == []


def test_item_analysis(company):
    stats = {s.question.key: s for s in mastery.item_analysis(company.quiz)}
    assert stats["q1"].n == 2 and stats["q1"].facility == 1.0
    assert stats["q2"].facility == 0.0
    assert stats["q1"].discrimination is None  # everyone right: nothing to separate
    assert stats["q2"].answers == [("Option 0", 2, False, "wrong-0"), ("Option 1", 0, True, None),
                                   ("Option 2", 0, False, "wrong-2")]


def test_pearson_discrimination():
    x, y = [1, 1, 0, 0], [2, 1, 1, 0]
    sums = {"n": 4, "sx": sum(x), "sxx": sum(v * v for v in x), "sy": sum(y),
            "syy": sum(v * v for v in y), "sxy": sum(a * b for a, b in zip(x, y, strict=True))}
    assert mastery.pearson(sums) == pytest.approx(1 / math.sqrt(2))


def test_pages(app, company, make):
    make.user("trainer@example.com", roles=("trainer",))
    make.user("admin@example.com", roles=("admin",))
    make.user("hr@example.com", roles=("hr",))
    admin = login(app, "admin@example.com")
    heat = admin.get("/reports/concepts").get_data(as_text=True)
    assert "concept-a" in heat and ">50%</a>" in heat and "wrong-0" in heat
    tag = admin.get(f"/reports/concepts/concept-a?department={company.depts['sales'].id}")
    assert tag.status_code == 200 and "Question q1?" in tag.get_data(as_text=True)
    trainer = login(app, "trainer@example.com")
    assert trainer.get("/reports/concepts").status_code == 200
    analysis = trainer.get("/reports/quizzes/onb-quiz").get_data(as_text=True)
    assert "Facility" in analysis and "Option 0" in analysis
    assert "onb-quiz" in trainer.get("/reports/quizzes").get_data(as_text=True)
    hr = login(app, "hr@example.com")
    assert hr.get("/reports/quizzes/onb-quiz").status_code == 403
    hr_heat = hr.get("/reports/concepts").get_data(as_text=True)
    assert ">50%</a>" not in hr_heat and "too few to show" in hr_heat
    assert login(app, "ann@example.com").get("/reports/concepts").status_code == 403
