"""Drafts, publishing, history, restore, conflicts and preview for lessons."""

import re

from sqlalchemy import select

import clock
from accounts.tree import department_tree
from api.queries import outline_json
from authoring import service
from courses.models import Lesson, LessonRevision
from courses.rendering import render_markdown
from courses.service import get_enrollment
from extensions import db
from reports.learners import transcript
from tests.authoring.conftest import login_as

HOSTILE = ('<script>alert(1)</script>\n\n[x](javascript:alert(2))\n\n'
           '<a href="https://ok.example" onclick="steal()">ok</a>\n\n<iframe src="x"></iframe>'
           '\n\n<img src="y.png" onerror="alert(3)">\n\n**bold**')


def first_lesson(course):
    return course.items[0].lesson


def edit(client, course, lesson, source, base, title="Edited"):
    return client.post(f"/authoring/courses/{course.slug}/lessons/{lesson.id}", data={
        "title": title, "source": source, "base_revision": str(base), "save": "Save draft"})


def test_draft_is_invisible_to_learners_until_published(app, make, as_trainer):
    course = make.course("c", lessons=1)
    lesson = first_lesson(course)
    learner = login_as(app, make.user("l@example.com"))
    response = edit(as_trainer, course, lesson, "Draft text only trainers see.", 1)
    assert response.status_code == 302
    item = course.items[0].id
    assert "Draft text" not in learner.get(f"/courses/c/lessons/{item}").get_data(as_text=True)
    as_trainer.post("/authoring/courses/c/publish")
    page = learner.get(f"/courses/c/lessons/{item}").get_data(as_text=True)
    assert "Draft text only trainers see." in page
    db.session.expire_all()
    lesson = db.session.get(Lesson, lesson.id)
    assert (lesson.revision, lesson.draft_revision) == (2, None)


def test_second_save_from_an_old_form_is_a_conflict_and_keeps_both_texts(make, as_trainer, app):
    course = make.course("c", lessons=1)
    lesson = first_lesson(course)
    other = login_as(app, make.user("t2@example.com", roles=("trainer",), name="Second"))
    assert edit(as_trainer, course, lesson, "First trainer's text", 1).status_code == 302
    conflict = edit(other, course, lesson, "Second trainer's text", 1)
    page = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "First trainer&#39;s text" in page and "Second trainer&#39;s text" in page
    assert 'class="diff-added"' in page and 'class="diff-removed"' in page
    assert 'name="base_revision" type="hidden" value="2"' in page  # rebased: saving now works
    sources = db.session.scalars(select(LessonRevision.source).where(
        LessonRevision.lesson_id == lesson.id)).all()
    assert "Second trainer's text" not in sources  # nothing overwritten
    assert edit(other, course, lesson, "Second trainer's text", 2).status_code == 302


def test_history_diff_and_restore(make, as_trainer):
    course = make.course("c", lessons=1)
    lesson = first_lesson(course)
    edit(as_trainer, course, lesson, "line one\nline two", 1)
    edit(as_trainer, course, lesson, "line one\nline 2", 2)
    page = as_trainer.get(f"/authoring/courses/c/lessons/{lesson.id}/history?a=2&b=3")
    text = page.get_data(as_text=True)
    assert re.search(r'diff-removed">.*?- </span>line two</span>', text)
    assert re.search(r'diff-added">.*?\+ </span>line 2</span>', text)
    as_trainer.post(f"/authoring/courses/c/lessons/{lesson.id}/restore/1")
    db.session.expire_all()
    lesson = db.session.get(Lesson, lesson.id)
    assert lesson.draft_revision == 4
    restored = service.lesson_revision(lesson, 4)
    assert restored.source == service.lesson_revision(lesson, 1).source


def test_preview_sanitises_exactly_like_published_pages(make, as_trainer, app):
    response = as_trainer.post("/authoring/preview", data={"source": HOSTILE})
    html = response.json["html"]
    assert html == render_markdown(HOSTILE)
    for bad in ("<script", "javascript:", "onclick", "onerror", "<iframe"):
        assert bad not in html
    assert "<strong>bold</strong>" in html
    course = make.course("c", lessons=1)
    lesson = first_lesson(course)
    edit(as_trainer, course, lesson, HOSTILE, 1)
    as_trainer.post("/authoring/courses/c/publish")
    learner = login_as(app, make.user("l@example.com"))
    page = learner.get(f"/courses/c/lessons/{course.items[0].id}").get_data(as_text=True)
    assert html in page
    no_js = as_trainer.post(  # the Preview button, for trainers without JavaScript
        f"/authoring/courses/c/lessons/{lesson.id}",
        data={"title": "T", "source": HOSTILE, "base_revision": "2", "preview": "Preview"})
    assert html in no_js.get_data(as_text=True)


def test_outline_edits_and_stale_outline_form(make, as_trainer):
    course = make.course("c", lessons=2)
    first, second = (i.id for i in course.items)
    version = course.version
    as_trainer.post(f"/authoring/courses/c/outline/{second}/up", data={"version": version})
    as_trainer.post(f"/authoring/courses/c/outline/{first}/optional",
                    data={"version": version})  # stale: refused
    db.session.expire_all()
    items = service.get_course("c").items
    assert [i.id for i in items] == [second, first]
    assert all(i.required for i in items)


def test_new_course_lesson_and_quiz_then_publish(make, as_trainer):
    as_trainer.post("/authoring/courses", data={
        "slug": "new-one", "title": "新课程", "summary": "S", "estimated_minutes": "20"})
    course = service.get_course("new-one")
    assert course.status == "draft"
    as_trainer.post("/authoring/courses/new-one/items", data={
        "kind": "lesson", "slug": "intro", "title": "Intro", "version": course.version})
    db.session.expire_all()
    course = service.get_course("new-one")
    as_trainer.post("/authoring/courses/new-one/items", data={
        "kind": "quiz", "slug": "new-quiz", "title": "Check", "version": course.version})
    db.session.expire_all()
    course = service.get_course("new-one")
    assert [i.kind for i in course.items] == ["lesson", "quiz"]
    lesson = course.items[0].lesson
    assert service.editable_revision(lesson).source == ""  # the page shows the title already

    # Both required steps are empty: publishing is refused and names them.
    page = as_trainer.get("/authoring/courses/new-one/publish").get_data(as_text=True)
    assert "Intro" in page and "Check" in page and "quiz without questions" in page
    refused = as_trainer.post("/authoring/courses/new-one/publish")
    assert refused.status_code == 400 and "lesson without text" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert service.get_course("new-one").status == "draft"

    edit(as_trainer, course, lesson, "正文。", 1, title="Intro")
    db.session.expire_all()
    course = service.get_course("new-one")
    as_trainer.post(f"/authoring/courses/new-one/outline/{course.items[1].id}/optional",
                    data={"version": course.version})
    page = as_trainer.get("/authoring/courses/new-one/publish").get_data(as_text=True)
    assert "1 lesson draft" in page and "1 change goes out." in page
    assert as_trainer.post("/authoring/courses/new-one/publish").status_code == 302
    db.session.expire_all()
    course = service.get_course("new-one")
    lesson = course.items[0].lesson
    assert course.status == "published" and (lesson.revision, lesson.draft_revision) == (2, None)
    assert "<h1>" not in lesson.html and "正文" in lesson.html


def test_publishing_is_refused_for_an_empty_outline_and_status_cannot_skip_it(make, as_trainer):
    as_trainer.post("/authoring/courses", data={
        "slug": "empty", "title": "空课程", "summary": "S", "estimated_minutes": "20"})
    page = as_trainer.get("/authoring/courses/empty/publish").get_data(as_text=True)
    assert "The outline is empty" in page and "confirm-publish" not in page
    assert as_trainer.post("/authoring/courses/empty/status/published").status_code == 400
    db.session.expire_all()
    assert service.get_course("empty").status == "draft"


def test_audit_log_records_authoring_and_is_for_admins(make, as_trainer, app):
    course = make.course("c", lessons=1)
    edit(as_trainer, course, first_lesson(course), "x", 1)
    assert as_trainer.get("/admin/audit").status_code == 403
    admin = login_as(app, make.user("a@example.com", roles=("admin",)))
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "Saved a lesson draft" in page and "trainer" in page and "lesson.save" not in page


def test_steps_added_to_a_published_course_stay_hidden_until_published(app, make, as_trainer):
    course = make.course("live", lessons=1)
    learner_user = make.user("l@example.com")
    learner = login_as(app, learner_user)
    for kind, slug in (("lesson", "fresh"), ("quiz", "fresh-quiz")):
        db.session.expire_all()
        version = service.get_course("live").version
        as_trainer.post("/authoring/courses/live/items",
                        data={"kind": kind, "slug": slug, "title": slug.title(),
                              "version": version})
    db.session.expire_all()
    course = service.get_course("live")
    new_lesson = course.items[1]
    page = learner.get("/courses/live").get_data(as_text=True)
    assert "Fresh" not in page  # neither the empty lesson nor the empty quiz
    assert learner.get(f"/courses/live/lessons/{new_lesson.id}").status_code == 404
    assert learner.get("/quizzes/fresh-quiz").status_code == 404
    # reading the one published lesson still completes the course
    learner.post(f"/courses/live/lessons/{course.items[0].id}/read")
    db.session.expire_all()
    assert get_enrollment(learner_user, course).completed_at is not None
    # HR's transcript and the API's outline show what learners see, too
    assert [step["slug"] for step in outline_json(course)] == ["lesson-1"]
    (line,) = transcript(learner_user, department_tree(), clock.today())
    assert len(line.items) == 1
