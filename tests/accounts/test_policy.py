"""The access policy as a table: each kind of viewer against each question it answers,
and the pages that ask it (a department head opens their learner's course page)."""

from __future__ import annotations

import pytest

from accounts import policy
from accounts.navigation import register_nav_link, registered_links
from accounts.tree import department_tree
from extensions import db

# Acme > Sales > East, Acme > Finance; the head leads Sales (and so East).
# ann is a learner in East, cat a learner in Finance, nomad a learner in no department.

ROLE_QUESTIONS = ("may_author", "may_tutor", "may_see_answers", "is_hr_staff", "is_staff",
                  "may_administer", "may_read_reports", "sees_every_department")

# viewer: the role questions above, in order (1 = yes)
ROLE_TABLE = {
    "ann":     (0, 0, 0, 0, 0, 0, 0, 0),
    "trainer": (1, 1, 1, 0, 1, 0, 0, 0),
    "hr":      (0, 0, 0, 1, 1, 0, 1, 1),
    "admin":   (1, 1, 1, 1, 1, 1, 1, 1),
    "head":    (0, 0, 0, 0, 0, 0, 1, 0),
}

# viewer: may see (ann, cat, nomad) as a learner; the same on the teaching pages (trainers=True)
LEARNER_TABLE = {
    "ann":     ((1, 0, 0), (1, 0, 0)),
    "trainer": ((0, 0, 0), (1, 1, 1)),
    "hr":      ((1, 1, 1), (1, 1, 1)),
    "admin":   ((1, 1, 1), (1, 1, 1)),
    "head":    ((1, 0, 0), (1, 0, 0)),
}

# viewer: the report scope's departments (None: no reports), then whether it shows answers
SCOPE_TABLE = {
    "ann":     (None, False),
    "trainer": (None, True),
    "hr":      ({"acme", "sales", "east", "finance"}, False),
    "admin":   ({"acme", "sales", "east", "finance"}, True),
    "head":    ({"sales", "east"}, False),
}


@pytest.fixture
def people(make):
    acme = make.department("acme")
    sales = make.department("sales", parent=acme)
    east = make.department("east", parent=sales)
    finance = make.department("finance", parent=acme)
    found = {
        "ann": make.user("ann@example.com", department=east),
        "cat": make.user("cat@example.com", department=finance),
        "nomad": make.user("nomad@example.com"),
        "trainer": make.user("trainer@example.com", roles=("trainer",)),
        "hr": make.user("hr@example.com", roles=("hr",)),
        "admin": make.user("admin@example.com", roles=("admin",)),
        "head": make.user("head@example.com", department=sales),
    }
    sales.head_id = found["head"].id
    db.session.commit()
    found["departments"] = {d.code: d.id for d in (acme, sales, east, finance)}
    return found


@pytest.mark.parametrize("viewer", ROLE_TABLE)
def test_what_each_role_may_do(people, viewer):
    user = people[viewer]
    answers = tuple(int(getattr(policy, question)(user)) for question in ROLE_QUESTIONS)
    expected = ROLE_TABLE[viewer]
    assert dict(zip(ROLE_QUESTIONS, answers, strict=True)) == dict(
        zip(ROLE_QUESTIONS, expected, strict=True))


@pytest.mark.parametrize("viewer", LEARNER_TABLE)
def test_who_may_see_which_learner(people, viewer):
    user = people[viewer]
    learners = [people[name] for name in ("ann", "cat", "nomad")]
    plain = tuple(int(policy.may_see_learner(user, learner)) for learner in learners)
    teaching = tuple(int(policy.may_see_learner(user, learner, trainers=True))
                     for learner in learners)
    assert (plain, teaching) == LEARNER_TABLE[viewer]


@pytest.mark.parametrize("viewer", SCOPE_TABLE)
def test_the_report_scope_of_each_viewer(people, viewer):
    codes = {v: k for k, v in people["departments"].items()}
    scope = policy.scope_for(people[viewer], department_tree())
    departments, answers = SCOPE_TABLE[viewer]
    if departments is None:
        assert scope is None
        return
    assert {codes[i] for i in codes if scope.can_see(i)} == departments
    assert scope.sees_answers == answers
    assert scope.can_see(None) == scope.everything  # the department-less: HR and admins
    heads_share = {codes[i] for i in policy.headed_department_ids(people[viewer])}
    assert heads_share == (departments if not scope.everything else set())


def test_trainers_see_every_department_only_where_the_page_says_so(people):
    assert policy.scope_for(people["trainer"], department_tree()) is None
    scope = policy.scope_for(people["trainer"], department_tree(), trainers=True)
    assert scope is not None and scope.everything and not scope.unmasked


def test_a_head_opens_their_learners_course_page_as_well_as_their_report(client, auth, people):
    """The bug: heads got 200 on a learner's report but 403 on the same learner's courses."""
    auth.login("head@example.com")
    ann, cat = people["ann"], people["cat"]
    assert client.get(f"/reports/learners/{ann.id}").status_code == 200
    assert client.get(f"/learners/{ann.id}/courses").status_code == 200
    assert client.get(f"/reports/learners/{cat.id}").status_code == 403
    assert client.get(f"/learners/{cat.id}/courses").status_code == 403


def test_the_report_and_course_pages_ask_the_same_question(client, auth, people, make):
    """A head who sits outside the teams they lead (here: moved to finance, leading
    sales) may open their own report, as their own course page; the report page once
    asked the head's scope instead, and answered 403."""
    head = people["head"]
    head.department_id = people["departments"]["finance"]
    db.session.commit()
    auth.login("head@example.com")
    assert client.get(f"/reports/learners/{head.id}").status_code == 200
    assert client.get(f"/learners/{head.id}/courses").status_code == 200
    outsider = make.user("outsider@example.com", department=people["cat"].department)
    assert client.get(f"/reports/learners/{outsider.id}").status_code == 403
    assert client.get(f"/learners/{outsider.id}/courses").status_code == 403


def test_header_links_come_from_each_packages_init_app(app):
    links = registered_links(app)
    assert [link.endpoint for link in links] == [
        "authoring.index", "quizzes.grading_queue", "reports.dashboard", "reports.quizzes",
        "rollouts.briefing_list", "audit.log", "surveys.index"]
    reports_link = next(link for link in links if link.endpoint == "reports.dashboard")
    assert reports_link.visible is policy.may_read_reports  # reports/__init__.py put it there


def test_a_registered_link_shows_for_whom_it_says_in_its_order(app, client, auth, people):
    register_nav_link(app, endpoint="reports.my_certificates", label="Certificates here",
                      visible=policy.is_hr_staff, order=15)
    auth.login("hr@example.com")
    page = client.get("/home").get_data(as_text=True)
    header = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert header.index("Certificates here") < header.index('href="/reports"')
    auth.logout()
    auth.login("ann@example.com")
    assert "Certificates here" not in client.get("/home").get_data(as_text=True)
