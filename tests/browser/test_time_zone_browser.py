"""The browser's zone, in Chinese: reported at sign-in and kept for someone who has none;
reports then cut off at the end of that person's day. Without JavaScript: the school's."""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from pathlib import Path

from babel.dates import format_date

import clock
from accounts.models import User
from accounts.preferences import update_school_settings
from extensions import db
from tests.browser.conftest import login

SHOTS = Path(os.environ.get("RELAY_SCREENSHOTS", "/tmp/relay-screenshots"))


def as_of_line(day) -> str:
    return f"截至 {format_date(day, 'medium', locale='zh_CN')} 当日结束"


def zone_of(email: str) -> str | None:
    db.session.expire_all()
    zone = db.session.scalar(db.select(User.time_zone).where(User.email == email))
    db.session.commit()  # hold no transaction while the browser works (SQLite's lock)
    return zone


def test_the_browsers_zone_is_kept_at_sign_in_and_reports_follow_it(
        app, live_server, browser, make, monkeypatch):
    update_school_settings("zh_CN", "Asia/Shanghai")
    for email in ("ny@example.com", "sh@example.com", "nojs@example.com"):
        make.user(email, roles=("hr",))
    day = clock.utcnow().date()
    late = datetime.combine(day, time(23, 30))  # already 07:30 tomorrow in Shanghai
    monkeypatch.setattr(clock, "utcnow", lambda: late)
    db.session.commit()
    SHOTS.mkdir(parents=True, exist_ok=True)

    def visit(email: str, zone: str, javascript: bool = True) -> str:
        context = browser.new_context(locale="zh-CN", timezone_id=zone,
                                      java_script_enabled=javascript,
                                      viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server, email)
        page.goto(f"{live_server}/reports")
        page.screenshot(path=str(SHOTS / f"time-zone-{email.split('@')[0]}.png"),
                        full_page=True)
        text = page.locator("body").inner_text()
        context.close()
        return text

    seen = visit("ny@example.com", "America/New_York")  # 18:30 on `day` there
    assert zone_of("ny@example.com") == "America/New_York"
    assert "America/New_York (GMT-0" in seen and as_of_line(day) in seen

    seen = visit("sh@example.com", "Asia/Shanghai")  # the school's zone: not stored
    assert zone_of("sh@example.com") is None
    assert "Asia/Shanghai (GMT+08:00)" in seen and as_of_line(day + timedelta(days=1)) in seen

    seen = visit("nojs@example.com", "America/New_York", javascript=False)
    assert zone_of("nojs@example.com") is None  # nothing reported: the school's zone
    assert "Asia/Shanghai (GMT+08:00)" in seen and as_of_line(day + timedelta(days=1)) in seen
