"""Reports are cut off at the end of their reader's day, not the UTC day: at 23:30 UTC it
is already 07:30 the next morning in Shanghai, and a course due yesterday (there) is late.
Due dates are days in the school's zone: reminders and badges count from its day."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from babel.dates import format_date

import clock as relay_clock
from accounts import preferences
from accounts.models import User
from accounts.preferences import local_day, update_school_settings
from courses import progress
from extensions import db
from reports import reminders
from reports.models import OutboxMessage
from tests.reports.conftest import client_for


def late_evening_utc(company, clock) -> None:
    """The school is in Shanghai; the clock says T 23:30 UTC (T+1 07:30 in Shanghai)."""
    update_school_settings("en", "Asia/Shanghai")
    clock.now = datetime.combine(company.T, time(23, 30))


def overdue_names(client, department_id: int) -> str:
    page = client.get(f"/reports/departments/{department_id}?status=overdue")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_local_today_is_the_readers_day_else_the_schools(app, company, clock):
    late_evening_utc(company, clock)
    dan = company.people["dan"]
    assert relay_clock.today() == company.T  # the UTC day, kept for demo data and benchmarks
    assert preferences.local_today() == company.T + timedelta(days=1)
    assert preferences.local_today(dan) == company.T + timedelta(days=1)
    dan.time_zone = "UTC"
    assert preferences.local_today(dan) == company.T
    assert local_day(datetime.combine(company.T, time(15, 59))) == company.T
    assert local_day(datetime.combine(company.T, time(16, 0))) == company.T + timedelta(days=1)


def test_a_shanghai_reader_sees_and_uses_the_shanghai_day(app, staff, clock):
    late_evening_utc(staff, clock)
    finance = staff.depts["finance"].id
    admin = client_for(app, "admin@example.com")
    page = overdue_names(admin, finance)
    tomorrow = format_date(staff.T + timedelta(days=1), "medium", locale="en")
    assert f"As of the end of {tomorrow}." in page and "Asia/Shanghai" in page
    assert ">Dan</a>" in page  # due T (10 days after hire): T has ended in Shanghai
    dashboard = admin.get("/reports").get_data(as_text=True)
    assert f"As of the end of {tomorrow}." in dashboard


def test_a_reader_with_a_utc_override_sees_the_utc_day(app, staff, clock):
    late_evening_utc(staff, clock)
    admin = db.session.scalar(db.select(User).filter_by(email="admin@example.com"))
    admin.time_zone = "UTC"
    db.session.commit()
    finance = staff.depts["finance"].id
    page = overdue_names(client_for(app, "admin@example.com"), finance)
    today = format_date(staff.T, "medium", locale="en")
    assert f"As of the end of {today}." in page
    assert ">Dan</a>" not in page and ">Cat</a>" in page  # cat was due T-1: late either way


def test_reminders_and_badges_count_from_the_schools_day(app, company, clock):
    late_evening_utc(company, clock)
    dan = company.people["dan"]
    dan.time_zone = "UTC"  # the learner's own zone does not move the school's due dates
    assert progress.is_overdue(company.enrollment("dan", company.onb), preferences.local_today())
    report = reminders.send_reminders(within_days=0)
    assert report.held or report.sent
    days = set(db.session.scalars(db.select(OutboxMessage.day)))
    assert days == {company.T + timedelta(days=1)}
