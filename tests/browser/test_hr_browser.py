"""HR in a real browser, in Chinese: dashboard, drill-down, transcript, CSV export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from authoring.content_import import import_content
from demo.activity import seed_activity
from demo.service import DEMO_PASSWORD, seed_demo
from extensions import db
from tests.browser.conftest import login

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_hr_follows_a_department_down_to_a_learner_and_exports(app, live_server, browser):
    import_content(CONTENT)
    seed_demo()
    seed_activity()
    db.session.commit()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "hr@example.com", DEMO_PASSWORD)

    page.goto(f"{live_server}/reports?open=all")
    assert page.title().startswith("各部门入职培训")
    assert page.locator("figure.report-chart svg rect").count() > 6  # bars drawn on the server
    page.get_by_role("link", name="财务部", exact=True).first.click()
    page.wait_for_url("**/reports/departments/**")
    assert page.locator("table.data tbody tr").count() > 0
    page.locator("table.data tbody tr td a").first.click()  # a learner's transcript
    page.wait_for_url("**/reports/learners/**")
    assert "学习记录" in page.title() and page.get_by_text("财务部").count() > 0

    page.goto(f"{live_server}/reports")
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV").click()  # the raw enrollment list (a POST)
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 100 and "@example.com" in rows[1][1]
    assert rows[-1] == [f"导出结束：共 {len(rows) - 2} 行"]  # a whole file states its count
    context.close()


def test_report_pages_fit_a_phone_screen(app, live_server, browser):
    import_content(CONTENT)
    seed_demo()
    seed_activity()
    db.session.commit()
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 800})
    page = context.new_page()
    login(page, live_server, "hr@example.com", DEMO_PASSWORD)
    widths = {}
    for path in ("/reports?open=all", "/reports/concepts", "/reports/quizzes"):
        page.goto(f"{live_server}{path}")
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    # wide tables scroll inside themselves (the concept heatmap is some 2,000 px)
    assert set(widths.values()) == {390}, widths
