"""Real-browser journeys in Debian's Chromium."""

from sqlalchemy import select

from courses.assignment import assign_course
from courses.models import LessonProgress
from extensions import db
from quizzes.models import Attempt
from tests.browser.conftest import login


def test_learner_opens_a_lesson_and_marks_it_read(make, live_server, page):
    team = make.department("sales")
    course = make.course("onboarding", lessons=2)
    assign_course(course, team, due_days=14)
    make.user("new@example.com", department=team)
    second_item, first_lesson = course.items[1].id, course.items[0].lesson_id
    db.session.commit()  # the test holds no transaction (and so no SQLite lock) from here

    login(page, live_server, "new@example.com")
    page.click("text=Course onboarding")
    page.click("text=Lesson 1")
    assert page.locator("article header h1").inner_text() == "Lesson 1"
    page.click("button:has-text('Mark as read')")
    page.wait_for_url(f"**/lessons/{second_item}")
    page.goto(f"{live_server}/courses/onboarding")
    assert "1 of 2 required steps done" in page.inner_text("main")
    # read the database last: the test's own read would hold SQLite's lock
    db.session.expire_all()
    assert db.session.scalar(select(LessonProgress.lesson_id)) == first_lesson


def test_quiz_answers_autosave_survive_a_reload_and_submit_shows_review(make, live_server, page):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q")])
    make.user("q@example.com")
    db.session.commit()

    login(page, live_server, "q@example.com")
    page.goto(f"{live_server}/quizzes/q")
    page.click("button:has-text('Start the quiz')")
    page.wait_for_url("**/attempts/*")
    # options are shuffled and named by tokens: find the right ones by their text
    first = page.locator("#question-0").get_by_label("Option 0", exact=True)
    second = page.locator("#question-1").get_by_label("Option 1", exact=True)
    first.check()
    page.wait_for_selector("#question-0 .save-status:text-is('Saved')")
    second.check()
    page.wait_for_selector("#question-1 .save-status:text-is('Saved')")
    page.reload()
    assert first.is_checked() and second.is_checked()
    page.click("button:has-text('Review and submit')")  # with JavaScript: the confirm step
    page.click("dialog.submit-confirm button:has-text('Submit now')")
    page.wait_for_url("**/review")
    assert "100%" in page.inner_text(".score")
    assert "Passed" in page.inner_text("main")
    db.session.expire_all()
    assert db.session.scalar(select(Attempt.state)) == "finished"


def test_question_pages_fit_a_phone_screen(make, browser, live_server):
    long = "把工件交给下一道工序的同事之前，先确认对方已经准备好接收，并说明注意事项"
    matching = {"key": "m", "type": "matching", "prompt": "Match them.", "points": 1,
                "data": {"pairs": [{"left": f"步骤 {n}", "right": f"{long} {n}"}
                                   for n in range(3)]}}
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=[matching])])
    make.user("phone@example.com")
    db.session.commit()
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 800})
    page = context.new_page()
    login(page, live_server, "phone@example.com")
    page.goto(f"{live_server}/quizzes/q")
    page.click("form[action$='/start'] button")
    page.wait_for_url("**/attempts/*")
    widths = {"attempt": page.evaluate("document.documentElement.scrollWidth")}
    page.click("button[data-confirm-submit]")
    page.click("dialog.submit-confirm button[value=submit]")
    page.wait_for_url("**/review")
    widths["review"] = page.evaluate("document.documentElement.scrollWidth")
    page.goto(f"{live_server}/quizzes/q")  # with its table of attempts
    widths["quiz"] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert widths == {"attempt": 390, "review": 390, "quiz": 390}
