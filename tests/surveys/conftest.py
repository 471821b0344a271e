"""A small company for the survey tests.

    acme ─┬─ sales (6 people, head: hana)
          ├─ it    (6 people)
          └─ finance (2 people, head: fay)

hr@example.com holds the hr role. Today is the test day; the cycle runs T-1 to T+6.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from accounts.models import Department, User
from extensions import db
from surveys import answers, service
from surveys.models import Cycle
from tests.factories import Factories


@dataclass
class Company:
    acme: Department
    sales: Department
    it: Department
    finance: Department
    hr: User
    sales_head: User
    finance_head: User
    sales_people: list[User]
    it_people: list[User]
    finance_people: list[User]


@pytest.fixture
def company(make: Factories) -> Company:
    acme = make.department("acme", "Acme")
    sales = make.department("sales", "Sales", parent=acme)
    it = make.department("it", "IT", parent=acme)
    finance = make.department("finance", "Finance", parent=acme)
    hr = make.user("hr@example.com", roles=("learner", "hr"), department=acme, name="Hr")
    sales_people = [make.user(f"s{i}@example.com", department=sales, name=f"Seller {i}")
                    for i in range(6)]
    it_people = [make.user(f"i{i}@example.com", department=it, name=f"Tech {i}")
                 for i in range(6)]
    finance_people = [make.user(f"f{i}@example.com", department=finance, name=f"Fin {i}")
                      for i in range(2)]
    sales.head, finance.head = sales_people[0], finance_people[0]
    db.session.commit()
    return Company(acme, sales, it, finance, hr, sales_people[0], finance_people[0],
                   sales_people, it_people, finance_people)


def open_cycle(company: Company, today: date, title: str = "2026 Q4") -> Cycle:
    cycle = service.create_cycle(service.CycleInput(
        title, today - timedelta(days=1), today + timedelta(days=6),
        (company.sales.id, company.it.id, company.finance.id)))
    service.open_cycle(cycle)
    return cycle


def rate(cycle: Cycle, user: User, supplier: Department, today: date, overall: int = 4,
         recommend: int = 9, comment: str = "", score: int = 4) -> str:
    """Start (if needed) and answer about one supplier; returns the respondent's key."""
    key = answers.start(cycle, user, [supplier.id], today)
    answer_set = answers.answer_set(cycle, key)
    assert answer_set is not None
    statement_ids = [s.id for s in service.statements_for(cycle, supplier.id)]
    answers.save(cycle, answer_set, supplier.id, answers.SupplierAnswers(
        dict.fromkeys(statement_ids, score), overall, 4, recommend, comment), today)
    return key
