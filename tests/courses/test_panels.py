"""Panels other packages add to the learner's pages (courses/panels.py)."""

from __future__ import annotations

import pytest
from jinja2 import ChoiceLoader, DictLoader

from courses.assignment import assign_course
from courses.panels import PAGES, panels_for, register_panel


def test_the_packages_register_their_panels(app):
    with app.test_request_context():
        registered = [(p.page, p.template) for p in app.extensions["relay_panels"]]
    assert ("home", "surveys/_home_task.html") in registered
    assert ("home", "rollouts/_home.html") in registered
    assert ("lesson", "rollouts/_lesson.html") in registered
    assert {page for page, _ in registered} <= set(PAGES)


def test_a_panel_shows_with_what_its_package_computed_in_its_order(app, client, auth, make):
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({"test/_panel.html": "<p class=test-panel>{{ panel.words }}</p>"}),
        app.jinja_env.loader])
    seen = []

    def context(user, item):
        seen.append((user.email, item.id))
        return {"words": f"about {item.title}"} if item.title != "Lesson 2" else None

    register_panel(app, page="lesson", template="test/_panel.html", context=context, order=1)
    team = make.department("ops")
    course = make.course("onboarding", lessons=2)
    assign_course(course, team)
    make.user("lin@example.com", department=team)
    auth.login("lin@example.com")
    first, second = course.items
    page = client.get(f"/courses/onboarding/lessons/{first.id}").get_data(as_text=True)
    assert "<p class=test-panel>about Lesson 1</p>" in page
    # order 1: above the rollouts panel (order 20)
    assert page.index("test-panel") < page.index('id="questions"')
    page = client.get(f"/courses/onboarding/lessons/{second.id}").get_data(as_text=True)
    assert "test-panel" not in page  # None: nothing shown
    assert seen == [("lin@example.com", first.id), ("lin@example.com", second.id)]


def test_an_unknown_page_is_refused(app):
    with pytest.raises(ValueError, match="unknown page 'profile'"):
        register_panel(app, page="profile", template="x.html", context=lambda user: {},
                       order=1)
    with app.test_request_context():
        assert panels_for("profile", None) == []
