"""Reminders go to those who have not started, in their language, once a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts import service as accounts
from extensions import db
from reports.models import OutboxMessage
from surveys import reminders, service
from surveys.service import SurveyError
from tests.surveys.conftest import open_cycle, rate


def test_reminders_skip_those_who_answered_and_speak_their_language(company, today, runner):
    cycle = open_cycle(company, today)
    rate(cycle, company.it_people[0], company.finance, today)
    accounts.set_locale(company.sales_people[2], "zh_CN")
    accounts.set_locale(company.sales_people[3], "en")
    result = runner.invoke(args=["surveys", "remind", str(cycle.id),
                                 "--base-url", "https://relay.example.com/"])
    assert result.exit_code == 0, result.output
    assert "held in outbox 13" in result.output  # 14 members, one has answered
    rows = {m.to_email: m for m in db.session.scalars(select(OutboxMessage))}
    assert company.it_people[0].email not in rows and company.hr.email not in rows
    assert "调查" in rows[company.sales_people[2].email].subject
    assert rows[company.sales_people[3].email].subject.startswith("Survey:")
    assert f"https://relay.example.com/surveys/cycles/{cycle.id}/take" in \
        rows[company.sales_people[3].email].body
    again = runner.invoke(args=["surveys", "remind", str(cycle.id)])
    assert "already reminded today 13" in again.output
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 13


def test_no_reminders_once_closed(company, today):
    cycle = open_cycle(company, today)
    with pytest.raises(SurveyError):
        reminders.send(cycle, today + timedelta(days=7))
    service.close_cycle(cycle)
    with pytest.raises(SurveyError):
        reminders.send(cycle, today)
    assert db.session.scalar(select(OutboxMessage.id)) is None
