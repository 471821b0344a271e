"""CSV and XLSX exports: contents, a raw list that streams instead of piling up, the end
line that tells a whole file from a cut one, and XLSX sheets (split, frozen, filtered)."""

from __future__ import annotations

import csv
import inspect
import io
import re
import tempfile
import zipfile
from datetime import date
from xml.etree import ElementTree

import pytest
from flask_babel import force_locale

from accounts.tree import department_tree
from reports import exports
from reports.service import Filters, Scope
from tests.factories import PASSWORD
from tests.reports.conftest import client_for

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture
def hr(app, company, make):
    make.user("hr@example.com", roles=("hr",))
    client = app.test_client()
    client.post("/login", data={"email": "hr@example.com", "password": PASSWORD})
    return client


def read_csv(data: bytes) -> list[list[str]]:
    """The rows of a whole CSV export (its header first), checked for its end line."""
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs then read the Chinese right
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[-1] == [f"End of export: {len(rows) - 2} rows"]
    return rows[:-1]


def export(client, fmt: str = "csv", query: str = ""):
    """Ask for the raw list as the dashboard's button does, and follow to the file."""
    asked = client.post(f"/reports/export/enrollments{query}", data={"fmt": fmt})
    assert asked.status_code == 303, asked.get_data(as_text=True)
    return client.get(asked.headers["Location"])


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
    response = export(hr)
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
    rows = read_csv(export(hr, query=f"?as_of={as_of}").data)[1:]
    # enrolled by T-22: ann (2) and eve (2)
    assert sorted(r[1] for r in rows) == ["ann@example.com"] * 2 + ["eve@example.com"] * 2
    east = company.depts["east"].id
    rows = read_csv(export(hr, query=f"?department={east}").data)[1:]
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
    sheets = read_xlsx(export(hr, "xlsx").data)
    rows = sheets["Enrollments"]
    assert len(rows) == 9 and rows[0][1] == "Email"
    eve = next(r for r in rows if r[1] == "eve@example.com" and r[7] == "sec")
    assert eve[15] == "not started" and eve[16] == "5"


def test_raw_list_is_a_generator_read_lazily(app, company):
    tree = department_tree()
    scope = Scope(True, tuple(tree.roots), frozenset(), True, True)
    with force_locale("en"):
        rows = exports.enrollment_rows(scope, tree, Filters(company.T))
        assert inspect.isgenerator(rows)
        chunks = exports.csv_chunks(exports.enrollment_header(), rows)
        assert inspect.isgenerator(chunks)
        assert sum(chunk.count("\n") for chunk in chunks) == 10  # header, 8 rows, end line


def test_csv_chunks_leave_before_the_rows_after_them_are_read():
    pulled = 0

    def rows():
        nonlocal pulled
        for i in range(5000):
            pulled += 1
            yield [i, f"learner {i}"]

    chunks = exports.csv_chunks(["n", "name"], rows(), rows_per_chunk=500)
    first = next(chunks)
    assert first.count("\n") == 501 and pulled == 500  # the other 4500 rows not yet read
    rest = "".join(chunks)
    assert first.count("\n") + rest.count("\n") == 5002 and pulled == 5000
    assert rest.endswith("End of export: 5000 rows\r\n")


def test_the_http_export_streams(hr):
    asked = hr.post("/reports/export/enrollments", data={"fmt": "csv"})
    assert asked.status_code == 303
    response = hr.get(asked.headers["Location"], buffered=False)
    assert response.is_streamed and "Content-Length" not in response.headers
    response.close()


def test_xlsx_starts_a_new_sheet_at_the_sheet_limit(tmp_path):
    target = io.BytesIO()
    count = exports.write_xlsx(["n"], ([i] for i in range(7)), target, "Rows",
                               tmpdir=tmp_path, sheet_rows=4)  # 3 rows and a header each
    sheets = read_xlsx(target.getvalue())
    assert count == 7 and list(sheets) == ["Rows", "Rows 2", "Rows 3"]
    assert [r[0] for r in sheets["Rows"]] == ["n", "0", "1", "2"]
    assert [r[0] for r in sheets["Rows 3"]] == ["n", "6"]
    target = io.BytesIO()
    exports.write_xlsx(["n"], ([i] for i in range(6)), target, "Rows", tmpdir=tmp_path,
                       sheet_rows=4)
    assert list(read_xlsx(target.getvalue())) == ["Rows", "Rows 2"]  # no empty third sheet


def test_the_sheet_limit_setting_splits_the_http_export(app_factory, company, make):
    app = app_factory(XLSX_SHEET_ROWS=4)
    make.user("hr@example.com", roles=("hr",))
    sheets = read_xlsx(export(client_for(app, "hr@example.com"), "xlsx").data)
    assert list(sheets) == ["Enrollments", "Enrollments 2", "Enrollments 3"]
    assert [len(rows) for rows in sheets.values()] == [4, 4, 3]  # 8 rows under 3 headers


def test_xlsx_sheets_are_ready_to_read(tmp_path):
    """#20: widths, a frozen header, an autofilter, and dates shown as dates."""
    target = io.BytesIO()
    exports.write_xlsx(["name", "day"], [["Ann", date(2026, 3, 1)], ["Bob", None]], target,
                       "S", tmpdir=tmp_path, widths=[20, 12], sheet_rows=4)
    book = zipfile.ZipFile(target)
    sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    widths = [float(c.get("width")) for c in sheet.iterfind("x:cols/x:col", NS)]
    assert widths[0] > 20 and 12 < widths[1] < 14
    pane = sheet.find("x:sheetViews/x:sheetView/x:pane", NS)
    assert pane.get("ySplit") == "1" and pane.get("state") == "frozen"
    assert sheet.find("x:autoFilter", NS).get("ref") == "A1:B3"
    day = sheet.find(".//x:c[@r='B2']", NS)
    assert day.find("x:v", NS).text == "46082"  # Excel's serial day for 2026-03-01
    styles = ElementTree.fromstring(book.read("xl/styles.xml"))
    formats = {f.get("numFmtId"): f.get("formatCode")
               for f in styles.iterfind("x:numFmts/x:numFmt", NS)}
    used = styles.findall("x:cellXfs/x:xf", NS)[int(day.get("s"))].get("numFmtId")
    assert formats[used] == "yyyy-mm-dd"


def test_xlsx_writes_its_row_files_only_in_the_given_folder(tmp_path, monkeypatch):
    system_temp = tmp_path / "system"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    seen: list[str] = []
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    def rows():
        for i in range(3):
            seen.extend(p.name for p in scratch.iterdir())
            yield [f"learner{i}@example.com"]

    exports.write_xlsx(["email"], rows(), io.BytesIO(), "S", tmpdir=scratch)
    assert seen and not list(system_temp.iterdir())


def test_a_stream_cut_by_an_error_never_ends_like_a_whole_file(hr, monkeypatch):
    """A database error mid-list: the response breaks off (the browser reports a failed
    download) instead of ending cleanly, and no end line states a count."""
    real = exports.enrollment_rows

    def failing(*args):
        for number, row in enumerate(real(*args)):
            if number == 3:
                raise RuntimeError("connection to the database lost")
            yield row

    monkeypatch.setattr(exports, "enrollment_rows", failing)
    location = hr.post("/reports/export/enrollments", data={"fmt": "csv"}).headers["Location"]
    received = b""
    with pytest.raises(RuntimeError, match="database lost"):  # the server breaks it off
        for chunk in hr.get(location, buffered=False).response:
            received += chunk
    assert b"End of export" not in received


def test_formulas_in_names_are_not_run_by_spreadsheets(tmp_path):
    assert exports._cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    target = io.BytesIO()
    exports.write_xlsx(["name"], [["=1+1"]], target, "S", tmpdir=tmp_path)
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
