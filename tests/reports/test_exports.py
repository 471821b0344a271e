"""CSV and XLSX exports: contents, and a raw list that streams instead of piling up."""

from __future__ import annotations

import csv
import inspect
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from flask_babel import force_locale

from reports import exports, service
from reports.service import Filters, Scope
from tests.factories import PASSWORD

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture
def hr(app, company, make):  # type: ignore[no-untyped-def]
    make.user("hr@example.com", roles=("hr",))
    client = app.test_client()
    client.post("/login", data={"email": "hr@example.com", "password": PASSWORD})
    return client


def read_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs then read the Chinese right
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(data: bytes) -> dict[str, list[list[str]]]:
    """Every sheet as rows of cell texts, read with zipfile and ElementTree only."""
    book = zipfile.ZipFile(io.BytesIO(data))
    names = [e.get("name") for e in ElementTree.fromstring(book.read("xl/workbook.xml"))
             .iterfind("x:sheets/x:sheet", NS)]
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        shared = ["".join(t.text or "" for t in si.iterfind(".//x:t", NS)) for si in
                  ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iterfind("x:si", NS)]
    sheets = {}
    for number, name in enumerate(names, start=1):
        root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{number}.xml"))
        rows = []
        for row in root.iterfind(".//x:sheetData/x:row", NS):
            cells = {}
            for cell in row.iterfind("x:c", NS):
                column = re.match(r"[A-Z]+", cell.get("r")).group(0)
                kind = cell.get("t")
                if kind == "inlineStr":
                    value = "".join(t.text or "" for t in cell.iterfind(".//x:t", NS))
                elif kind == "s":
                    value = shared[int(cell.find("x:v", NS).text)]
                else:
                    found = cell.find("x:v", NS)
                    value = found.text if found is not None else ""
                cells[column] = value
            width = max((ord(c) - 64 for c in cells if len(c) == 1), default=0)
            rows.append([cells.get(chr(65 + i), "") for i in range(width)])
        sheets[name] = rows
    return sheets


def test_enrollment_csv_lists_every_enrollment_with_status(hr, company):
    response = hr.get("/reports/export/enrollments.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response.data)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Enrollment", "Email", "Learner"] and header[-1] == "Days overdue"
    assert len(body) == 8
    by_key = {(r[1], r[7]): dict(zip(header, r, strict=True)) for r in body}
    eve = by_key[("eve@example.com", "onb")]
    assert eve["Department code"] == "finance" and eve["Department at completion"] == "east"
    assert eve["Status"] == "completed" and eve["Completed"] == company.day(-35).isoformat()
    late = by_key[("eve@example.com", "sec")]
    assert late["Status"] == "not started" and late["Days overdue"] == "5"
    assert by_key[("cat@example.com", "onb")]["Days overdue"] == "1"
    assert by_key[("dan@example.com", "onb")]["Days overdue"] == "0"


def test_enrollment_csv_follows_the_filters(hr, company):
    as_of = company.day(-22).isoformat()
    rows = read_csv(hr.get(f"/reports/export/enrollments.csv?as_of={as_of}").data)[1:]
    # enrolled by T-22: ann (2) and eve (2)
    assert sorted(r[1] for r in rows) == ["ann@example.com"] * 2 + ["eve@example.com"] * 2
    east = company.depts["east"].id
    rows = read_csv(hr.get(f"/reports/export/enrollments.csv?department={east}").data)[1:]
    assert {r[1] for r in rows} == {"bob@example.com"}


def test_dashboard_csv_has_subtree_figures_and_hides_small_groups(hr):
    rows = read_csv(hr.get("/reports/export/dashboard.csv").data)
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["acme"][3:11] == ["5", "8", "3", "2", "3", "4", "37.5", "75.0"]
    assert by_code["finance"][3:11] == [""] * 8 and by_code["finance"][11] == "too few to show"
    assert set(by_code) >= {"acme", "sales", "east", "finance"}


def test_dashboard_xlsx_matches_the_csv(hr):
    response = hr.get("/reports/export/dashboard.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheets = read_xlsx(response.data)
    rows = sheets["Dashboard"]
    assert rows[0][:2] == ["Department code", "Department"]
    acme = next(r for r in rows if r[0] == "acme")
    assert acme[1] == "Acme" and [float(v) for v in acme[3:11]] == [5, 8, 3, 2, 3, 4, 37.5, 75]


def test_enrollment_xlsx_contents(hr, company):
    sheets = read_xlsx(hr.get("/reports/export/enrollments.xlsx").data)
    rows = sheets["Enrollments"]
    assert len(rows) == 9 and rows[0][1] == "Email"
    eve = next(r for r in rows if r[1] == "eve@example.com" and r[7] == "sec")
    assert eve[15] == "not started" and eve[16] == "5"


def test_raw_list_is_a_generator_read_lazily(app, company):
    tree = service.department_tree()
    scope = Scope(True, tuple(tree.roots), frozenset(), True, True)
    with force_locale("en"):
        rows = exports.enrollment_rows(scope, tree, Filters(company.T))
        assert inspect.isgenerator(rows)
        chunks = exports.csv_chunks(exports.enrollment_header(), rows)
        assert inspect.isgenerator(chunks)
        assert sum(chunk.count("\n") for chunk in chunks) == 9  # header and 8 rows


def test_csv_chunks_leave_before_the_rows_after_them_are_read():
    pulled = 0

    def rows():  # type: ignore[no-untyped-def]
        nonlocal pulled
        for i in range(5000):
            pulled += 1
            yield [i, f"learner {i}"]

    chunks = exports.csv_chunks(["n", "name"], rows(), rows_per_chunk=500)
    first = next(chunks)
    assert first.count("\n") == 501 and pulled == 500  # the other 4500 rows not yet read
    assert sum(c.count("\n") for c in chunks) + first.count("\n") == 5001 and pulled == 5000


def test_the_http_export_streams(hr):
    response = hr.get("/reports/export/enrollments.csv", buffered=False)
    assert response.is_streamed
    response.close()


def test_xlsx_starts_a_new_sheet_at_excels_row_limit(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_ROWS", 4)  # 3 rows and a header per sheet
    target = io.BytesIO()
    count = exports.write_xlsx(["n"], ([i] for i in range(7)), target, "Rows")
    sheets = read_xlsx(target.getvalue())
    assert count == 7 and list(sheets) == ["Rows", "Rows 2", "Rows 3"]
    assert [r[0] for r in sheets["Rows 3"]] == ["n", "6"]


def test_formulas_in_names_are_not_run_by_spreadsheets():
    assert exports._cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    target = io.BytesIO()
    exports.write_xlsx(["name"], [["=1+1"]], target, "S")
    assert read_xlsx(target.getvalue())["S"][1] == ["=1+1"]
    assert b"<f>" not in zipfile.ZipFile(target).read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("name", ["＝HYPERLINK(\"x\")", "＋1", "－1", "＠SUM(A1)",
                                  "\u200b=HYPERLINK(\"x\")", "\ufeff=1+1", "\u200b\ufeff@A1",
                                  "\u2060+1"])
def test_full_width_and_hidden_formula_starts_are_neutralised(name):
    assert exports._cell(name) == "'" + name


@pytest.mark.parametrize("name", ["林晓", "Ann =1", "\u200bAnn", "1-2"])
def test_ordinary_names_are_left_alone(name):
    assert exports._cell(name) == name
