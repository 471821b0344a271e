"""The survey pages: who may open what, the answering flow, and clear refusals."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from extensions import db
from surveys import service
from surveys.models import AnswerSet, Cycle, Participation, Pledge, Rating
from tests.factories import PASSWORD
from tests.surveys.conftest import open_cycle


def login(client, user):
    client.post("/logout")
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def test_pledges_read_by_everyone_edited_by_head_or_hr(client, company):
    login(client, company.finance_head)
    page = client.post(f"/surveys/pledges/{company.finance.id}", data={
        "service": "审核报销单据", "standard": "三个工作日内审核完毕",
        "customers": [str(company.sales.id)]}, follow_redirects=True)
    assert "三个工作日内审核完毕" in page.text and "Fin 0" in page.text  # history
    login(client, company.it_people[0])
    assert client.get("/surveys/pledges/finance").headers["Location"].endswith(
        f"/surveys/pledges/{company.finance.id}")  # the address lessons link to
    assert client.get("/surveys/pledges/nowhere").status_code == 404
    page = client.get(f"/surveys/pledges/{company.finance.id}")
    assert page.status_code == 200 and "三个工作日内审核完毕" in page.text
    assert "Add a pledge" not in page.text
    refused = client.post(f"/surveys/pledges/{company.finance.id}",
                          data={"service": "x", "standard": "y"})
    assert refused.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 1


def test_empty_pledge_field_is_named_and_nothing_saved(client, company):
    login(client, company.hr)
    page = client.post(f"/surveys/pledges/{company.finance.id}",
                       data={"service": "", "standard": "三天"})
    assert page.status_code == 400 and "This field is required" in page.text
    assert db.session.scalar(select(Pledge.id)) is None


def test_hr_creates_edits_and_opens_a_cycle(client, company, today):
    login(client, company.hr)
    bad = client.post("/surveys/cycles", data={
        "title": "Q4", "opens_on": today.isoformat(), "closes_on": today.isoformat()})
    assert bad.status_code == 400 and "at least two departments" in bad.text
    made = client.post("/surveys/cycles", data={
        "title": "Q4", "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=5)).isoformat(),
        "departments": [str(company.sales.id), str(company.it.id)]})
    cycle = db.session.scalar(select(Cycle))
    assert made.headers["Location"].endswith(f"/surveys/cycles/{cycle.id}")
    first = cycle.statements[0]
    client.post(f"/surveys/cycles/{cycle.id}/statements", data={
        "statement_id": first.id, "factor": "promises", "text_zh": "说到做到",
        "text_en": "Keeps its word"})
    db.session.refresh(first)
    assert (first.text_zh, first.text_en) == ("说到做到", "Keeps its word")
    client.post(f"/surveys/cycles/{cycle.id}/open")
    db.session.refresh(cycle)
    assert cycle.state == "open"
    login(client, company.sales_people[1])
    assert client.get(f"/surveys/cycles/{cycle.id}").status_code == 403
    home = client.get("/", follow_redirects=True)
    assert f"/surveys/cycles/{cycle.id}/take" in home.text


def test_answering_flow_resume_code_and_two_tabs(client, company, today):
    cycle = open_cycle(company, today)
    seller = company.sales_people[1]
    login(client, seller)
    page = client.get(f"/surveys/cycles/{cycle.id}/take")
    assert f'value="{company.sales.id}"' not in page.text  # never their own department
    own = client.post(f"/surveys/cycles/{cycle.id}/take",
                      data={"suppliers": [str(company.sales.id)]})
    assert own.status_code == 400 and "own department" in own.text
    none = client.post(f"/surveys/cycles/{cycle.id}/take", data={})
    assert none.status_code == 400 and "at least one" in none.text
    assert db.session.scalar(select(Participation.user_id)) is None
    started = client.post(f"/surveys/cycles/{cycle.id}/take",
                          data={"suppliers": [str(company.it.id)]}, follow_redirects=True)
    code = re.search(r"resume code is ([\w-]+)", started.text).group(1)
    statements = service.statements_for(cycle, company.it.id)
    answer = {f"s{s.id}": "4" for s in statements} | {
        "overall": "5", "loyalty": "4", "recommend": "9", "comment": "很及时"}
    saved = client.post(f"/surveys/cycles/{cycle.id}/take/{company.it.id}", data=answer)
    assert saved.status_code == 302
    assert db.session.scalar(select(Rating.overall)) == 5
    # a second browser (no session key) cannot start again; the code reopens the answers
    other = client.application.test_client()
    login(other, seller)
    again = other.post(f"/surveys/cycles/{cycle.id}/take",
                       data={"suppliers": [str(company.finance.id)]})
    assert again.status_code == 400 and "already started" in again.text
    assert db.session.scalar(select(func.count()).select_from(AnswerSet)) == 1
    wrong_code = other.post(f"/surveys/cycles/{cycle.id}/resume", data={"code": "nope"},
                            follow_redirects=True)
    assert "No answers carry that resume code" in wrong_code.text
    other.post(f"/surveys/cycles/{cycle.id}/resume", data={"code": code})
    changed = other.post(f"/surveys/cycles/{cycle.id}/take/{company.it.id}",
                         data=answer | {"overall": "2"})
    assert changed.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Rating.overall)) == 2
    wrong = other.post(f"/surveys/cycles/{cycle.id}/take/{company.it.id}",
                       data=answer | {"overall": "7"})
    assert wrong.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(select(Rating.overall)) == 2


def test_answer_after_close_is_refused_and_keeps_what_was_saved(client, company, today):
    cycle = open_cycle(company, today)
    login(client, company.it_people[1])
    client.post(f"/surveys/cycles/{cycle.id}/take", data={"suppliers": [str(company.sales.id)]})
    client.post(f"/surveys/cycles/{cycle.id}/take/{company.sales.id}", data={"overall": "3"})
    service.close_cycle(cycle)
    late = client.post(f"/surveys/cycles/{cycle.id}/take/{company.sales.id}",
                       data={"overall": "1"}, follow_redirects=True)
    assert "closed" in late.text
    db.session.expire_all()
    assert db.session.scalar(select(Rating.overall)) == 3
