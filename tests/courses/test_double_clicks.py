"""Marking a lesson read twice at the same moment (a double click) records it once."""

from sqlalchemy import func, select

from courses.models import Enrollment, LessonProgress
from extensions import db
from tests.concurrency import at_once


def test_simultaneous_mark_read_records_one_read_and_no_error(app, make):
    course = make.course("c", lessons=1)
    make.user("double@example.com")
    item = course.items[0].id
    db.session.commit()
    statuses = at_once(app, "double@example.com",
                       lambda c: c.post(f"/courses/c/lessons/{item}/read"))
    assert all(200 <= status < 400 for status in statuses), statuses
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment is not None and enrollment.completed_at is not None  # stamped once
