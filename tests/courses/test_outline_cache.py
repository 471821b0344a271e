"""Each app keeps the published outlines it built (courses.outline) until the outlines'
change count moves: an edit is seen on the next request, in this app and in another
one on the same database, and an edit rolled back is never kept."""

from __future__ import annotations

from sqlalchemy import select

from courses import service
from courses.assignment import assign_course
from courses.models import Course, Lesson, OutlineItem
from courses.outline import outline_version, published_outlines
from extensions import db
from quizzes.models import Question


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def setup(make, auth, quizzes=None) -> Course:
    team = make.department("ops")
    course = make.course("onboarding", lessons=3, quizzes=quizzes)
    assign_course(course, team)
    make.user("lin@example.com", department=team)
    auth.login("lin@example.com")
    return course


def lesson(title: str) -> Lesson:
    return db.session.scalar(select(Lesson).where(Lesson.title == title))


def publish(lesson: Lesson, title: str) -> None:
    revision = service.add_lesson_revision(lesson, title, f"# {title}\n\nNew text.")
    service.publish_lesson_revision(lesson, revision)
    db.session.commit()


def test_a_published_revision_is_seen_on_the_next_request(client, auth, make):
    course = setup(make, auth)
    first = course.items[0].id
    assert "Lesson 2" in page(client, "/courses/onboarding")
    assert "Lesson 2" in page(client, f"/courses/onboarding/lessons/{first}")
    publish(lesson("Lesson 2"), "Handoffs")
    assert "Handoffs" in page(client, "/courses/onboarding")
    assert "Handoffs" in page(client, f"/courses/onboarding/lessons/{first}")
    assert "Handoffs" not in page(client, "/home")  # the home page shows no step titles
    assert "Lesson 2" not in page(client, "/courses/onboarding")


def test_an_outline_change_is_seen_on_the_next_request(client, auth, make):
    course = setup(make, auth)
    assert "Optional" not in page(client, "/courses/onboarding")
    assert "0 of 3 steps" in page(client, "/home")
    items = course.items
    items[2].required = False
    db.session.delete(items[1])
    db.session.commit()
    html = page(client, "/courses/onboarding")
    assert "Optional" in html and "Lesson 2" not in html
    assert "0 of 1 steps" in page(client, "/home")


def test_an_unpublished_quiz_leaves_the_outline(client, auth, make):
    setup(make, auth, quizzes=[make.quiz_source("check")])
    assert "Quiz check" in page(client, "/courses/onboarding")
    for question in db.session.scalars(select(Question)):
        question.retired = True
    db.session.commit()
    assert "Quiz check" not in page(client, "/courses/onboarding")


def test_an_edit_made_by_another_app_is_seen(client, auth, make, app_factory):
    course = setup(make, auth)
    first = course.items[0].id
    assert "Lesson 3" in page(client, f"/courses/onboarding/lessons/{first}")
    other = app_factory()  # another process on the same database
    with other.app_context():
        publish(lesson("Lesson 3"), "Escalations")
        db.session.remove()
    assert "Escalations" in page(client, f"/courses/onboarding/lessons/{first}")
    assert "Escalations" in page(client, "/courses/onboarding")


def test_an_edit_rolled_back_is_never_kept(app, client, auth, make):
    course = setup(make, auth)
    assert "Lesson 1" in page(client, "/courses/onboarding")
    before = outline_version()
    lesson("Lesson 1").title = "Never published"
    db.session.flush()  # counted in this transaction, which then builds, keeps nothing
    assert outline_version() == before + 1
    [step, *_] = published_outlines([course.id], outline_version())[course.id]
    assert step.title == "Never published"
    db.session.rollback()
    assert outline_version() == before
    html = page(client, "/courses/onboarding")
    assert "Lesson 1" in html and "Never published" not in html


def test_an_outline_kept_is_read_without_building_again(app, client, auth, make):
    course = setup(make, auth)
    page(client, "/courses/onboarding")
    db.session.commit()
    kept = published_outlines([course.id], outline_version())[course.id]
    again = published_outlines([course.id], outline_version())[course.id]
    assert again is kept and [s.title for s in kept] == ["Lesson 1", "Lesson 2", "Lesson 3"]
    item = db.session.get(OutlineItem, kept[0].id)
    item.required = False
    db.session.commit()
    assert published_outlines([course.id], outline_version())[course.id] is not kept
