"""Two trainers edit one lesson in real browsers: the second save loses nothing."""

from sqlalchemy import select

from courses.models import LessonRevision
from extensions import db
from tests.browser.conftest import login


def test_two_trainers_conflict_keeps_every_typed_word(make, live_server, browser):
    course = make.course("c", lessons=1)
    lesson_id = course.items[0].lesson_id
    for email in ("ann@example.com", "bob@example.com"):
        make.user(email, roles=("trainer",))
    db.session.commit()
    editor = f"{live_server}/authoring/courses/c/lessons/{lesson_id}"

    pages = []
    for email in ("ann@example.com", "bob@example.com"):
        page = browser.new_context(locale="en-US").new_page()
        page.set_default_timeout(15_000)
        login(page, live_server, email)
        page.goto(editor)
        pages.append(page)
    ann, bob = pages
    ann.fill("#source", "Ann's careful rewrite of the lesson.")
    ann.click("#save")
    ann.wait_for_selector("text=Draft saved")

    bob_text = "Bob's own paragraph,\nwhich he must not lose."
    bob.fill("#source", bob_text)
    bob.wait_for_selector("#preview-pane:has-text('which he must not lose')")  # live preview
    bob.click("#save")
    bob.wait_for_selector("text=Someone else saved this lesson meanwhile")
    assert bob.input_value("#source") == bob_text
    assert bob.input_value("#theirs") == "Ann's careful rewrite of the lesson."
    assert "which he must not lose." in bob.inner_text(".diff")
    bob.click("#save")  # the form was rebased on Ann's revision: this save goes through
    bob.wait_for_selector("text=Draft saved")
    for page in pages:
        page.context.close()

    sources = db.session.scalars(select(LessonRevision.source).where(
        LessonRevision.lesson_id == lesson_id).order_by(LessonRevision.revision)).all()
    assert sources[-2:] == ["Ann's careful rewrite of the lesson.", bob_text.replace("\n", "\r\n")]
