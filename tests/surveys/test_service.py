"""Pledges, the cycle lifecycle and anonymous answering, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from extensions import db
from surveys import answers, service
from surveys.models import (
    FACTORS,
    AnswerSet,
    Cycle,
    Participation,
    Pledge,
    PledgeRevision,
    Rating,
    Score,
)
from surveys.service import SurveyError
from tests.surveys.conftest import open_cycle, rate


def test_pledges_keep_history_and_only_head_or_hr_edit(company):
    pledge = service.save_pledge(company.finance_head, company.finance.id, "审核报销单据",
                                 "三个工作日内", [company.sales.id])
    service.save_pledge(company.hr, company.finance.id, "审核报销单据", "两个工作日内",
                        [company.sales.id, company.it.id], pledge_id=pledge.id)
    with pytest.raises(PermissionError):
        service.save_pledge(company.it_people[0], company.finance.id, "x", "y")
    with pytest.raises(PermissionError):  # a head edits their own subtree only
        service.save_pledge(company.sales_head, company.finance.id, "x", "y")
    service.remove_pledge(company.finance_head, company.finance.id, pledge.id)
    history = service.pledge_history(company.finance.id)
    assert [(r.action, r.standard, r.changed_by_name) for r in history] == [
        ("removed", "两个工作日内", "Fin 0"), ("changed", "两个工作日内", "Hr"),
        ("created", "三个工作日内", "Fin 0")]
    assert history[1].customers == "Sales, IT"
    assert service.pledges_of(company.finance.id) == []


def test_bad_pledge_names_the_field_and_writes_nothing(company):
    with pytest.raises(SurveyError) as error:
        service.save_pledge(company.hr, company.finance.id, "  ", "三天")
    assert error.value.field == "service"
    with pytest.raises(SurveyError) as error:
        service.save_pledge(company.hr, company.finance.id, "审核", "三天",
                            [company.finance.id])
    assert error.value.field == "customers"
    assert db.session.scalar(select(Pledge.id)) is None
    assert db.session.scalar(select(PledgeRevision.id)) is None


def test_cycle_lifecycle_and_template_edits(company, today):
    cycle = service.create_cycle(service.CycleInput(
        "Q4", today, today + timedelta(days=7), (company.sales.id, company.finance.id)))
    assert [s.factor for s in cycle.statements] == list(FACTORS)
    service.save_pledge(company.hr, company.finance.id, "审核报销单据", "三个工作日内")
    first = cycle.statements[0]
    service.save_statement(cycle, "promises", "新的说法", "New wording", first.id)
    for statement in list(cycle.statements):
        service.delete_statement(cycle, statement.id)
    with pytest.raises(SurveyError) as error:
        service.open_cycle(cycle)
    assert error.value.field == "statements" and cycle.state == "draft"
    service.save_statement(cycle, "respect", "尊重", "Respect")
    service.open_cycle(cycle)
    pledge_statements = [s for s in cycle.statements if s.factor == "pledge"]
    assert [(s.department_id, s.text_zh) for s in pledge_statements] == [
        (company.finance.id, "兑现了承诺：审核报销单据（三个工作日内）")]
    assert {d.code: d.members for d in cycle.departments} == {"sales": 6, "finance": 2}
    with pytest.raises(SurveyError):  # the template is frozen once open
        service.save_statement(cycle, "respect", "x", "y")
    assert service.status(cycle, today) == "open"
    assert service.status(cycle, today + timedelta(days=8)) == "closed"
    service.close_cycle(cycle)
    assert service.status(cycle, today) == "closed"


def test_cycle_needs_two_departments_and_dates(company, today):
    for data, field in [
        (service.CycleInput("Q", today, today, ()), "departments"),
        (service.CycleInput("Q", today, today, (company.sales.id,)), "departments"),
        (service.CycleInput("Q", today, today - timedelta(days=1),
                            (company.sales.id, company.it.id)), "closes_on"),
        (service.CycleInput(" ", today, today, (company.sales.id, company.it.id)), "title"),
    ]:
        with pytest.raises(SurveyError) as error:
            service.create_cycle(data)
        assert error.value.field == field
    assert db.session.scalar(select(Cycle.id)) is None


def test_answers_are_stored_apart_from_participation(company, today):
    cycle = open_cycle(company, today)
    key = rate(cycle, company.sales_people[1], company.finance, today, comment="更快一点")
    # participation: who, and their department, and nothing else
    assert {c.key for c in inspect(Participation).columns} == {
        "cycle_id", "user_id", "department_id"}
    # answers: no person, no time; only the respondent's department
    for model in (AnswerSet, Rating, Score):
        columns = {c.key for c in inspect(model).columns}
        assert not columns & {"user_id", "created_at", "updated_at", "saved_at", "id"}
    answer_set = db.session.scalar(select(AnswerSet))
    assert answer_set.key_hash == answers.hash_key(key) and key not in answer_set.key_hash
    assert answer_set.department_id == company.sales.id
    assert answers.has_taken_part(cycle, company.sales_people[1])


def test_answers_change_until_the_close_then_are_refused(company, today):
    cycle = open_cycle(company, today)
    key = rate(cycle, company.it_people[0], company.finance, today, overall=2)
    answer_set = answers.answer_set(cycle, key)
    change = answers.SupplierAnswers({}, 5, None, 10, "好多了")
    answers.save(cycle, answer_set, company.finance.id, change, today)
    rating = db.session.scalar(select(Rating))
    assert (rating.overall, rating.recommend, rating.comment) == (5, 10, "好多了")
    assert db.session.scalar(select(Score.score)) is None  # the blank statements cleared
    with pytest.raises(SurveyError) as error:
        answers.save(cycle, answer_set, company.finance.id,
                     answers.SupplierAnswers({}, 1, None, None, ""), today + timedelta(days=7))
    assert "closed" in error.value.message
    assert db.session.scalar(select(Rating.overall)) == 5


def test_own_department_empty_choice_and_bad_values_are_refused(company, today):
    cycle = open_cycle(company, today)
    seller = company.sales_people[2]
    for suppliers in ([company.sales.id], [], [company.sales.id, company.it.id], [99999]):
        with pytest.raises(SurveyError) as error:
            answers.start(cycle, seller, suppliers, today)
        assert error.value.field == "suppliers"
    assert db.session.scalar(select(Participation.user_id)) is None
    assert db.session.scalar(select(AnswerSet.key_hash)) is None
    key = answers.start(cycle, seller, [company.it.id], today)
    answer_set = answers.answer_set(cycle, key)
    with pytest.raises(SurveyError) as error:
        answers.save(cycle, answer_set, company.it.id,
                     answers.SupplierAnswers({}, 6, None, None, ""), today)
    assert error.value.field == "overall"
    with pytest.raises(SurveyError):  # a second start (another tab) writes nothing
        answers.start(cycle, seller, [company.finance.id], today)
    assert db.session.scalar(select(Rating.overall)) is None
    assert len(db.session.scalars(select(AnswerSet)).all()) == 1


def test_changing_suppliers_drops_the_dropped_answers(company, today):
    cycle = open_cycle(company, today)
    key = rate(cycle, company.sales_people[3], company.it, today)
    answer_set = answers.answer_set(cycle, key)
    answers.set_suppliers(cycle, answer_set, [company.finance.id], today)
    assert [r.supplier_id for r in answers.ratings(cycle, answer_set)] == [company.finance.id]
    assert db.session.scalar(select(Score.score)) is None
