"""An export job in a real browser, in Chinese: asked for on the dashboard, its progress
followed live (JavaScript) or by the page's own refresh (no JavaScript), then downloaded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from authoring.content_import import import_content
from demo.activity import seed_activity
from demo.service import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import login

CONTENT = Path(__file__).resolve().parents[2] / "content"
SCREENS = Path(os.environ.get("RELAY_SCREENS", "/work/notes/screens"))


@pytest.fixture
def job_server(app, serve):
    """The demo company on a live server where every raw list is a job, written by the
    default runner (a `flask reports work` process per job)."""
    import_content(CONTENT)
    seed_demo()
    seed_activity()
    return serve(EXPORT_STREAM_MAX_ROWS=10, EXPORT_RUNNER="process")


def shoot(page, name: str) -> None:
    if SCREENS.is_dir():
        page.screenshot(path=str(SCREENS / name), full_page=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["live", "no-js"])
def test_hr_asks_for_a_big_export_watches_it_and_downloads_it(job_server, browser,
                                                                javascript):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(30_000)
    login(page, job_server, "hr@example.com", DEMO_PASSWORD)
    page.goto(f"{job_server}/reports")
    if javascript:
        shoot(page, "23-export-dashboard-zh.png")
    page.get_by_role("button", name="Excel (XLSX)").click()
    page.wait_for_url("**/reports/exports/*")
    assert page.title().startswith("导出 #")
    # no reload by the test: the script (or the no-JS refresh) brings the finished state
    page.get_by_text("已完成", exact=True).wait_for()
    shoot(page, f"23-export-job-done-{'js' if javascript else 'nojs'}-zh.png")
    text = page.locator(".export-state").inner_text()
    written, expected = [int(n.replace(",", "")) for n in text.split("已写入")[1].split("行")[0]
                         .split("/")]
    assert written == expected > 10
    with page.expect_download() as download:
        page.get_by_role("link", name="下载").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto(f"{job_server}/reports/exports")
    assert page.locator("table.data tbody tr").count() >= 1
    if javascript:
        shoot(page, "23-export-list-zh.png")
    context.close()
