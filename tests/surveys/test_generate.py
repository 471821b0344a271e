"""`flask demo generate --survey-respondents N` adds a big closed cycle whose figures add up."""

from __future__ import annotations

from sqlalchemy import func, select

from extensions import db
from surveys import results
from surveys.models import AnswerSet, Cycle, Participation, Rating


def test_generate_a_company_with_a_survey_cycle(app, runner):
    result = runner.invoke(args=["demo", "generate", "--learners", "40", "--courses", "1",
                                 "--survey-respondents", "300", "--survey-departments", "6"])
    assert result.exit_code == 0, result.output
    assert "300 respondents across 6 departments" in result.output
    cycle = db.session.scalar(select(Cycle))
    assert cycle.state == "closed" and len(cycle.departments) == 6
    assert db.session.scalar(select(func.count()).select_from(AnswerSet)) == 300
    assert db.session.scalar(select(Participation.user_id)) is None  # nobody to remind
    ratings = db.session.scalar(select(func.count()).select_from(Rating))
    assert 600 <= ratings <= 900
    # no one rates their own department, and the matrix counts every rating
    assert db.session.scalar(select(func.count()).select_from(Rating).where(
        Rating.supplier_id == Rating.customer_id)) == 0
    matrix = results.matrix(cycle)
    assert sum(f.n for f in matrix.values() if f.value is not None) == sum(
        n for n in (db.session.scalar(select(func.count()).select_from(Rating).where(
            Rating.supplier_id == s, Rating.customer_id == c)) for s, c in matrix)
        if n >= 5)
