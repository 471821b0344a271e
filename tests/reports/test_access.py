"""Who sees what: HR everything, a department head their subtree, learners nothing;
small groups hidden from HR; individual answers for trainers and admins only."""

from __future__ import annotations

import re

from tests.reports.conftest import client_for


def table_rows(html: str) -> list[str]:
    """The department names in the dashboard table body, in order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'/reports/departments/\d+[^"]*">([^<]+)</a>', body)


def test_learners_and_trainers_get_403_and_anonymous_goes_to_login(app, staff):
    assert client_for(app, "ann@example.com").get("/reports").status_code == 403
    trainer = client_for(app, "trainer@example.com")
    assert trainer.get("/reports").status_code == 403
    assert trainer.get(f"/reports/learners/{staff.people['ann'].id}").status_code == 403
    assert trainer.get("/reports/export/enrollments.csv").status_code == 403
    assert trainer.post("/reports/export/enrollments", data={"fmt": "csv"}).status_code == 403
    anonymous = app.test_client().get("/reports")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_hr_sees_every_department_but_not_small_groups(app, staff):
    hr = client_for(app, "hr@example.com")
    page = hr.get("/reports?open=all").get_data(as_text=True)
    assert table_rows(page) == ["Acme", "Finance", "Sales", "East"]
    # acme has 5 members: shown; each department below it has fewer than 5
    acme_row = page.split(">Acme</a>", 1)[1].split("</tr>", 1)[0]
    assert "too few to show" not in acme_row and ">8<" in acme_row
    finance_row = page.split(">Finance</a>", 1)[1].split("</tr>", 1)[0]
    assert "too few to show" in finance_row
    assert "<svg" in page and "Completion rate by department" in page


def test_threshold_is_configurable(app_factory, staff):
    app = app_factory(PRIVACY_MIN_GROUP=1)
    page = client_for(app, "hr@example.com").get("/reports?open=all").get_data(as_text=True)
    finance_row = page.split(">Finance</a>", 1)[1].split("</tr>", 1)[0]
    assert "too few to show" not in finance_row and ">3<" in finance_row


def test_admin_sees_small_groups(app, staff):
    page = client_for(app, "admin@example.com").get("/reports?open=all").get_data(as_text=True)
    assert "too few to show" not in page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_head_sees_only_their_subtree(app, staff):
    head = client_for(app, "head@example.com")
    page = head.get("/reports?open=all").get_data(as_text=True)
    assert table_rows(page) == ["Sales", "East"]
    assert "Finance" not in page
    finance = staff.depts["finance"].id
    assert head.get(f"/reports?department={finance}").status_code == 403
    assert head.get(f"/reports/departments/{finance}").status_code == 403
    assert head.get(f"/reports/learners/{staff.people['cat'].id}").status_code == 403
    assert head.get(f"/reports/learners/{staff.people['bob'].id}").status_code == 200
    assert head.get(f"/reports/departments/{staff.depts['east'].id}").status_code == 200
    asked = head.post("/reports/export/enrollments", data={"fmt": "csv"})
    csv_text = head.get(asked.headers["Location"]).get_data(as_text=True)
    emails = set(re.findall(r"(\w+)@example.com", csv_text))
    assert emails == {"ann", "bob"}  # eve moved to finance, out of the head's view


def test_drill_down_and_transcript_pages(app, staff):
    hr = client_for(app, "hr@example.com")
    page = hr.get(f"/reports/departments/{staff.depts['finance'].id}?status=overdue")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Cat" in html and "Eve" in html and ">Dan<" not in html
    assert "Learners: 2" in html  # Cat and Eve, each with one overdue enrollment
    east = hr.get(f"/reports/departments/{staff.depts['east'].id}").get_data(as_text=True)
    assert "1 completion(s) counted here belong to learners who have since moved" in east
    transcript = hr.get(f"/reports/learners/{staff.people['eve'].id}").get_data(as_text=True)
    assert "Department at completion" in transcript and "East" in transcript
    assert "Lesson 1" in transcript and "answers</a>" not in transcript
    admin = client_for(app, "admin@example.com")
    ann = admin.get(f"/reports/learners/{staff.people['ann'].id}").get_data(as_text=True)
    assert "Attempt 2" in ann and "answers</a>" in ann


def test_individual_answers_are_for_trainers_and_admins(app, staff):
    question = staff.quiz.questions[0]
    url = f"/reports/quizzes/onb-quiz/questions/{question.id}"
    assert client_for(app, "hr@example.com").get(url).status_code == 403
    assert client_for(app, "head@example.com").get(url).status_code == 403
    page = client_for(app, "trainer@example.com").get(url).get_data(as_text=True)
    assert "Ann" in page and "Cat" in page and "Individual answers" in page
    attempt_id = re.search(r"/reports/attempts/(\d+)", page).group(1)
    assert client_for(app, "hr@example.com").get(
        f"/reports/attempts/{attempt_id}").status_code == 403
    assert client_for(app, "admin@example.com").get(
        f"/reports/attempts/{attempt_id}").status_code == 200


def test_outbox_is_for_admins(app, staff):
    assert client_for(app, "hr@example.com").get("/admin/outbox").status_code == 403
    assert client_for(app, "admin@example.com").get("/admin/outbox").status_code == 200


def test_header_links_appear_for_hr_and_admin(app, staff):
    hr = client_for(app, "hr@example.com").get("/home").get_data(as_text=True)
    assert 'href="/reports"' in hr and "/admin/outbox" not in hr
    admin = client_for(app, "admin@example.com").get("/home").get_data(as_text=True)
    assert 'href="/reports"' in admin and 'href="/admin/audit"' in admin
    # the outbox is in the admin's row on the audit log's page, not in the header
    audit_page = client_for(app, "admin@example.com").get("/admin/audit").get_data(as_text=True)
    assert 'href="/admin/outbox"' in audit_page


def test_trainers_get_item_analysis_in_the_header_not_the_dashboard(app, staff):
    trainer = client_for(app, "trainer@example.com").get("/home").get_data(as_text=True)
    assert 'href="/reports/quizzes"' in trainer and 'href="/reports"' not in trainer
    hr = client_for(app, "hr@example.com").get("/home").get_data(as_text=True)
    assert 'href="/reports/quizzes"' not in hr


def test_department_head_sees_reports_link_and_plain_learner_does_not(app, staff):
    head = client_for(app, "head@example.com").get("/home").get_data(as_text=True)
    assert 'href="/reports"' in head and "/admin/outbox" not in head
    learner = client_for(app, "ann@example.com").get("/home").get_data(as_text=True)
    assert 'href="/reports"' not in learner


def test_header_marks_the_link_of_the_page_being_shown(app, staff):
    admin = client_for(app, "admin@example.com")
    outbox = admin.get("/admin/outbox").get_data(as_text=True)
    assert '<a href="/admin/outbox" aria-current="page">' in outbox  # the admin's row
    dashboard = admin.get("/reports/concepts").get_data(as_text=True)
    assert '<a href="/reports" aria-current="page">' in dashboard
