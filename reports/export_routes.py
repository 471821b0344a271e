"""Exports over HTTP: the dashboard table, the raw enrollment list, and export jobs.

The raw list holds personal data, so it leaves only after a POST that the audit log
records. A list of at most EXPORT_STREAM_MAX_ROWS rows then streams at once (through
a short-lived signed ticket); a bigger one becomes a job written by a worker
process (reports/jobs.py), whose page shows its progress and, when done, the file.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer

from accounts.preferences import local_today
from reports import exports, jobs, service
from reports.forms import ExportForm, FilterForm
from reports.routes import _filters, _scope, bp, known_args
from settings import scratch_dir
from sqlite_concurrency import read_only

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TICKET_SECONDS = 120  # between the audited POST and the stream it redirects to


def _tickets() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="relay-export")


def _ticket_fits(ticket: str | None, fmt: str) -> bool:
    if not ticket:
        return False
    try:
        data = _tickets().loads(ticket, max_age=TICKET_SECONDS)
    except BadSignature:
        return False
    return data == {"user": current_user.id, "fmt": fmt, "args": known_args()}


@bp.get("/reports/export/dashboard.<fmt>")
@read_only
@login_required
def export_dashboard(fmt: str) -> ResponseReturnValue:
    """The dashboard table (figures per department, no names): small, straight out."""
    scope, tree = _scope()
    _form, filters = _filters(FilterForm, scope, tree)
    board = service.dashboard(scope, filters, set(tree.nodes), tree)
    name = f"relay-dashboard-{local_today(current_user).isoformat()}.{fmt}"
    rows = exports.dashboard_rows(board)
    if fmt == "csv":
        return _csv_response(exports.dashboard_header(), rows, name)
    if fmt == "xlsx":
        return _xlsx_response(exports.dashboard_header(), rows, name, _("Dashboard"),
                              exports.DASHBOARD_WIDTHS)
    abort(404)


@bp.get("/reports/export/enrollments.<fmt>")
@read_only
@login_required
def export_enrollments(fmt: str) -> ResponseReturnValue:
    """With a fresh ticket from export_request: the list itself; else the page that asks."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    scope, tree = _scope()
    _form, filters = _filters(FilterForm, scope, tree)
    rows = exports.count_enrollments(scope, tree, filters)
    small = rows <= current_app.config["EXPORT_STREAM_MAX_ROWS"]
    if not (small and _ticket_fits(request.args.get("ticket"), fmt)):
        return render_template("reports/export_ask.html", form=ExportForm(fmt=fmt),
                               rows=rows, small=small)
    name = f"relay-enrollments-{local_today(current_user).isoformat()}.{fmt}"
    listed = exports.enrollment_rows(scope, tree, filters)
    if fmt == "csv":
        return _csv_response(exports.enrollment_header(), listed, name)
    return _xlsx_response(exports.enrollment_header(), listed, name, exports.sheet_title(),
                          exports.ENROLLMENT_WIDTHS)


@bp.post("/reports/export/enrollments")
@login_required
def export_request() -> ResponseReturnValue:
    """Audit the export, then stream a small list or queue a job for a big one."""
    scope, tree = _scope()
    _form, filters = _filters(FilterForm, scope, tree)
    form = ExportForm()
    if not form.validate_on_submit():
        return render_template("reports/export_ask.html", form=form, rows=None,
                               small=False), 400
    fmt = form.fmt.data
    job = jobs.ask_export(current_user, fmt, scope, tree, filters,
                          str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))
    if job is None:  # small enough to stream at once
        ticket = _tickets().dumps({"user": current_user.id, "fmt": fmt, "args": known_args()})
        query_args: dict[str, Any] = known_args()
        return redirect(url_for("reports.export_enrollments", fmt=fmt, ticket=ticket,
                                **query_args), 303)
    return redirect(url_for("reports.export_job", job_id=job.id), 303)


@bp.get("/reports/exports")
@read_only
@login_required
def export_jobs() -> ResponseReturnValue:
    _scope()  # the same people as the reports themselves
    return render_template("reports/export_jobs.html", jobs=jobs.jobs_for(current_user),
                           downloadable=jobs.downloadable, progress_of=jobs.progress_of)


def _job(job_id: int) -> Any:
    try:
        job = jobs.visible_job(current_user, job_id)
    except jobs.JobAccessError:
        abort(403)
    return job or abort(404)


@bp.get("/reports/exports/<int:job_id>")
@read_only
@login_required
def export_job(job_id: int) -> ResponseReturnValue:
    job = _job(job_id)
    return render_template("reports/export_job.html", job=job, progress=jobs.progress_of(job),
                           downloadable=jobs.downloadable(job))


@bp.get("/reports/exports/<int:job_id>/status")
@read_only
@login_required
def export_job_status(job_id: int) -> ResponseReturnValue:
    """The job page's live progress (static/js/export-progress.js polls it)."""
    return jsonify(jobs.progress_of(_job(job_id)))


@bp.get("/reports/exports/<int:job_id>/download")
@read_only
@login_required
def export_download(job_id: int) -> ResponseReturnValue:
    job = _job(job_id)
    path = jobs.stored_path(job)
    if not jobs.downloadable(job) or not path.is_file():
        return render_template("reports/export_job.html", job=job,
                               progress=jobs.progress_of(job), downloadable=False), 410
    return send_file(path, mimetype=XLSX if job.fmt == "xlsx" else "text/csv",
                     as_attachment=True, download_name=job.download_name, max_age=0)


def _csv_response(header: list[str], rows: Any, name: str) -> Response:
    # No Content-Length: the body is chunked, and a body cut short (a worker killed, a
    # database error) lacks its last chunk, which browsers report as a failed
    # download; a whole one ends with the line that states its row count.
    return Response(stream_with_context(exports.csv_chunks(header, rows)),
                    mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


def _xlsx_response(header: list[str], rows: Any, name: str, sheet: str,
                   widths: list[int]) -> Response:
    """An XLSX is whole only at its end: written first, in a private scratch folder."""
    with scratch_dir(current_app.instance_path, "download") as scratch:
        path = scratch / "export.xlsx"
        exports.write_xlsx(header, rows, str(path), sheet, tmpdir=scratch, widths=widths,
                           sheet_rows=current_app.config["XLSX_SHEET_ROWS"])
        handle = path.open("rb")  # noqa: SIM115 (send_file closes it)
    # the folder is gone; the open file still reads, and vanishes when closed
    response = send_file(handle, mimetype=XLSX, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response
