"""`flask demo generate`: a realistic company whose rollups check out."""

from __future__ import annotations

from sqlalchemy import func, select

import clock
from accounts.models import Department, User
from accounts.tree import department_tree
from courses.models import Enrollment
from extensions import db
from quizzes.models import Attempt, Response
from reports import maintenance, service


def test_generate_a_small_company(app, runner, monkeypatch):
    monkeypatch.setattr("demo.generate.BATCH_USERS", 50)  # several batches and commits
    result = runner.invoke(args=["demo", "generate", "--learners", "120", "--courses", "4"])
    assert result.exit_code == 0, result.output
    assert "120 learners" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 120
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 480
    assert db.session.scalar(select(func.count()).select_from(Attempt)) > 0
    assert db.session.scalar(select(func.count()).select_from(Response)) > 0
    heads = db.session.scalar(select(func.count()).where(Department.head_id.is_not(None)))
    assert heads >= 3
    assert maintenance.check() == []
    tree = department_tree()
    scope = service.Scope(True, tuple(tree.roots), frozenset(), True, True)
    board = service.dashboard(scope, service.Filters(clock.today()), None, tree)
    assert board.total.members == 120 and board.total.enrolled == 480
    assert 0 < board.total.completed < 480 and board.total.score_n > 0
    # a second run adds another company's worth of people under the same root
    again = runner.invoke(args=["demo", "generate", "--learners", "10", "--courses", "4"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 130
    assert maintenance.check() == []
