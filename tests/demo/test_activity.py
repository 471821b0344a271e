"""The demo colleagues: real activity through the services, once, reproducibly."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import func, select

from accounts.preferences import school_settings
from accounts.service import get_user_by_email
from accounts.tree import department_tree
from authoring.content_import import import_content
from courses.models import Enrollment
from demo.activity import TEAMS, seed_activity
from demo.service import STAFF, seed_demo
from extensions import db
from quizzes.essays import grading_queue
from quizzes.models import Attempt
from reports import maintenance
from reports.mastery import heatmap
from reports.service import Scope

CONTENT = Path(__file__).resolve().parents[2] / "content"


def count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def test_colleagues_learn_through_the_services_once(app):
    import_content(CONTENT)
    seed_demo()
    staff_attempts = count(select(Attempt.id))
    report = seed_activity()
    assert report.colleagues == sum(size for size, _ in TEAMS.values())
    assert report.lessons_read > 0 and report.attempts > 0
    finished = count(select(Attempt.id).where(Attempt.state == "finished"))
    assert finished == report.attempts + staff_attempts  # every one submitted and graded
    completed = count(select(Enrollment.id).where(Enrollment.completed_at.is_not(None)))
    assert completed > 0
    assert grading_queue()  # some essays are left for the trainer to grade
    assert maintenance.check() == []  # rollups kept up by the same events
    again = seed_activity()
    assert again.colleagues == 0 and count(select(Attempt.id)) == finished
    # and HR's heat map groups every concept under the course that teaches it
    tree = department_tree()
    heat = heatmap(Scope(True, tuple(tree.roots), frozenset(), True, True), tree)
    assert [title for title, _ in heat.groups] == [
        "内部客户与服务意识", "跨部门沟通", "接力棒原理：跨部门交接"]
    concepts = yaml.safe_load((CONTENT / "concepts.yml").read_text(encoding="utf-8"))["concepts"]
    assert sum(span for _, span in heat.groups) == len(heat.tags) == len(concepts)


def test_demo_staff_have_done_their_onboarding_and_the_school_speaks_chinese(app):
    import_content(CONTENT)
    seed_demo()
    for email in STAFF:
        user = get_user_by_email(email)
        enrollments = db.session.scalars(select(Enrollment).where(
            Enrollment.user_id == user.id)).all()
        assert enrollments and all(e.completed_at is not None for e in enrollments), email
    settings = school_settings()
    assert (settings.default_locale, settings.time_zone) == ("zh_CN", "Asia/Shanghai")
    seed_demo()  # a second run changes nothing
    assert count(select(Attempt.id).where(Attempt.state == "finished")) == count(
        select(Attempt.id))
