"""Certificates: issued with completion, printable for the learner and HR, verifiable by anyone."""

from __future__ import annotations

from sqlalchemy import delete, select

from extensions import db
from reports.certificates import normalise_code
from reports.models import Certificate
from tests.factories import PASSWORD


def code_of(enrollment_id: int) -> str | None:
    return db.session.scalar(select(Certificate.code).where(
        Certificate.enrollment_id == enrollment_id))


def login(app, email):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


def test_completion_issues_a_certificate_in_the_same_transaction(company):
    eve = company.enrollment("eve", company.onb)
    code = code_of(eve.id)
    assert len(code) == 11 and code[5] == "-"
    assert code_of(company.enrollment("dan", company.onb).id) is None  # still open


def test_learner_prints_their_own_certificate(app, company):
    eve = company.enrollment("eve", company.onb)
    code = code_of(eve.id)
    page = login(app, "eve@example.com").get(f"/certificates/{eve.id}").get_data(as_text=True)
    assert "Certificate of completion" in page and "Eve" in page and "Course onb" in page
    assert code in page and f"/verify/{code}" in page and "East" in page
    mine = login(app, "eve@example.com").get("/certificates").get_data(as_text=True)
    assert f"/certificates/{eve.id}" in mine
    home = login(app, "eve@example.com").get("/home").get_data(as_text=True)
    assert f'href="/certificates/{eve.id}"' in home and 'href="/certificates"' in home
    open_home = login(app, "dan@example.com").get("/home").get_data(as_text=True)
    assert "/certificates/" not in open_home  # nothing completed, no certificate button


def test_others_need_hr_or_a_head_over_the_learner(app, company, make):
    eve = company.enrollment("eve", company.onb)
    # 404, not 403: a colleague cannot probe who has completed what.
    assert login(app, "dan@example.com").get(f"/certificates/{eve.id}").status_code == 404
    make.user("hr@example.com", roles=("hr",))
    assert login(app, "hr@example.com").get(f"/certificates/{eve.id}").status_code == 200
    open_one = company.enrollment("dan", company.onb)
    assert login(app, "hr@example.com").get(f"/certificates/{open_one.id}").status_code == 404


def test_older_completions_get_their_certificate_when_first_opened(app, company, make):
    ann = company.enrollment("ann", company.onb)
    db.session.execute(delete(Certificate).where(Certificate.enrollment_id == ann.id))
    db.session.commit()
    page = login(app, "ann@example.com").get(f"/certificates/{ann.id}")
    assert page.status_code == 200
    assert code_of(ann.id) in page.get_data(as_text=True)


def test_public_verification_shows_only_name_course_and_date(app, company):
    eve = company.enrollment("eve", company.onb)
    code = code_of(eve.id)
    anonymous = app.test_client()
    page = anonymous.get(f"/verify/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "This certificate is valid." in html
    assert "Eve" in html and "Course onb" in html
    assert "East" not in html and "eve@example.com" not in html and "Finance" not in html
    typed = anonymous.get("/verify", query_string={"code": code.lower().replace("-", " ")})
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/verify/{code}")
    missing = anonymous.get("/verify/AAAAA-AAAAA")
    assert missing.status_code == 404 and "No certificate has the code" in missing.get_data(
        as_text=True)
    assert anonymous.get("/verify").status_code == 200


def test_codes_are_normalised():
    assert normalise_code(" abcde fghjk ") == "ABCDE-FGHJK"
    assert normalise_code("abcde-fghjk") == "ABCDE-FGHJK"
