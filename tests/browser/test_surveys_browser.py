"""In zh-CN: employees answer the survey in Chromium, then the finance head reads the
scorecard and HR the matrix. Screenshots go to /work/notes/screens/21-*.png."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from extensions import db
from surveys import service
from tests.browser.conftest import login
from tests.surveys.conftest import (
    company,  # noqa: F401  (fixture)
    open_cycle,
)

SCREENS = Path("/work/notes/screens")


def shot(page, name: str) -> None:
    if SCREENS.is_dir():
        page.screenshot(path=str(SCREENS / f"21-{name}.png"), full_page=True)


def answer(page, base: str, email: str, finance_id: int, overall: str,
           comment: str, first: bool = False) -> None:
    login(page, base, email)
    task = page.locator(".survey-task a").first
    if first:
        shot(page, "home-task")
    task.click()
    page.check(f"input[name=suppliers][value='{finance_id}']")
    page.click("input[type=submit][value='继续']")
    page.wait_for_selector(".rate-list")
    assert "你的续填码是" in page.content()
    page.click(".rate-list a")
    for radio_group in page.locator("fieldset.scale").all():
        radio_group.locator("input[type=radio]").nth(int(overall) - 1).check()
    page.check(f"input[name=overall][value='{overall}']")
    page.check("input[name=recommend][value='9']")
    page.fill("textarea[name=comment]", comment)
    if first:
        shot(page, "answer")
    page.click("input[type=submit][value='保存答案']")
    page.wait_for_selector(".badge-done")
    if first:
        shot(page, "take")
    page.context.clear_cookies()


def test_employees_answer_and_the_head_reads_the_scorecard(live_server, browser, company,  # noqa: F811
                                                             today):
    service.save_pledge(company.hr, company.finance.id, "审核报销单据", "三个工作日内审核完毕")
    cycle = open_cycle(company, today)
    cycle_id, finance_id, closes_on = cycle.id, company.finance.id, cycle.closes_on
    raters = [p.email for p in company.it_people[:5]]
    head, hr = company.finance_head.email, company.hr.email
    db.session.commit()  # the server must not wait on this session's transaction
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        for n, email in enumerate(raters):
            answer(page, live_server, email, finance_id, str(3 + n % 3),
                   f"第{n}条意见：希望流程更透明", first=n == 0)
        # HR closes the cycle early (results exist only once it is closed)
        login(page, live_server, hr)
        page.goto(f"{live_server}/surveys/cycles/{cycle_id}")
        assert "调查结束后才显示结果" in page.content()
        page.click("button:has-text('立即结束')")
        page.wait_for_selector("text=本轮调查已结束。")
        shot(page, "cycle-hr")
        page.goto(f"{live_server}/surveys/cycles/{cycle_id}/results")
        matrix = page.content()
        assert "n=5" in matrix and "3.8" in matrix
        shot(page, "matrix-hr")
        page.context.clear_cookies()
        login(page, live_server, head)
        page.goto(f"{live_server}/surveys/cycles/{cycle_id}/scorecard/{finance_id}")
        text = page.content()
        assert "评分卡" in text and "5 人回答" in text
        assert "第0条意见：希望流程更透明" in text and "审核报销单据" in text
        assert "3.8" in text  # overall: 3, 4, 5, 3, 4
        shot(page, "scorecard-head")
        page.goto(f"{live_server}/surveys/pledges/{finance_id}")
        shot(page, "pledges")
        assert today + timedelta(days=6) == closes_on
    finally:
        context.close()
