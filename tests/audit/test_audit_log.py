"""The audit log: translated actions and details, filters, links to what changed, paging."""

from datetime import datetime

from audit import service
from audit.models import AuditEntry
from extensions import db
from tests.authoring.conftest import login_as
from tests.authoring.test_lessons import edit, first_lesson

ZH = {"Accept-Language": "zh-CN"}


def test_entries_read_as_sentences_in_the_readers_language_with_links(app, make, as_trainer):
    course = make.course("c", lessons=1)
    lesson = first_lesson(course)
    edit(as_trainer, course, lesson, "新的正文", 1, title="交接")
    reader = make.user("a@example.com", roles=("admin",))
    reader.locale = "zh_CN"
    db.session.commit()
    admin = login_as(app, reader)
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "保存了课程草稿" in page and "第 2 版" in page
    assert "lesson.save" not in page and "revision" not in page
    assert f'href="/authoring/courses/c/lessons/{lesson.id}">交接</a>' in page


def test_filters_by_who_what_and_when_and_pages_keep_them(app, make):
    ann = make.user("ann@example.com", roles=("trainer",), name="Ann")
    bob = make.user("bob@example.com", roles=("trainer",), name="Bob")
    for n in range(60):
        service.record(ann.id, "lesson.save", "lesson", None, f"l{n}", revision=n)
    service.record(bob.id, "course.publish", "course", None, "c", lessons=1, questions=0)
    old = service.record(bob.id, "lesson.save", "lesson", None, "old", revision=1)
    db.session.flush()
    old.created_at = datetime(2020, 1, 1, 12)
    db.session.commit()
    admin = login_as(app, make.user("a@example.com", roles=("admin",)))

    by_ann = admin.get(f"/admin/audit?who={ann.id}&what=lesson").get_data(as_text=True)
    assert "60 entries" in by_ann and "page 1 of 2" in by_ann
    assert f"who={ann.id}" in by_ann and "what=lesson" in by_ann and "page=2" in by_ann
    second = admin.get(f"/admin/audit?who={ann.id}&what=lesson&page=2").get_data(as_text=True)
    assert ">l9<" in second and ">l59<" not in second

    published = admin.get("/admin/audit?what=course").get_data(as_text=True)
    assert "1 entry" in published and "1 lesson(s) and 0 question(s) sent out" in published

    dated = admin.get("/admin/audit?since=2019-12-31&until=2020-01-01").get_data(as_text=True)
    assert "1 entry" in dated and ">old<" in dated
    # the day is the reader's (UTC here): 12:00 UTC on 1 January falls inside it
    none = admin.get("/admin/audit?since=2020-01-02").get_data(as_text=True)
    assert ">old<" not in none

    backwards = admin.get("/admin/audit?since=2020-02-01&until=2020-01-01")
    assert backwards.status_code == 400
    assert "The end date is before the start date." in backwards.get_data(as_text=True)


def test_the_log_is_for_admins_only(app, make, as_trainer):
    assert as_trainer.get("/admin/audit").status_code == 403
    hr = login_as(app, make.user("hr@example.com", roles=("hr",)))
    assert hr.get("/admin/audit?what=course").status_code == 403
    assert db.session.query(AuditEntry).count() == 0
