"""Briefings: who receives them, receipts once, rates per department with the privacy
threshold, reminders to those who have not confirmed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from extensions import db
from reports.models import OutboxMessage
from rollouts import briefings
from rollouts.models import Briefing, BriefingReceipt


@pytest.fixture
def company(make):
    acme = make.department("acme", "Acme")
    sales = make.department("sales", "Sales", parent=acme)
    east = make.department("east", "East", parent=sales)
    finance = make.department("finance", "Finance", parent=acme)
    people = {
        "sales": [make.user(f"s{i}@example.com", department=sales) for i in range(5)],
        "east": [make.user(f"e{i}@example.com", department=east) for i in range(2)],
        "finance": [make.user(f"f{i}@example.com", department=finance) for i in range(5)],
    }
    trainer = make.user("trainer@example.com", roles=("trainer",))
    return {"sales": sales, "east": east, "finance": finance, "people": people,
            "trainer": trainer}


def post(company, **extra):
    return briefings.create(company["trainer"], "New discount policy",
                            "Read **this**.<img src=x onerror=alert(1)>",
                            [company["sales"].id], **extra)


def test_briefing_reaches_the_subtree_only(app, company, client, auth):
    briefing = post(company)
    assert "onerror" not in briefing.body_html and "<strong>this</strong>" in briefing.body_html
    seller, easterner = company["people"]["sales"][0], company["people"]["east"][0]
    accountant = company["people"]["finance"][0]
    assert briefings.pending_for(seller) == [briefing]
    assert briefings.pending_for(easterner) == [briefing]  # below sales
    assert briefings.pending_for(accountant) == []
    auth.login(easterner.email)
    assert "New discount policy" in client.get("/home").get_data(as_text=True)
    assert client.get(f"/briefings/{briefing.id}").status_code == 200
    auth.logout()
    auth.login(accountant.email)
    assert client.get(f"/briefings/{briefing.id}").status_code == 403
    assert client.post(f"/briefings/{briefing.id}/confirm").status_code == 403
    assert db.session.scalar(select(BriefingReceipt)) is None


def test_confirming_twice_records_one_receipt(app, company, client, auth):
    briefing = post(company)
    seller = company["people"]["sales"][1]
    auth.login(seller.email)
    client.post(f"/briefings/{briefing.id}/confirm")
    client.post(f"/briefings/{briefing.id}/confirm")
    assert db.session.query(BriefingReceipt).count() == 1
    assert "New discount policy" not in client.get("/home").get_data(as_text=True)
    assert briefings.pending_for(seller) == []


def test_rates_per_department_hide_small_groups(app, company, make, client, auth):
    briefing = post(company)
    for person in company["people"]["sales"][:3] + company["people"]["east"][:1]:
        briefings.confirm(person, briefing)
    auth.login(make.user("hr@example.com", roles=("hr",)).email)
    page = client.get(f"/briefings/{briefing.id}/receipts").get_data(as_text=True)
    assert "3 (60%)" in page  # sales: 3 of 5
    assert "East" in page and "too few" in page  # 2 members: masked
    assert "1 (50%)" not in page
    assert "Finance" not in page
    auth.logout()
    auth.login(company["people"]["sales"][0].email)
    assert client.get(f"/briefings/{briefing.id}/receipts").status_code == 403


def test_reminders_go_to_non_confirmers_once_a_day(app, company, client, auth):
    briefing = post(company)
    for person in company["people"]["sales"][:4]:
        briefings.confirm(person, briefing)
    assert briefings.remind(briefing) == 3  # one seller and two in east
    assert briefings.remind(briefing) == 0  # not twice on a day
    sent_to = set(db.session.scalars(select(OutboxMessage.to_email)
                                     .where(OutboxMessage.kind == "briefing")))
    assert sent_to == {"s4@example.com", "e0@example.com", "e1@example.com"}


def test_bad_briefing_names_the_field_and_writes_nothing(app, company, client, auth):
    auth.login(company["trainer"].email)
    response = client.post("/briefings/new", data={"title": "T", "body": "B",
                                                   "departments": ["99999"], "course": "0"})
    assert response.status_code == 400
    assert "Departments" in response.get_data(as_text=True)
    response = client.post("/briefings/new", data={"title": "", "body": "B",
                                                   "departments": [str(company["sales"].id)]})
    assert response.status_code == 400
    assert db.session.scalar(select(Briefing)) is None
    response = client.post("/briefings/new", data={
        "title": "T", "body": "B", "course": "0",
        "departments": [str(company["sales"].id), str(company["finance"].id)]})
    assert response.status_code == 302
    assert len(db.session.scalar(select(Briefing)).audience) == 2
