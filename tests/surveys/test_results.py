"""Figures, the group-of-5 rule and the anonymity rule across pages and exports."""

from __future__ import annotations

import csv
import io

import pytest

from accounts import service as accounts
from extensions import db
from surveys import results, service
from tests.reports.test_exports import read_xlsx
from tests.surveys.conftest import open_cycle, rate
from tests.surveys.test_routes import login


@pytest.fixture
def rated(company, today):
    """Finance rated by 5 IT people and 2 sellers; IT rated by 4 sellers (too few)."""
    service.save_pledge(company.hr, company.finance.id, "审核报销单据", "三个工作日内")
    cycle = open_cycle(company, today)
    for person, (overall, recommend) in zip(company.it_people[:5],
                                            [(5, 10), (4, 9), (4, 8), (3, 6), (2, 0)], strict=True):
        rate(cycle, person, company.finance, today, overall=overall, recommend=recommend,
             comment=f"意见{overall}", score=overall)
    for person in company.sales_people[1:3]:
        rate(cycle, person, company.finance, today, overall=1, recommend=2, score=1,
             comment="销售的意见")
    for person in company.sales_people[3:6] + [company.sales_head]:
        rate(cycle, person, company.it, today, overall=5, comment="IT太慢了")
    service.close_cycle(cycle)
    return cycle


def test_results_wait_for_the_close(client, company, today):
    cycle = open_cycle(company, today)
    login(client, company.hr)
    for url in (f"/surveys/cycles/{cycle.id}/results", f"/surveys/cycles/{cycle.id}/results.csv",
                f"/surveys/cycles/{cycle.id}/scorecard/{company.finance.id}"):
        assert client.get(url).status_code == 404, url
    assert "Results appear when the cycle closes" in client.get(
        f"/surveys/cycles/{cycle.id}").text
    service.close_cycle(cycle)
    assert client.get(f"/surveys/cycles/{cycle.id}/results").status_code == 200


def test_matrix_and_scorecard_figures(company, rated):
    matrix = results.matrix(rated)
    assert matrix[(company.finance.id, company.it.id)] == results.Figure(5, 18 / 5)
    assert matrix[(company.finance.id, company.sales.id)].value is None  # 2 sellers
    assert matrix[(company.it.id, company.sales.id)].value is None  # 4 sellers
    card = results.scorecard(rated, company.finance.id)
    assert card.respondents == 7 and card.overall.value == pytest.approx(20 / 7)
    # NPS: promoters 10, 9 (2 of 7); detractors 6, 0, 2, 2 (4 of 7) -> (2 - 4) / 7
    assert card.nps.value == pytest.approx(100 * -2 / 7)
    assert card.factors["respect"].value == pytest.approx(20 / 7)
    assert [(zh, f.n) for zh, _en, f in card.pledges] == [
        ("兑现了承诺：审核报销单据（三个工作日内）", 7)]
    assert card.comments == sorted(["意见5", "意见4", "意见4", "意见3", "意见2",
                                    "销售的意见", "销售的意见"])
    small = results.scorecard(rated, company.it.id)
    assert (small.shown, small.respondents, small.comments) == (False, 0, [])
    rates = {r.name: (r.members, r.answered) for r in results.response_rates(rated)}
    assert rates == {"Sales": (6, 6), "IT": (6, 5), "Finance": (2, 0)}


def test_pages_hide_small_groups_even_from_admins(client, company, rated, make):
    admin = make.user("admin@example.com", roles=("admin",), department=company.acme)
    for viewer in (company.hr, admin):
        login(client, viewer)
        page = client.get(f"/surveys/cycles/{rated.id}/scorecard/{company.it.id}")
        assert page.status_code == 200 and "IT太慢了" not in page.text
        assert "too few to show" in page.text
        matrix = client.get(f"/surveys/cycles/{rated.id}/results").text
        assert "3.6" in matrix and "n=5" in matrix and "n=4" not in matrix


def test_head_sees_own_scorecard_and_comments_only(client, company, rated):
    login(client, company.finance_head)
    page = client.get(f"/surveys/cycles/{rated.id}/scorecard/{company.finance.id}")
    assert page.status_code == 200 and "意见5" in page.text and "审核报销单据" in page.text
    assert client.get(f"/surveys/cycles/{rated.id}/scorecard/{company.it.id}").status_code \
        == 403
    assert client.get(f"/surveys/cycles/{rated.id}/results.csv").status_code == 403
    login(client, company.it_people[0])  # neither HR nor a head
    assert client.get(f"/surveys/cycles/{rated.id}/results").status_code == 403
    # the sales head sees how sales rates others: only the Sales column
    login(client, company.sales_head)
    page = client.get(f"/surveys/cycles/{rated.id}/results").text
    head_row = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "Sales" in head_row and ">IT<" not in head_row


def test_exports_hold_aggregates_only(client, company, rated):
    login(client, company.hr)
    text = client.get(f"/surveys/cycles/{rated.id}/results.csv").text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    *table, end = rows
    assert end[0].startswith("End of export: ")  # a cut download cannot pass for whole
    by_pair = {(r[0], r[2]): r[4:] for r in table[1:]}
    assert by_pair[("finance", "it")] == ["5", "3.6", ""]
    assert by_pair[("finance", "sales")] == ["", "", "too few to show"]
    xlsx = client.get(f"/surveys/cycles/{rated.id}/results.xlsx")
    (sheet,) = read_xlsx(xlsx.data).values()
    assert sheet[0][:2] == ["Supplier code", "Supplier"] and len(sheet) == len(table)
    assert any(r[:4] == ["finance", "Finance", "sales", "Sales"] and "too few to show" in r
               for r in sheet)


def test_no_page_or_export_names_a_respondent(client, company, rated):
    people = company.it_people + company.sales_people
    login(client, company.hr)
    bodies = [client.get(url).get_data(as_text=True) for url in (
        f"/surveys/cycles/{rated.id}/results", f"/surveys/cycles/{rated.id}/results.csv",
        f"/surveys/cycles/{rated.id}/scorecard/{company.finance.id}",
        f"/surveys/cycles/{rated.id}")]
    for body in bodies:
        for person in people:
            assert person.email not in body and person.name not in body


def test_renamed_or_removed_department_keeps_its_name_in_results(company, rated, today):
    company.finance.name = "Treasury"
    db.session.commit()
    assert {d.name for d in rated.departments} >= {"Finance"}
    later = service.create_cycle(service.CycleInput(
        "2027 Q1", today, today, (company.finance.id, company.it.id)))
    assert {d.name for d in later.departments} == {"Treasury", "IT"}
    trend = results.trend(service.cycles(), company.finance.id)
    assert [c.title for c, _card in trend] == ["2026 Q4"]  # the draft has no results
    assert trend[0][1].overall.value == pytest.approx(20 / 7)
    accounts.transfer_user(company.finance_people[1], company.it)  # finance now empty
    assert {d.name for d in rated.departments} == {"Sales", "IT", "Finance"}
