"""The quiz flow and lesson pages in Chromium, in Chinese (issue 14): the summary and
the confirm step, the countdown in the learner's time zone, an answer error kept
beside its question, the lesson outline. Screenshots go to /work/notes/screens/."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import clock
from authoring.content_import import CourseSource, ItemSource, apply_content
from courses.content import LessonSource
from extensions import db
from quizzes.models import Attempt
from tests.browser.conftest import login
from tests.factories import single_choice

SCREENS = Path("/work/notes/screens")
NUMBER = {"key": "n", "type": "numerical", "prompt": "交接单要在几天内确认？", "points": 1,
          "data": {"answers": [{"value": 3, "weight": 100}]}}
MATCHING = {"key": "m", "type": "matching", "prompt": "把部门和它负责的事连起来。", "points": 1,
            "data": {"pairs": [{"left": "人事部", "right": "工资"},
                               {"left": "IT 部", "right": "电脑"}]}}


def shot(page, name: str) -> None:
    if SCREENS.is_dir():
        page.screenshot(path=str(SCREENS / f"14b-{name}.png"), full_page=True)


@pytest.fixture
def zh(browser):
    """A Chinese browser in Shanghai's time zone."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def learner(make, email: str, **settings):
    questions = [single_choice("a"), NUMBER, MATCHING]
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=questions,
                                                          shuffle_questions=False, **settings)])
    user = make.user(email)
    user.locale = "zh_CN"
    db.session.commit()
    return user


def start(page, base: str) -> None:
    page.goto(f"{base}/quizzes/q")
    page.click("form[action$='/start'] button")
    page.wait_for_url("**/attempts/*")


def test_confirm_step_and_summary_then_back_button_shows_a_closed_attempt(make, live_server, zh):
    learner(make, "s@example.com")
    login(zh, live_server, "s@example.com")
    start(zh, live_server)
    zh.check("#question-0 input[type=radio] >> nth=0")
    zh.wait_for_selector("#question-0 .save-status:has-text('已保存')")
    # one row of two: partly answered (a row's select is named by the attempt's token)
    zh.select_option("#question-2 select >> nth=0", index=1)
    zh.wait_for_selector("#question-2 .save-status:has-text('已保存')")
    zh.click("button:has-text('检查并提交')")
    dialog = zh.locator("dialog.submit-confirm")
    assert dialog.is_visible()
    counts = {state: dialog.locator(f"[data-count={state}]").inner_text()
              for state in ("answered", "incomplete", "unanswered")}
    assert counts == {"answered": "1", "incomplete": "1", "unanswered": "1"}
    shot(zh, "confirm-dialog")
    dialog.locator("button:has-text('查看答题概览')").click()
    zh.wait_for_url("**/summary")
    states = zh.locator(".summary-table tbody tr td:nth-child(2)").all_inner_texts()
    assert states == ["已作答", "未作答", "部分作答"]
    shot(zh, "summary")
    zh.click("a:has-text('第 2 题')")  # back to the question, on its page
    zh.wait_for_url(re.compile(r".*/attempts/\d+\?page=1#question-1$"))
    zh.fill("#q1", "3")
    zh.wait_for_selector("#question-1 .save-status:has-text('已保存')")
    zh.go_back()
    zh.wait_for_url("**/summary")
    assert zh.locator(".summary-table tbody tr td:nth-child(2)").all_inner_texts() == [
        "已作答", "已作答", "部分作答"]  # no-store: asked again, not the cached page
    zh.click("button:has-text('提交全部答案')")
    zh.wait_for_url("**/review")
    zh.go_back()  # the summary again, now for a closed attempt
    zh.wait_for_selector("text=本次作答已结束")
    assert zh.locator("main input[name^=q], main button[value=submit]").count() == 0
    shot(zh, "closed-after-back")


def test_without_javascript_the_button_opens_the_summary(make, live_server, browser):
    learner(make, "n@example.com")
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, "n@example.com")
    start(page, live_server)
    page.click("button:has-text('检查并提交')")
    page.wait_for_url("**/summary")
    assert page.locator(".summary-table tbody tr").count() == 3
    page.click("button:has-text('提交全部答案')")
    page.wait_for_url("**/review")
    context.close()


def move_deadline(seconds: float) -> None:
    attempt = db.session.scalar(select(Attempt))
    attempt.deadline = clock.utcnow() + timedelta(seconds=seconds)
    attempt.submit_until = attempt.deadline
    db.session.commit()


def test_countdown_in_local_time_warns_then_locks_the_page(make, live_server, zh):
    learner(make, "t@example.com", time_limit_minutes=10)
    login(zh, live_server, "t@example.com")
    start(zh, live_server)
    deadline = db.session.scalar(select(Attempt.deadline))
    db.session.commit()
    local = (deadline + timedelta(hours=8)).strftime("%H:%M")  # Shanghai is UTC+8
    shown = zh.inner_text("time[data-local-time]")
    assert local in shown and "UTC" not in shown
    assert re.fullmatch(r"\d+:\d\d", zh.inner_text("[data-clock]"))
    move_deadline(299)
    zh.reload()
    zh.wait_for_selector("[data-countdown-alert]:has-text('剩余时间不足 5 分钟')")
    shot(zh, "countdown-5min")
    move_deadline(4)
    zh.reload()
    zh.wait_for_selector("[data-countdown-alert]:has-text('剩余时间不足 1 分钟')")
    zh.wait_for_selector("[data-countdown-alert]:has-text('时间到')", timeout=10_000)
    assert zh.is_disabled("#question-0 input[type=radio] >> nth=0") and zh.is_disabled("#q1")
    assert zh.is_disabled("button:has-text('保存答案')")
    assert zh.locator("[data-time-up-box]").is_visible()
    shot(zh, "countdown-time-up")
    zh.click("button:has-text('提交并查看结果')")
    zh.wait_for_url("**/review")


def test_a_refused_answer_stays_beside_its_question_with_what_was_typed(make, live_server, zh):
    learner(make, "v@example.com")
    login(zh, live_server, "v@example.com")
    start(zh, live_server)
    choice = zh.locator("#question-0 input[type=radio]").nth(1)
    choice.check()
    chosen = choice.get_attribute("value")  # the attempt's token, not an authored index
    zh.wait_for_selector("#question-0 .save-status:has-text('已保存')")
    zh.fill("#q1", "三天")
    zh.wait_for_selector("#question-1 .save-status.error:has-text('不是数字')")
    zh.reload()  # what was typed, and why it was refused, outlive a reload
    assert zh.input_value("#q1") == "三天"
    assert "「三天」不是数字" in zh.inner_text("#question-1 .question-error")
    attempt_page = zh.url
    zh.goto(attempt_page.split("?")[0] + "/summary")
    states = zh.locator(".summary-table tbody tr td:nth-child(2)").all_inner_texts()
    assert states[1] == "答案无效，未保存"
    shot(zh, "summary-invalid")
    zh.goto(attempt_page)
    zh.click("button:has-text('检查并提交')")
    dialog = zh.locator("dialog.submit-confirm")
    assert dialog.locator("[data-count=invalid]").inner_text() == "1"
    dialog.locator("button:has-text('查看答题概览')").click()  # posts the page: refused
    zh.wait_for_selector(".error-summary")
    # the page is refilled from what was posted: the same option, by its token, stays chosen
    assert not chosen.isdigit()
    assert zh.locator("#question-0 input[type=radio]:checked").get_attribute("value") == chosen
    error = zh.locator("#question-1 .question-error")
    assert "「三天」不是数字" in error.inner_text()
    assert zh.input_value("#q1") == "三天"
    assert not re.search(r"[A-Za-z]{3,}", zh.inner_text(".error-summary"))
    shot(zh, "error-beside-question")
    zh.fill("#q1", "3")
    zh.press("#q1", "Enter")  # Enter saves the page (the form's first, hidden button)
    zh.wait_for_selector(".flash-success")
    assert re.search(r"/attempts/\d+\?page=1$", zh.url)  # still taking it, not submitted
    assert zh.locator(".question-error").count() == 0 and zh.input_value("#q1") == "3"


LESSON = """# 交接清单

交接之前，把下面的命令发给接收方：

```
git log --oneline | head -3
```

![流程图](/static/favicon.svg){: width="3000" }
"""


def test_lesson_shows_its_place_and_readable_code_on_a_phone(make, live_server, browser):
    apply_content([CourseSource("handoff", "交接课程", None, "摘要", 10, [
        ItemSource(LessonSource("one", "第一课", "# 第一课\n\n正文。", 1)),
        ItemSource(LessonSource("two", "交接清单", LESSON, 2)),
        ItemSource(make.quiz_source("q"))])])
    user = make.user("p@example.com")
    user.locale = "zh_CN"
    db.session.commit()
    for name, width in (("lesson-desktop", 1100), ("lesson-phone", 390)):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        login(page, live_server, "p@example.com")
        page.goto(f"{live_server}/courses/handoff")
        page.click("a:has-text('交接清单')")
        page.wait_for_load_state("domcontentloaded")  # the deferred outline script has run
        assert "第 2 步，共 3 步" in page.inner_text("article")
        outline_open = page.evaluate("document.querySelector('details.lesson-outline').open")
        assert outline_open == (width > 640)  # folded on a phone, open beside the lesson
        colours = page.evaluate("""() => {
            const code = getComputedStyle(document.querySelector('.prose pre code'));
            const pre = getComputedStyle(document.querySelector('.prose pre'));
            return [code.color, code.backgroundColor, pre.backgroundColor]; }""")
        assert colours[0] != colours[2] and colours[1] in ("rgba(0, 0, 0, 0)", colours[2])
        image = page.evaluate("""() => ['.prose img', '.prose'].map(
            (selector) => document.querySelector(selector).getBoundingClientRect().width)""")
        assert 0 < image[0] <= image[1]
        assert page.evaluate("document.documentElement.scrollWidth") == width
        shot(page, name)
        if width > 640:  # once: then the lesson is read
            page.click("button:has-text('标记为已读并继续')")
            page.wait_for_url("**/quizzes/q")
            assert "已标记为已读。下一步：" in page.inner_text(".flashes")
        context.close()
