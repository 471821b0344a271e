"""A user's mistake in a report address gets a clear answer, never a 500 or a wider report."""

from __future__ import annotations

import re

from tests.reports.conftest import client_for


def test_unknown_query_arguments_are_ignored(app, staff):
    hr = client_for(app, "hr@example.com")
    for query in ("fmt=x", "department_id=1", "endpoint=x", "open=%C2%B2", "open=1,x,²"):
        page = hr.get(f"/reports?{query}")
        assert page.status_code == 200, query
        links = re.findall(r'href="([^"]*)"', page.get_data(as_text=True))
        assert not [link for link in links if "fmt=" in link], query  # not carried along


def test_huge_page_numbers_are_clamped(app, staff):
    admin = client_for(app, "admin@example.com")
    for address in ("/admin/outbox", "/admin/audit"):
        for page in ("99999999999999999999", "-3", "x"):
            assert admin.get(f"{address}?page={page}").status_code == 200, (address, page)
    east = staff.depts["east"].id
    assert admin.get(f"/reports/departments/{east}?page=99999999999999999999"
                     ).status_code == 200


def test_invalid_filters_answer_400_with_the_field_not_a_wider_report(app, staff):
    hr = client_for(app, "hr@example.com")
    east = staff.depts["east"].id
    far = hr.get(f"/reports/departments/{east}?as_of=9999-12-31")
    assert far.status_code == 400
    assert "Give a date between 1900 and 2199." in far.get_data(as_text=True)
    garbage = hr.get(f"/reports/export/enrollments.csv?department={east}&as_of=garbage")
    assert garbage.status_code == 400 and garbage.mimetype == "text/html"
    assert "Check the filters" in garbage.get_data(as_text=True)
    unknown = hr.get("/reports?department=999999")
    assert unknown.status_code in (400, 403) and "Ann" not in unknown.get_data(as_text=True)
    backwards = hr.get("/reports?hired_from=2026-02-01&hired_to=2026-01-01")
    assert backwards.status_code == 400
    assert "before its start" in backwards.get_data(as_text=True)


def test_cli_names_a_bad_date_option(company, runner, tmp_path):
    export = runner.invoke(args=["reports", "export", str(tmp_path / "x.csv"),
                                 "--as-of", "garbage"])
    assert export.exit_code == 2 and "--as-of" in export.output
    assert not (tmp_path / "x.csv").exists()
    remind = runner.invoke(args=["reminders", "send", "--today", "2026-02-30"])
    assert remind.exit_code == 2 and "--today" in remind.output
