"""Every authoring route against every role: trainers and admins in, everyone else out."""

import pytest

from quizzes.service import get_quiz_by_slug
from tests.authoring.conftest import login_as
from tests.factories import single_choice


@pytest.fixture
def routes(app, make):
    course = make.course("c", lessons=1, quizzes=[make.quiz_source("q", questions=[
        single_choice("k")])])
    quiz = get_quiz_by_slug("q")
    values = {"lesson_id": course.items[0].lesson_id, "question_id": quiz.questions[0].id,
              "item_id": course.items[0].id, "action": "required", "status": "published",
              "number": 1, "type_id": "single_choice"}
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("authoring."):
            continue
        slug = "q" if rule.rule.startswith("/authoring/quizzes") else "c"
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<{name}>", str(values.get(name, slug)))
            url = url.replace(f"<int:{name}>", str(values.get(name, slug)))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    assert len(found) >= 25
    return found


@pytest.mark.parametrize(("roles", "allowed"), [
    (("learner",), False), (("hr",), False), (("trainer",), True), (("admin",), True)])
def test_each_role_against_each_authoring_route(app, make, routes, roles, allowed):
    client = login_as(app, make.user(f"{roles[0]}@example.com", roles=roles))
    for method, url in routes:
        status = client.open(url, method=method).status_code
        if allowed:
            assert status not in (401, 403, 500), (method, url, status)
        else:
            assert status == 403, (method, url, status)


def test_anonymous_is_sent_to_login(app, routes):
    client = app.test_client()
    for method, url in routes:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
