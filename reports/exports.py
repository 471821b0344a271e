"""CSV and XLSX exports: the dashboard, and the raw enrollment list (streamed).

The raw list never sits in memory: rows come from a server-side cursor
(PostgreSQL) or SQLite's stepping cursor in batches, CSV text leaves in chunks,
and XlsxWriter in constant_memory mode writes each row to disk as it goes (in a
scratch folder of the instance, never the system temp). A big raw list is written
by a background job (reports/jobs.py); these functions only write.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from accounts.models import Department, User
from accounts.tree import Tree
from courses.models import Course, Enrollment
from extensions import db
from reports.learners import end_of, status_on
from reports.service import Dashboard, Filters, Scope

BATCH = 2000
XLSX_ROWS = 1_048_576  # per sheet, the header included
# Spreadsheets also read the full-width signs as formulas, and skip invisible characters
# (zero-width space and joiners, a BOM) in front of them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
INVISIBLE_LEAD = "\u200b\u200c\u200d\u2060\ufeff"


def dashboard_header() -> list[str]:
    return [_("Department code"), _("Department"), _("Level"), _("Members"), _("Enrolled"),
            _("Completed"), _("In progress"), _("Not started"), _("Overdue"),
            _("Completion rate (%)"), _("Average best quiz score (%)"), _("Note")]


def dashboard_rows(board: Dashboard) -> Iterator[list[Any]]:
    """Every row of the board (export it with everything expanded), subtree figures."""
    for row in board.rows:
        name = row.name or _("No department")
        if row.masked:
            yield [row.code, name, row.depth] + [None] * 8 + [_("too few to show")]
            continue
        f = row.figures
        rate = round(100 * f.completion_rate, 1) if f.completion_rate is not None else None
        score = round(100 * f.average_score, 1) if f.average_score is not None else None
        yield [row.code, name, row.depth, f.members, f.enrolled, f.completed, f.in_progress,
               f.not_started, f.overdue, rate, score, None]


def enrollment_header() -> list[str]:
    return [_("Enrollment"), _("Email"), _("Learner"), _("Active"), _("Department code"),
            _("Department"), _("Hire date"), _("Course"), _("Course title"), _("Source"),
            _("Enrolled"), _("Due date"), _("Started"), _("Completed"),
            _("Department at completion"), _("Status"), _("Days overdue")]


def sheet_title() -> str:
    return _("Enrollments")


# Column widths in characters for XLSX (the data is never held, so not measured).
DASHBOARD_WIDTHS = [14, 24, 6, 9, 9, 10, 11, 11, 9, 12, 14, 16]
ENROLLMENT_WIDTHS = [11, 30, 18, 7, 14, 20, 12, 16, 28, 11, 12, 12, 12, 12, 14, 12, 10]


def _enrollment_query(scope: Scope, tree: Tree, filters: Filters, *columns: Any) -> Select:
    current, stamped = aliased(Department), aliased(Department)
    query = (
        select(*columns or (
               Enrollment.id, User.email, User.name, User.active, current.code, current.name,
               User.hire_date, Course.slug, Course.title, Enrollment.source,
               Enrollment.enrolled_at, Enrollment.due_date, Enrollment.started_at,
               Enrollment.completed_at, stamped.code))
        .select_from(Enrollment)
        .join(User, User.id == Enrollment.user_id)
        .where(Enrollment.enrolled_at < end_of(filters.as_of))
    )
    if columns:  # a count needs only the joins that filter
        query = query.join(Course, Course.id == Enrollment.course_id)
    else:
        query = (query.join(Course, Course.id == Enrollment.course_id)
                 .outerjoin(current, current.id == User.department_id)
                 .outerjoin(stamped, stamped.id == Enrollment.completed_department_id)
                 .order_by(Enrollment.id))
    if filters.department_id is not None:
        query = query.where(User.department_id.in_(tree.subtree(filters.department_id)))
    elif not scope.everything:
        query = query.where(User.department_id.in_(sorted(scope.allowed)))
    return query.where(*filters.conditions())


def count_enrollments(scope: Scope, tree: Tree, filters: Filters) -> int:
    """How many rows enrollment_rows will yield (in the same snapshot, the same number)."""
    return db.session.scalar(_enrollment_query(scope, tree, filters, func.count())) or 0


def enrollment_rows(scope: Scope, tree: Tree, filters: Filters) -> Iterator[list[Any]]:
    """The raw enrollment list in the viewer's scope, one row at a time."""
    labels = {"not_started": _("not started"), "in_progress": _("in progress"),
              "completed": _("completed")}
    query = _enrollment_query(scope, tree, filters)
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    for row in result:
        state, late = status_on(row[12], row[13], row[11], filters.as_of)
        yield [*row[:10], row[10].date() if row[10] else None, row[11],
               row[12].date() if row[12] else None, row[13].date() if row[13] else None,
               row[14], labels[state], late]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.lstrip(INVISIBLE_LEAD).startswith(FORMULA_START):
        return "'" + value  # a spreadsheet must not run a learner's name as a formula
    return value


def end_line(count: int) -> str:
    """The CSV's last line: a file without it was cut short (a dropped connection)."""
    return _("End of export: %(rows)s rows", rows=count)


def csv_chunks(header: list[str], rows: Iterable[list[Any]], rows_per_chunk: int = 500
               ) -> Iterator[str]:
    """CSV text in chunks, with a BOM so spreadsheet programs read UTF-8 (Chinese names),
    and a last line that states the row count.

    An error while reading rows propagates: a streamed response then ends without
    its terminating chunk, which browsers report as a failed download.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    pending = count = 0
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        pending += 1
        count += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    writer.writerow([end_line(count)])
    yield buffer.getvalue()


def write_csv(header: list[str], rows: Iterable[list[Any]], target: IO[str]) -> int:
    """Write the CSV (end line included) to an open text file; the number of rows."""
    count = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in csv_chunks(header, counted()):
        target.write(chunk)
    return count


def write_xlsx(header: list[str], rows: Iterable[list[Any]], target: IO[bytes] | str,
               sheet_name: str, *, tmpdir: str | Path, widths: list[int] | None = None,
               sheet_rows: int = XLSX_ROWS) -> int:
    """Write rows to an .xlsx in constant memory, a new sheet every sheet_rows - 1 rows.

    Each sheet has the header frozen, an autofilter over its rows, column widths,
    and dates as dates (yyyy-mm-dd). XlsxWriter keeps each sheet's rows in a temporary
    file until close: in `tmpdir`, which must be a private scratch folder (these rows
    hold names and emails).
    """
    workbook = xlsxwriter.Workbook(target, {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd",
        "tmpdir": str(tmpdir)})
    bold = workbook.add_format({"bold": True, "bottom": 1})
    sheets: list[Any] = []
    count = 0

    def new_sheet() -> Any:
        name = sheet_name if not sheets else f"{sheet_name} {len(sheets) + 1}"
        sheet = workbook.add_worksheet(name[:31])
        for column, width in enumerate(widths or []):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, header, bold)
        sheets.append(sheet)
        return sheet

    def close_sheet(sheet: Any, last_line: int) -> None:
        sheet.autofilter(0, 0, last_line, len(header) - 1)

    sheet, line = new_sheet(), 1
    for row in rows:
        if line >= sheet_rows:
            close_sheet(sheet, line - 1)
            sheet, line = new_sheet(), 1
        sheet.write_row(line, 0, [int(v) if isinstance(v, bool) else v for v in row])
        line += 1
        count += 1
    close_sheet(sheet, line - 1)
    workbook.close()
    return count
