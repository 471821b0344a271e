"""Reminders: the right people, once a day, through SMTP or into the outbox."""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from sqlalchemy import func, select

from extensions import db
from reports.models import OutboxMessage
from reports.reminders import send_reminders
from tests.factories import PASSWORD


@pytest.fixture
def headed(company, make):
    head = make.user("head@example.com", name="Head of Sales")
    company.depts["sales"].head_id = head.id
    db.session.commit()
    return company


def messages() -> dict[tuple[str, str], OutboxMessage]:
    return {(m.kind, m.to_email): m for m in db.session.scalars(select(OutboxMessage))}


def test_without_smtp_messages_wait_in_the_outbox(app, headed):
    report = send_reminders(headed.T, within_days=0)
    # due by today: ann, bob, eve (sec, T-5), cat (T-1), dan (T); one digest for sales' head
    held = messages()
    assert set(held) == {("learner", f"{n}@example.com") for n in
                         ("ann", "bob", "cat", "dan", "eve")} | {("digest", "head@example.com")}
    assert report.held == 6 and report.sent == 0
    assert all(m.sent_at is None for m in held.values())
    cat = held[("learner", "cat@example.com")]
    assert "1 course(s) overdue" in cat.subject
    assert f"Overdue since {headed.day(-1).isoformat()} (1 days): Course onb" in cat.body
    dan = held[("learner", "dan@example.com")]
    assert "due soon" in dan.subject and f"Due {headed.T.isoformat()}: Course onb" in dan.body
    digest = held[("digest", "head@example.com")].body
    assert "Ann (Sales)" in digest and "Bob (East)" in digest
    assert "Eve" not in digest and "Cat" not in digest  # eve moved to finance


def test_the_horizon_decides_who_is_due_soon(app, headed):
    send_reminders(headed.day(-3), within_days=1)
    # by T-2: sec (T-5) for ann, bob, eve; bob's onb (due T-2) is completed by now
    assert {email for _, email in messages()} == {"ann@example.com", "bob@example.com",
                                                  "eve@example.com", "head@example.com"}


def test_running_twice_a_day_sends_nothing_twice(app, headed):
    first = send_reminders(headed.T, within_days=3)
    second = send_reminders(headed.T, within_days=3)
    assert first.held == 6 and second.held == 0 and second.skipped == 6
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 6
    tomorrow = send_reminders(headed.day(1), within_days=3)
    assert tomorrow.held == 6


def test_completed_and_inactive_learners_get_nothing(app, headed):
    headed.people["dan"].active = False
    db.session.commit()
    send_reminders(headed.T, within_days=3)
    assert ("learner", "dan@example.com") not in messages()
    assert ("learner", "ann@example.com") in messages()  # sec is still open


def test_with_smtp_messages_are_sent_once(app, headed, smtp):
    report = send_reminders(headed.T, within_days=0)
    assert report.sent == 6 and report.held == 0
    assert sorted(m["To"] for m in smtp.received) == sorted(
        f"{n}@example.com" for n in ("ann", "bob", "cat", "dan", "eve", "head"))
    assert all(m["From"] == "relay@example.com" for m in smtp.received)
    assert all(m.sent_at is not None for m in messages().values())
    send_reminders(headed.T, within_days=0)
    assert len(smtp.received) == 6


def test_a_refused_send_is_retried_next_run(app, headed, smtp):
    smtp.refuse = True
    with pytest.raises(smtplib.SMTPException):
        send_reminders(headed.T, within_days=0)
    assert messages() == {} and smtp.received == []
    smtp.refuse = False
    assert send_reminders(headed.T, within_days=0).sent == 6
    assert len(smtp.received) == 6


def test_learners_read_their_own_language(app, headed):
    catalogue = Path(__file__).parents[2] / "translations/zh_Hans_CN/LC_MESSAGES/messages.mo"
    with open(catalogue, "rb") as handle:
        translated = read_mo(handle).get("Overdue since %(date)s (%(days)s days): %(course)s")
    if translated is None or not translated.string:
        pytest.skip("the reports strings are not in the compiled Chinese catalogue yet")
    headed.people["cat"].locale = "zh_CN"
    db.session.commit()
    send_reminders(headed.T, within_days=0)
    cat = messages()[("learner", "cat@example.com")]
    assert "Overdue since" not in cat.body and "Course onb" in cat.body


def test_command_and_outbox_page(app, headed, runner, make):
    result = runner.invoke(args=["reminders", "send", "--within-days", "0",
                                 "--today", headed.T.isoformat()])
    assert result.exit_code == 0, result.output
    assert "5 learner reminder(s), 1 digest(s): 0 sent by SMTP, 6 held" in result.output
    again = runner.invoke(args=["reminders", "send", "--within-days", "0",
                                "--today", headed.T.isoformat()])
    assert "6 already sent today" in again.output
    make.user("admin@example.com", roles=("admin",))
    client = app.test_client()
    client.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "cat@example.com" in page and "Held (no SMTP)" in page
