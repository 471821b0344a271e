"""Big exports as background jobs: asked for on the web, written by a worker process.

The ExportJob row is the source of truth. A web request only adds a queued row and
hands its id to a runner (EXPORT_RUNNER):

- `process` (the default, one machine, no extra service): a `flask reports work
  --job ID` child process per job, started from the request and not waited for;
- `rq`: the job goes on an RQ queue on EXPORT_REDIS_URL, for `rq worker relay-exports`
  on any machine that shares the database and the instance folder's exports/;
- `none`: jobs wait for `flask reports work` (cron, or tests).

The worker claims the row (queued -> running, once), counts the rows and writes the
file in one snapshot, so "rows written of rows expected" ends equal; it writes in
a private scratch folder and moves the file into instance/exports only when whole.
A finished file is kept EXPORT_KEEP_HOURS; sweep() deletes it then, and fails a
running job whose worker died.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update

import clock
from accounts import policy
from accounts.models import User
from accounts.policy import Scope
from accounts.preferences import local_day, local_today
from accounts.tree import Tree, department_tree
from audit.service import record
from extensions import db
from reports import exports
from reports.models import ExportJob
from reports.service import Filters
from settings import private_folder, scratch_dir, sweep_scratch
from sqlite_concurrency import reading_only

log = logging.getLogger(__name__)

EXPORTS = "exports"  # instance/exports: finished files, 0700, each 0600
ACTIVE = ("queued", "running")
PROGRESS_EVERY = 2000  # rows between progress commits
STALE_AFTER = timedelta(minutes=15)  # no heartbeat this long: the worker died (XLSX's
# close, which zips the sheets after the last row, takes a few minutes at 2 million rows)
ORPHAN_AFTER = timedelta(hours=1)  # a file in exports/ that no job names, this old
QUEUE = "relay-exports"
ROOT = Path(__file__).resolve().parent.parent
# A worker process has no app until it makes one. It loads the app the way `flask --app`
# does, by this name from ROOT: no package imports the factory (app.py sits above them).
APP_IMPORT_PATH = "app"
_children: list[subprocess.Popen] = []  # reaped at the next launch


class JobAccessError(Exception):
    """The job is someone else's (and the viewer is no admin)."""


# --- asking -----------------------------------------------------------------------------


def filters_json(filters: Filters) -> dict[str, Any]:
    return {"as_of": filters.as_of.isoformat(), "course_id": filters.course_id,
            "department_id": filters.department_id,
            "hired_from": filters.hired_from.isoformat() if filters.hired_from else None,
            "hired_to": filters.hired_to.isoformat() if filters.hired_to else None}


def filters_from_json(data: dict[str, Any]) -> Filters:
    def day(key: str) -> date | None:
        return date.fromisoformat(data[key]) if data.get(key) else None

    return Filters(day("as_of") or local_today(), data.get("course_id"),
                   data.get("department_id"), day("hired_from"), day("hired_to"))


def record_export(user: User, kind: str, fmt: str, filters: Filters, rows: int,
                  job_id: int | None = None) -> None:
    """Audit who exported what (personal data leaves Relay): with its filters and size."""
    shown = {k: v for k, v in filters_json(filters).items() if v is not None}
    record(user.id, "report.export", "export_job" if job_id else "report", job_id,
           f"{kind}.{fmt}: {rows} rows, filters {shown}")


def ask_export(user: User, fmt: str, scope: Scope, tree: Tree, filters: Filters,
               locale: str) -> ExportJob | None:
    """The raw enrollment list asked for: a list of at most EXPORT_STREAM_MAX_ROWS rows
    is audited (committed) and None returned, for the caller to stream at once; a bigger
    one is queued as a job (request_export)."""
    rows = count_beside_writers(scope, tree, filters)
    if rows > current_app.config["EXPORT_STREAM_MAX_ROWS"]:
        return request_export(user, fmt, filters, rows, locale)
    record_export(user, "enrollments", fmt, filters, rows)
    db.session.commit()
    return None


def count_beside_writers(scope: Scope, tree: Tree, filters: Filters) -> int:
    """How many rows the raw list has, counted in a read-only transaction of its own: the
    asking view writes, so its transaction holds SQLite's write lock, and a count over
    millions of rows must not hold it."""
    db.session.commit()
    with reading_only():
        rows = exports.count_enrollments(scope, tree, filters)
        db.session.commit()
    return rows


def request_export(user: User, fmt: str, filters: Filters, rows_expected: int,
                   locale: str) -> ExportJob:
    """Queue the raw enrollment list for a worker; audited; the runner is told after commit.

    The same list asked for again while it is being written is the same job (a second
    click must not start a second worker on millions of rows)."""
    same = db.session.scalar(select(ExportJob).where(
        ExportJob.requester_id == user.id, ExportJob.fmt == fmt,
        ExportJob.state.in_(ACTIVE)).order_by(ExportJob.id.desc()).limit(1))
    if same is not None and same.filters == filters_json(filters):
        return same
    now = clock.utcnow()
    job = ExportJob(requester_id=user.id, kind="enrollments", fmt=fmt,
                    filters=filters_json(filters), locale=locale, state="queued",
                    rows_expected=rows_expected, rows_written=0, created_at=now,
                    download_name=f"relay-enrollments-{local_day(now, user).isoformat()}.{fmt}")
    db.session.add(job)
    db.session.flush()
    record_export(user, "enrollments", fmt, filters, rows_expected, job.id)
    db.session.commit()
    dispatch(job.id)
    return job


def dispatch(job_id: int) -> None:
    runner = current_app.config.get("EXPORT_RUNNER", "process")
    if runner == "rq":
        _enqueue_rq(job_id)
    elif runner == "process":
        _launch_process(job_id)


def _launch_process(job_id: int) -> None:
    """A `flask reports work --job ID` child, in its own session so a worker restart
    does not take it down, told the same database and instance folder."""
    for child in list(_children):
        if child.poll() is not None:
            _children.remove(child)
    env = {**os.environ,
           "DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
           "RELAY_INSTANCE_PATH": current_app.instance_path}
    _children.append(subprocess.Popen(  # noqa: S603 (our own command, no shell)
        [sys.executable, "-m", "flask", "--app", APP_IMPORT_PATH, "reports", "work", "--job",
         str(job_id)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, start_new_session=True))


def _enqueue_rq(job_id: int) -> None:
    from redis import Redis
    from rq import Queue

    queue = Queue(QUEUE, connection=Redis.from_url(current_app.config["EXPORT_REDIS_URL"]))
    queue.enqueue(run_in_new_app, job_id, job_timeout=6 * 3600,
                  description=f"Relay export job {job_id}")


def run_in_new_app(job_id: int) -> None:
    """RQ's entry point: makes the app as `flask --app APP_IMPORT_PATH` would (the factory,
    called with no arguments), then writes the job in its context."""
    from flask.cli import ScriptInfo

    app = ScriptInfo(app_import_path=str(ROOT / APP_IMPORT_PATH),
                     set_debug_flag=False).load_app()
    with app.app_context():
        run_job(job_id)


# --- working ----------------------------------------------------------------------------


def _worker_name() -> str:
    return f"{socket.gethostname()}.{os.getpid()}"


def _claim(job_id: int) -> bool:
    """queued -> running, in one UPDATE: two runners never write the same job."""
    now = clock.utcnow()
    with db.engine.begin() as connection:
        claimed = connection.execute(
            update(ExportJob).where(ExportJob.id == job_id, ExportJob.state == "queued")
            .values(state="running", worker=_worker_name(), started_at=now,
                    heartbeat_at=now)).rowcount
    return claimed == 1


def _set(job_id: int, **values: Any) -> None:
    """Progress and outcome go through their own short transactions, beside the
    export's long read-only snapshot."""
    with db.engine.begin() as connection:
        connection.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values))


def _with_progress(rows: Iterator[list[Any]], job_id: int) -> Iterator[list[Any]]:
    for written, row in enumerate(rows, start=1):
        yield row
        if written % PROGRESS_EVERY == 0:
            _set(job_id, rows_written=written, heartbeat_at=clock.utcnow())


def run_job(job_id: int) -> ExportJob | None:
    """Write one queued job's file; None when another runner has it (or it is gone)."""
    if not _claim(job_id):
        return None
    app = current_app
    sweep_scratch(app.instance_path, app.config["SCRATCH_MAX_AGE_HOURS"])
    job = db.session.get(ExportJob, job_id)
    assert job is not None, "_claim() found it"
    try:
        with force_locale(job.locale):
            written, stored, size = _write(job)
    except Exception as error:  # recorded on the job for its page; the log has the trace
        log.exception("export job %s failed", job_id)
        db.session.rollback()
        _set(job_id, state="failed", error=str(error)[:2000], finished_at=clock.utcnow())
        return db.session.get(ExportJob, job_id)
    db.session.rollback()  # ends the read snapshot
    now = clock.utcnow()
    _set(job_id, state="done", rows_written=written, rows_expected=written,
         stored_name=stored, size=size, finished_at=now, heartbeat_at=now,
         expires_at=now + timedelta(hours=app.config["EXPORT_KEEP_HOURS"]))
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def _write(job: ExportJob) -> tuple[int, str, int]:
    app = current_app
    requester = db.session.get(User, job.requester_id)
    tree = department_tree()
    scope = policy.scope_for(requester, tree) if requester and requester.active else None
    if scope is None:
        raise PermissionError("the requester may no longer read these reports")
    filters = filters_from_json(job.filters)
    job_id, fmt = job.id, job.fmt
    # One snapshot for the count and the rows (REPEATABLE READ on PostgreSQL; SQLite's
    # read transaction is one), taken without the write lock (reading_only).
    db.session.commit()
    with reading_only():
        if db.engine.dialect.name == "postgresql":
            db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        expected = exports.count_enrollments(scope, tree, filters)
    _set(job_id, rows_expected=expected)
    rows = _with_progress(exports.enrollment_rows(scope, tree, filters), job_id)
    finished = private_folder(app.instance_path, EXPORTS)
    with scratch_dir(app.instance_path, "export") as scratch:
        part = scratch / f"job-{job_id}.{fmt}"
        written = write_file(part, fmt, rows, scratch, app.config["XLSX_SHEET_ROWS"])
        stored = f"job-{job_id}-{os.urandom(6).hex()}.{fmt}"
        os.replace(part, finished / stored)  # same file system: whole or not at all
    return written, stored, (finished / stored).stat().st_size


def write_file(path: Path, fmt: str, rows: Iterator[list[Any]], scratch: Path,
               sheet_rows: int) -> int:
    """The raw enrollment list into a new owner-only (0600) file at `path`."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    if fmt == "xlsx":
        with os.fdopen(fd, "wb") as handle:
            return exports.write_xlsx(exports.enrollment_header(), rows, handle,
                                      exports.sheet_title(), tmpdir=scratch,
                                      widths=exports.ENROLLMENT_WIDTHS,
                                      sheet_rows=sheet_rows)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        return exports.write_csv(exports.enrollment_header(), rows, handle)


def run_queued() -> int:
    """Run every queued job (oldest first) in this process; how many were run."""
    done = 0
    while True:
        job_id = db.session.scalar(select(ExportJob.id).where(ExportJob.state == "queued")
                                   .order_by(ExportJob.id).limit(1))
        db.session.rollback()
        if job_id is None:
            return done
        if run_job(job_id) is not None:
            done += 1


# --- reading and downloading -------------------------------------------------------------


def visible_job(user: User, job_id: int) -> ExportJob | None:
    """The job if it exists; JobAccessError unless the user asked for it or is an admin."""
    job = db.session.get(ExportJob, job_id)
    if job is not None and job.requester_id != user.id and not policy.may_administer(user):
        raise JobAccessError("another user's export")
    return job


def jobs_for(user: User, limit: int = 50) -> list[ExportJob]:
    query = select(ExportJob).order_by(ExportJob.id.desc()).limit(limit)
    if not policy.may_administer(user):
        query = query.where(ExportJob.requester_id == user.id)
    return list(db.session.scalars(query))


def downloadable(job: ExportJob, now: datetime | None = None) -> bool:
    now = now or clock.utcnow()
    return (job.state == "done" and job.stored_name is not None
            and job.expires_at is not None and job.expires_at > now)


def stored_path(job: ExportJob) -> Path:
    return Path(current_app.instance_path) / EXPORTS / (job.stored_name or "")


def progress_of(job: ExportJob) -> dict[str, Any]:
    """What the job page and its JSON show."""
    expected = job.rows_expected or 0
    percent = 100 if job.state == "done" else (
        min(99, int(100 * job.rows_written / expected)) if expected else 0)
    return {"id": job.id, "state": job.state, "rows_written": job.rows_written,
            "rows_expected": job.rows_expected, "percent": percent}


# --- sweeping -----------------------------------------------------------------------------


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Delete expired files, fail running jobs whose worker died, remove dead scratch."""
    now = now or clock.utcnow()
    app = current_app
    counts = {"expired": 0, "failed": 0, "orphans": 0,
              "scratch": len(sweep_scratch(app.instance_path,
                                           app.config["SCRATCH_MAX_AGE_HOURS"]))}
    for job in db.session.scalars(select(ExportJob).where(
            ExportJob.state == "done", ExportJob.expires_at <= now)):
        stored_path(job).unlink(missing_ok=True)
        job.state, job.stored_name = "expired", None
        counts["expired"] += 1
    for job in db.session.scalars(select(ExportJob).where(ExportJob.state == "running")):
        if _worker_gone(job, now):
            job.state, job.finished_at = "failed", now
            job.error = "the worker stopped before the file was complete"
            counts["failed"] += 1
    db.session.commit()
    folder = Path(app.instance_path) / EXPORTS
    if folder.is_dir():
        kept = set(db.session.scalars(select(ExportJob.stored_name).where(
            ExportJob.stored_name.is_not(None))))
        # not a file whose job is being finished (moved in, its row not yet updated)
        oldest = (now - ORPHAN_AFTER).replace(tzinfo=UTC).timestamp()
        for entry in folder.iterdir():
            if entry.name not in kept and entry.stat().st_mtime < oldest:
                entry.unlink(missing_ok=True)
                counts["orphans"] += 1
    return counts


def _worker_gone(job: ExportJob, now: datetime) -> bool:
    host, _, pid = (job.worker or "").rpartition(".")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
    return job.heartbeat_at is None or now - job.heartbeat_at > STALE_AFTER

