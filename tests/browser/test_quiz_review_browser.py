"""The review in Chromium, in zh-CN: marks a learner can read without colour."""

import os

from tests.browser.conftest import login
from tests.quizzes.test_review import QUESTIONS

# RELAY_SCREENSHOTS=<folder> keeps the pages for a person to look at.
SCREENS = os.environ.get("RELAY_SCREENSHOTS")


def test_review_marks_choices_unanswered_and_the_marking_guide_in_chinese(make, browser,
                                                                          live_server):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=QUESTIONS)])
    make.user("r@example.com")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "r@example.com")
    page.goto(f"{live_server}/quizzes/q")
    page.click("form[action$='/start'] button")
    page.wait_for_url("**/attempts/*")
    if SCREENS:
        page.screenshot(path=f"{SCREENS}/14a-attempt-zh.png", full_page=True)
    # the wrong option, the false statement, a wrong pairing; ordering left unanswered
    page.locator("#question-0").get_by_label("发到群里", exact=True).check()
    page.locator("#question-1").get_by_label("错", exact=True).check()
    page.locator("#q2").fill("内部客户")
    page.locator("#question-3 select").nth(0).select_option(label="报销")
    page.click("button[value=next]")  # five questions a page: the essay is on the second
    page.wait_for_selector("#question-5")
    page.locator("#question-5 textarea").fill("我会当面交接，\n再确认对方用得上。")
    page.click("button[data-confirm-submit]")  # the confirm step, then submit
    page.click("dialog.submit-confirm button[value=submit]")
    page.wait_for_url("**/review")
    if SCREENS:
        page.screenshot(path=f"{SCREENS}/14a-review-zh.png", full_page=True)

    choice = page.locator("#question-0")
    wrong = choice.locator(".review-option.chosen.wrong")
    assert "✗" in wrong.inner_text() and "你的选择" in wrong.inner_text()
    assert "正确答案" in choice.locator(".review-option.correct").inner_text()
    # the chosen wrong option is set apart by more than colour: a thicker red border too
    assert wrong.evaluate("e => getComputedStyle(e).borderTopWidth") == "2px"
    assert "未作答" in page.locator("#question-4 .verdict").inner_text()
    assert "True" not in page.inner_text("main") and "False" not in page.inner_text("main")
    assert "*条件客户*" not in page.inner_text("main")
    guide = page.locator("#question-5 .marking-guide")
    assert guide.inner_text().splitlines()[:2] == ["交接前：提醒对方", "交接后：确认可用"]
    context.close()
