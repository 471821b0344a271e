"""Staff screens in real Chromium, read in Chinese: an image pasted into a lesson keeps
the text around it, a course publishes after showing its changes, option rows are
added in place, the audit log filters, and HR previews reminders before sending."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

import clock
from audit import service as audit
from authoring import service as authoring
from courses.assignment import assign_course
from courses.models import Course, LessonRevision
from extensions import db
from quizzes.models import Question
from reports.models import OutboxMessage
from tests.browser.conftest import login
from tests.factories import single_choice

SCREENS = Path("/work/notes/screens")
# A 1x1 PNG: what the clipboard holds after copying a screenshot region.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                       "+M9QDwADhgGAWjR9"
                       "awAAAABJRU5ErkJggg==")


@pytest.fixture
def zh_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    if SCREENS.is_dir():  # the pictures reviewers look at; not part of the assertion
        page.screenshot(path=str(SCREENS / f"20-{name}.png"), full_page=True)


def test_pasted_image_lands_at_the_cursor_and_the_text_stays(make, live_server, zh_page):
    course = make.course("c", lessons=1)
    lesson_id = course.items[0].lesson_id
    make.user("t@example.com", roles=("trainer",))
    db.session.commit()
    page = zh_page
    login(page, live_server, "t@example.com")
    page.goto(f"{live_server}/authoring/courses/c/lessons/{lesson_id}")
    page.fill("#source", "第一段，还没保存。\n\n第二段。")
    page.evaluate("""(b64) => {
        const area = document.querySelector('#source');
        area.focus();
        area.setSelectionRange(10, 10);  // after the first paragraph's line break
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], 'shot.png', {type: 'image/png'}));
        area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                        cancelable: true}));
    }""", base64.b64encode(PNG).decode())
    # (not wait_for_function: it evaluates a string, which the page's CSP forbids)
    expect(page.locator("#source")).to_have_value(re.compile(r"!\[\]\(/media/"))
    text = page.input_value("#source")
    first, rest = text.split("![](/media/", 1)
    assert first.startswith("第一段，还没保存。") and rest.rstrip().endswith("第二段。")
    page.wait_for_selector("#preview-pane img")
    shot(page, "image-paste")

    # leaving now asks first: the text with its image is not saved yet
    seen = []
    page.once("dialog", lambda dialog: (seen.append(dialog.type), dialog.dismiss()))
    page.click("a[href='/authoring/']")
    page.wait_for_timeout(500)
    assert seen == ["beforeunload"] and "/lessons/" in page.url
    page.click("#save")
    page.wait_for_selector(".flash-success")
    saved = db.session.scalar(select(LessonRevision.source).where(
        LessonRevision.lesson_id == lesson_id).order_by(LessonRevision.revision.desc()))
    assert "第二段。" in saved and "![](/media/" in saved


def test_publishing_a_course_shows_its_changes_then_sends_them_out(make, live_server,
                                                                   zh_page):
    trainer = make.user("t@example.com", roles=("trainer",))
    course = authoring.create_course(trainer, "new-hire", "新员工须知", "概要", 20)
    lesson = authoring.add_lesson(trainer, course, course.version, "welcome", "欢迎")
    authoring.save_lesson_draft(trainer, lesson, 1, "欢迎", "欢迎加入。")
    page = zh_page
    login(page, live_server, "t@example.com")
    page.goto(f"{live_server}/authoring/courses/new-hire")
    page.click("#publish-course")
    page.wait_for_selector("#publish-plan")
    assert "共发布 1 处改动" in page.inner_text("#publish-plan")
    shot(page, "publish")
    page.click("#confirm-publish")
    page.wait_for_selector(".flash-success")
    assert "课程已发布" in page.inner_text(".flash-success")
    db.session.expire_all()
    published = db.session.scalar(select(Course).where(Course.slug == "new-hire"))
    assert published.status == "published" and published.items[0].lesson.revision == 2


def test_option_rows_are_added_in_place_and_saved(make, live_server, zh_page):
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=[single_choice("k")])])
    make.user("t@example.com", roles=("trainer",))
    db.session.commit()
    page = zh_page
    login(page, live_server, "t@example.com")
    page.goto(f"{live_server}/authoring/quizzes/q/questions/new/single_choice")
    page.fill("#key", "who-owns")
    page.fill("#prompt", "谁对交接结果负责？")
    page.fill("[name='data-options-0-text']", "交出的一方")
    page.fill("[name='data-options-1-text']", "双方一起")
    page.click("button[name=add_row]")
    page.click("button[name=add_row]")
    rows = page.locator("#data-options-table tbody tr")
    assert rows.count() == 4 and page.input_value("#prompt") == "谁对交接结果负责？"
    page.fill("[name='data-options-2-text']", "接手的一方")
    page.fill("[name='data-options-3-text']", "要删掉的一行")
    rows.nth(3).locator("button[name=remove_row]").click()
    assert rows.count() == 3
    page.check("[name='data-correct'][value='1']")
    shot(page, "options")
    page.click("#submit")
    page.wait_for_selector(".flash-success")
    question = db.session.scalar(select(Question).where(Question.key == "who-owns"))
    options = question.draft.data["options"]
    assert [o["text"] for o in options] == ["交出的一方", "双方一起", "接手的一方"]
    assert [o["correct"] for o in options] == [False, True, False]


def test_the_audit_log_filters_by_person_and_kind(make, live_server, zh_page):
    ann = make.user("ann@example.com", roles=("trainer",), name="安妮")
    bob = make.user("bob@example.com", roles=("trainer",), name="鲍勃")
    audit.record(ann.id, "course.publish", "course", None, "安妮的课程", lessons=2, questions=3)
    audit.record(bob.id, "lesson.save", "lesson", None, "鲍勃的课文", revision=4)
    make.user("admin@example.com", roles=("admin",))
    db.session.commit()
    page = zh_page
    login(page, live_server, "admin@example.com")
    page.goto(f"{live_server}/admin/audit")
    assert "鲍勃的课文" in page.inner_text("table")
    page.select_option("#who", label="安妮")
    page.select_option("#what", label="课程")
    page.click("#audit-filter button[type=submit]")
    page.wait_for_url("**/admin/audit?*")
    table = page.inner_text("table")
    assert "安妮的课程" in table and "发布了课程" in table and "发布了 2 节课、3 道题" in table
    assert "鲍勃" not in table and page.inner_text("#audit-count").startswith("共 1 条")
    shot(page, "audit-filter")


def test_hr_previews_reminders_then_sends_them(make, live_server, zh_page):
    sales = make.department("sales", "销售部")
    learner = make.user("lin@example.com", name="林晓", department=sales,
                        hire_date=clock.today() - timedelta(days=30))
    course = make.course("onb", lessons=1)
    assign_course(course, sales, due_date=clock.today() - timedelta(days=2))
    make.user("hr@example.com", roles=("hr",))
    learner.locale = "zh_CN"
    db.session.commit()
    page = zh_page
    login(page, live_server, "hr@example.com")
    page.goto(f"{live_server}/reports/reminders")
    preview = page.inner_text("#reminder-preview")
    assert "林晓" in preview and "将发出 1 封邮件" in preview and "将发送" in preview
    page.click("#reminder-preview summary")
    assert "逾期" in page.inner_text("#reminder-preview details")
    shot(page, "reminders")
    page.click("#send-reminders")
    page.wait_for_selector(".flash-success")
    assert "今天已发送" in page.inner_text("#reminder-preview")
    assert db.session.scalar(select(OutboxMessage.to_email)) == "lin@example.com"



@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_admin_header_stays_on_one_line_at_1280_px(make, live_server, browser, locale):
    make.user("admin@example.com", roles=("admin", "trainer", "hr"), name="管理员 Admin")
    db.session.commit()
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    login(page, live_server, "admin@example.com")
    page.goto(f"{live_server}/admin/audit")
    tops = page.eval_on_selector_all(
        ".header-row > *, .main-nav a", "els => els.map(e => e.getBoundingClientRect().top)")
    assert max(tops) - min(tops) < 20, tops  # one row: every link starts at about the same top
    context.close()
