"""The demo's rollout data: one past contest with results, answered questions, a briefing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from authoring.content_import import import_content
from demo.activity import seed_activity
from demo.rollouts import seed_rollouts
from demo.service import seed_demo
from extensions import db
from rollouts import contests
from rollouts.models import Briefing, BriefingReceipt, Contest, LessonQuestion

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_demo_seeds_a_past_contest_questions_and_a_briefing_once(app):
    import_content(CONTENT)
    seed_demo()
    seed_activity()
    assert seed_rollouts() is True
    (contest,) = db.session.scalars(select(Contest)).all()
    assert contests.phase(contest) == "over"
    board = contests.leaderboard(contest)
    assert board.participants > 10 and board.top
    assert len(contests.ranking(contest)) == board.participants  # every entry handed in
    answered = db.session.scalars(select(LessonQuestion)).all()
    assert len(answered) == 3 and all(q.answered_at for q in answered)
    assert sum(q.published for q in answered) == 2
    assert db.session.scalar(select(func.count(Briefing.id))) == 1
    assert db.session.scalar(select(func.count(BriefingReceipt.id))) >= 1
    assert seed_rollouts() is False
