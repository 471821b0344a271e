"""HR previews who gets which reminder, then sends them from the web, once a day."""

from __future__ import annotations

from sqlalchemy import func, select

from extensions import db
from reports.models import OutboxMessage
from tests.factories import PASSWORD
from tests.reports.test_reminders import headed  # noqa: F401  (fixture)


def signed_in(app, make, email: str, roles: tuple[str, ...]):
    make.user(email, roles=roles)
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


def outbox_size() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_preview_names_everyone_in_their_language_and_sends_nothing(app, headed, make):  # noqa: F811
    headed.people["cat"].locale = "zh_CN"
    db.session.commit()
    hr = signed_in(app, make, "hr@example.com", ("hr",))
    page = hr.get("/reports/reminders?within_days=0").get_data(as_text=True)
    assert "6 messages will go out." in page and "Send 6 messages" in page
    for email in ("ann", "bob", "cat", "dan", "eve", "head"):
        assert f"{email}@example.com" in page
    assert "入职培训" in page or "逾期" in page  # cat's reminder is written in Chinese
    assert "Onboarding digest: " in page  # the head's digest, in English
    assert outbox_size() == 0


def test_send_then_the_preview_shows_them_sent(app, headed, make):  # noqa: F811
    hr = signed_in(app, make, "hr@example.com", ("hr",))
    sent = hr.post("/reports/reminders", data={"within_days": "0"})
    assert sent.status_code == 302 and "within_days=0" in sent.headers["Location"]
    assert outbox_size() == 6
    page = hr.get(sent.headers["Location"]).get_data(as_text=True)
    assert "0 sent, 6 held in the outbox" in page
    assert page.count("Already sent today") == 6 and "send-reminders" not in page
    hr.post("/reports/reminders", data={"within_days": "0"})
    assert outbox_size() == 6  # nobody gets the same reminder twice a day


def test_only_hr_and_admins_and_bad_windows_are_named(app, headed, make):  # noqa: F811
    trainer = signed_in(app, make, "t@example.com", ("trainer",))
    assert trainer.get("/reports/reminders").status_code == 403
    assert trainer.post("/reports/reminders", data={"within_days": "0"}).status_code == 403
    admin = signed_in(app, make, "a@example.com", ("admin",))
    bad = admin.get("/reports/reminders?within_days=999")
    assert bad.status_code == 400 and "Number must be between 0 and 365." in bad.get_data(
        as_text=True)
    refused = admin.post("/reports/reminders", data={"within_days": "-1"})
    assert refused.status_code == 302 and outbox_size() == 0
