"""A learner (zh-CN) asks a question under a lesson, then waits in a contest lobby whose
countdown (static/js/countdown.js) reloads the page at the start, joins and hands in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

import clock
from extensions import db
from rollouts import contests
from rollouts import service as questions
from tests.browser.conftest import login
from tests.factories import single_choice

SCREENS = Path("/work/notes/screens")


@pytest.fixture
def zh_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    if SCREENS.is_dir():
        page.screenshot(path=str(SCREENS / f"22-{name}.png"), full_page=True)


def test_learner_asks_a_question_and_joins_a_contest(app, make, live_server, zh_page):
    questions_ = [single_choice(f"k{i}", correct=i % 3) for i in range(4)]
    course = make.course("policy", lessons=1, quizzes=[make.quiz_source("bank",
                                                                        questions=questions_)])
    lesson, quiz_item = course.items[0], course.items[1]
    team = make.department("sales", "销售部")
    ann = make.user("ann@example.com", name="林晓", department=team)
    trainer = make.user("trainer@example.com", roles=("trainer",))
    earlier = questions.ask(make.user(department=team), lesson, "交接需要签字吗？")
    questions.answer(earlier, trainer, "不需要签字，但要**当面确认**。", publish=True)
    contest = contests.schedule(trainer, "接力知识竞赛", quiz_item.quiz_id,
                                clock.utcnow() + timedelta(seconds=25), 10, 3, [team.id])
    lesson_id, contest_id, email = lesson.id, contest.id, ann.email
    db.session.commit()  # and touch no model after: SQLite's write lock must stay free
    page, base = zh_page, live_server

    login(page, base, email)
    page.goto(f"{base}/courses/policy/lessons/{lesson_id}")
    faq = page.locator("#questions .faq")
    assert "交接需要签字吗" in faq.inner_text() and "当面确认" in faq.inner_text()
    page.fill("#body", "折扣超过 10% 时要找谁确认？")
    page.click("#questions button[type=submit]")
    page.wait_for_url("**#questions")
    assert "你的问题已发送给培训师" in page.locator(".flashes").inner_text()
    assert "等待回答" in page.locator(".my-questions").inner_text()
    shot(page, "lesson-question")

    page.goto(f"{base}/home")
    page.click(f"a[href='/contests/{contest_id}']")
    countdown = page.locator("[data-countdown]")
    assert "距开始还有" in countdown.inner_text()
    shot(page, "contest-lobby")
    page.wait_for_selector("#join-contest")  # the script reloads the page at the start
    # the lobby reloads itself at the start (not wait_for_function: the CSP forbids eval)
    expect(page.locator("[data-countdown]")).to_have_count(0, timeout=45_000)
    page.check("#show_name")
    page.click("#join-contest")
    page.wait_for_url(f"**/contests/{contest_id}/play")
    assert page.locator("section.question").count() == 3
    for slot in range(3):
        page.locator(f"#question-{slot} input[type=radio]").first.check()
    shot(page, "contest-play")
    page.click("#hand-in")
    page.wait_for_url(f"**/contests/{contest_id}/board")
    assert "林晓" in page.locator(".contest-top").inner_text()
    assert "已交卷" in page.locator(".flashes").inner_text()
    shot(page, "contest-board")
