"""The demo seeds pledges, HR's map, one closed cycle and one open one, once."""

from __future__ import annotations

from sqlalchemy import func, select

from accounts.models import User
from demo.service import seed_demo
from extensions import db
from surveys import answers, service
from surveys.demo import seed_surveys
from surveys.models import AnswerSet, Participation, SupplierLink


def test_demo_surveys_are_seeded_once(app, today):
    seed_demo(today)
    first = seed_surveys(today)
    assert first.cycles == 2 and first.pledges == 8 and first.answered > 0
    states = sorted(service.status(c, today) for c in service.cycles())
    assert states == ["closed", "open"]
    # participation and answer sets agree in number, and nothing more joins them
    assert db.session.scalar(select(func.count()).select_from(Participation)) == \
        db.session.scalar(select(func.count()).select_from(AnswerSet)) == first.answered
    again = seed_surveys(today)
    assert (again.cycles, again.pledges, again.answered) == (0, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(SupplierLink)) == 15
    lin = db.session.scalar(select(User).where(User.email == "lin@example.com"))
    open_cycles = answers.open_tasks(lin, today)
    assert len(open_cycles) == 1 and not answers.has_taken_part(open_cycles[0], lin)
