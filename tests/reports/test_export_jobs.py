"""Export jobs: queued, running with progress, done, expired, failed, and only for the
person who asked (and admins); the audit log records every export."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import clock
from accounts.models import User
from audit.models import AuditEntry
from extensions import db
from reports import exports, jobs
from reports.models import ExportJob
from tests.reports.conftest import client_for
from tests.reports.test_exports import read_csv, read_xlsx


@pytest.fixture
def jobs_app(app_factory, company, make):
    """Every raw list of more than 2 rows is a job; jobs wait to be run by the test."""
    for email, roles in (("hr@example.com", ("hr",)), ("hr2@example.com", ("hr",)),
                         ("admin@example.com", ("admin",))):
        make.user(email, roles=roles)
    return app_factory(EXPORT_RUNNER="none", EXPORT_STREAM_MAX_ROWS=2)


def ask(client, fmt: str = "csv", query: str = "") -> int:
    response = client.post(f"/reports/export/enrollments{query}", data={"fmt": fmt})
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.fullmatch(r".*/reports/exports/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def words(html: str) -> str:
    """A page's text as a reader sees it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" ,", ",")


def status(client, job_id: int) -> dict:
    response = client.get(f"/reports/exports/{job_id}/status")
    assert response.status_code == 200
    return response.get_json()


def run(app, job_id: int):
    with app.app_context():
        job = jobs.run_job(job_id)
        return (job.state, job.rows_written) if job else None


def test_a_big_export_is_queued_then_runs_with_progress_then_downloads(jobs_app, monkeypatch):
    hr = client_for(jobs_app, "hr@example.com")
    job_id = ask(hr)
    assert status(hr, job_id) == {"id": job_id, "state": "queued", "rows_written": 0,
                                  "rows_expected": 8, "percent": 0}
    page = hr.get(f"/reports/exports/{job_id}").get_data(as_text=True)
    assert "Waiting to start" in words(page) and "0 of 8 rows written" in words(page)
    assert '<noscript><meta http-equiv="refresh"' in page  # refreshes without JavaScript
    assert "js/export-progress.js" in page and "<script>" not in page

    # Mid-way, a request of its own (another thread, as from the browser) sees the progress.
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 3)
    seen: list[dict] = []
    real = exports.enrollment_rows

    def watched(*args):
        for number, row in enumerate(real(*args), start=1):
            if number == 5:
                thread = threading.Thread(target=lambda: seen.append(status(hr, job_id)))
                thread.start()
                thread.join(10)
            yield row

    monkeypatch.setattr(exports, "enrollment_rows", watched)
    assert run(jobs_app, job_id) == ("done", 8)
    assert seen == [{"id": job_id, "state": "running", "rows_written": 3,
                     "rows_expected": 8, "percent": 37}]
    assert run(jobs_app, job_id) is None  # claimed once: a second runner does nothing

    page = hr.get(f"/reports/exports/{job_id}").get_data(as_text=True)
    assert "Ready" in page and "8 of 8 rows written" in words(page) and "refresh" not in page
    download = hr.get(f"/reports/exports/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    rows = read_csv(download.data)  # checks the end line: "End of export: 8 rows"
    assert len(rows) == 9 and rows[0][1] == "Email"
    with jobs_app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report.export"))
        assert entry.target_type == "export_job" and entry.target_id == job_id
        assert entry.actor.email == "hr@example.com" and "8 rows" in entry.summary
        stored = jobs.stored_path(db.session.get(ExportJob, job_id))
        assert oct(stored.stat().st_mode & 0o777) == "0o600"
        assert oct(stored.parent.stat().st_mode & 0o777) == "0o700"


def test_a_job_follows_the_filters_and_writes_xlsx(jobs_app, company):
    hr = client_for(jobs_app, "hr@example.com")
    job_id = ask(hr, "xlsx", f"?as_of={company.day(-22).isoformat()}")
    assert run(jobs_app, job_id) == ("done", 4)
    sheets = read_xlsx(hr.get(f"/reports/exports/{job_id}/download").data)
    assert sorted(r[1] for r in sheets["Enrollments"][1:]) == (
        ["ann@example.com"] * 2 + ["eve@example.com"] * 2)


def test_only_the_requester_and_admins_see_a_job(jobs_app):
    hr = client_for(jobs_app, "hr@example.com")
    job_id = ask(hr)
    run(jobs_app, job_id)
    other = client_for(jobs_app, "hr2@example.com")
    for path in ("", "/status", "/download"):
        assert other.get(f"/reports/exports/{job_id}{path}").status_code == 403
    assert f"/reports/exports/{job_id}" not in other.get("/reports/exports").get_data(
        as_text=True)
    admin = client_for(jobs_app, "admin@example.com")
    assert admin.get(f"/reports/exports/{job_id}/download").status_code == 200
    mine = hr.get("/reports/exports").get_data(as_text=True)
    assert f"/reports/exports/{job_id}/download" in mine
    assert hr.get("/reports/exports/999999").status_code == 404
    learner = client_for(jobs_app, "ann@example.com")
    assert learner.get(f"/reports/exports/{job_id}").status_code == 403
    assert learner.post("/reports/export/enrollments", data={"fmt": "csv"}).status_code == 403


def test_a_finished_file_expires_after_a_day(jobs_app):
    hr = client_for(jobs_app, "hr@example.com")
    job_id = ask(hr)
    run(jobs_app, job_id)
    with jobs_app.app_context():
        stored = jobs.stored_path(db.session.get(ExportJob, job_id))
        assert stored.is_file()
        assert jobs.sweep(clock.utcnow() + timedelta(hours=23))["expired"] == 0
        assert jobs.sweep(clock.utcnow() + timedelta(hours=24, minutes=1))["expired"] == 1
        assert not stored.exists()
        assert db.session.get(ExportJob, job_id).state == "expired"
    gone = hr.get(f"/reports/exports/{job_id}/download")
    assert gone.status_code == 410 and "deleted a day after" in gone.get_data(as_text=True)


def test_a_file_past_its_time_is_refused_before_the_sweep(jobs_app):
    hr = client_for(jobs_app, "hr@example.com")
    job_id = ask(hr)
    run(jobs_app, job_id)
    with jobs_app.app_context():
        job = db.session.get(ExportJob, job_id)
        job.expires_at = clock.utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert hr.get(f"/reports/exports/{job_id}/download").status_code == 410


def test_a_running_job_whose_worker_died_is_failed_by_the_sweep(jobs_app):
    hr = client_for(jobs_app, "hr@example.com")
    job_id = ask(hr)
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)  # a pid that no process has now
    with jobs_app.app_context():
        job = db.session.get(ExportJob, job_id)
        job.state, job.heartbeat_at = "running", clock.utcnow()
        job.worker = f"{socket.gethostname()}.{dead}"
        db.session.commit()
        assert jobs.sweep()["failed"] == 1
        assert db.session.get(ExportJob, job_id).state == "failed"
    page = hr.get(f"/reports/exports/{job_id}").get_data(as_text=True)
    assert "stopped before the file was complete" in page
    assert hr.get(f"/reports/exports/{job_id}/download").status_code == 410


def test_a_job_fails_when_its_requester_lost_the_right(jobs_app):
    hr = client_for(jobs_app, "hr@example.com")
    job_id = ask(hr)
    with jobs_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "hr@example.com"))
        user.active = False
        db.session.commit()
    assert run(jobs_app, job_id) == ("failed", 0)


def test_a_small_list_streams_at_once_and_is_audited(app_factory, company, make):
    make.user("hr@example.com", roles=("hr",))
    app = app_factory(EXPORT_RUNNER="none")
    hr = client_for(app, "hr@example.com")
    asked = hr.post("/reports/export/enrollments", data={"fmt": "csv"})
    assert "/reports/export/enrollments.csv?ticket=" in asked.headers["Location"]
    assert len(read_csv(hr.get(asked.headers["Location"]).data)) == 9
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report.export"))
        assert entry.target_type == "report" and "enrollments.csv: 8 rows" in entry.summary
        assert db.session.scalar(select(ExportJob.id)) is None


def test_the_list_never_leaves_without_the_audited_post(app_factory, company, make):
    make.user("hr@example.com", roles=("hr",))
    make.user("hr2@example.com", roles=("hr",))
    app = app_factory(EXPORT_RUNNER="none")
    hr = client_for(app, "hr@example.com")
    bare = hr.get("/reports/export/enrollments.csv")
    assert bare.mimetype == "text/html" and "@example.com" not in bare.get_data(as_text=True)
    assert "With these filters the list has 8 rows." in bare.get_data(as_text=True)
    location = hr.post("/reports/export/enrollments", data={"fmt": "csv"}).headers["Location"]
    # someone else's ticket, or the ticket with other filters, is not a way round it
    stolen = client_for(app, "hr2@example.com").get(location)
    assert stolen.mimetype == "text/html"
    widened = hr.get(location + f"&department={company.depts['east'].id}")
    assert widened.mimetype == "text/html"
    assert hr.post("/reports/export/enrollments", data={"fmt": "pdf"}).status_code == 400


def test_the_default_runner_writes_the_job_in_a_process_of_its_own(app_factory, company,
                                                                   make):
    make.user("hr@example.com", roles=("hr",))
    app = app_factory(EXPORT_RUNNER="process", EXPORT_STREAM_MAX_ROWS=2)
    hr = client_for(app, "hr@example.com")
    job_id = ask(hr, "csv")
    deadline = time.monotonic() + 60
    while status(hr, job_id)["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, "the worker process did not finish"
        time.sleep(0.2)
    assert status(hr, job_id)["state"] == "done"
    rows = read_csv(hr.get(f"/reports/exports/{job_id}/download").data)
    assert len(rows) == 9
    with app.app_context():
        worker = db.session.get(ExportJob, job_id).worker
        assert worker and not worker.endswith(f".{os.getpid()}")  # not this process


def redis_url() -> str | None:
    url = os.environ.get("RELAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:
        from redis import Redis

        Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 (any failure means: no Redis to test with)
        return None
    return url


def test_with_redis_configured_an_rq_worker_writes_the_job(app_factory, company, make):
    url = redis_url()
    if url is None:
        pytest.skip("Redis not reachable at RELAY_TEST_REDIS_URL or 127.0.0.1:6379")
    from redis import Redis
    from rq import Queue

    make.user("hr@example.com", roles=("hr",))
    app = app_factory(EXPORT_RUNNER="rq", EXPORT_REDIS_URL=url, EXPORT_STREAM_MAX_ROWS=2)
    queue = Queue(jobs.QUEUE, connection=Redis.from_url(url))
    queue.empty()
    hr = client_for(app, "hr@example.com")
    job_id = ask(hr, "xlsx")
    assert status(hr, job_id)["state"] == "queued" and queue.count == 1
    with app.app_context():
        database = db.engine.url.render_as_string(hide_password=False)
    worker = subprocess.run(  # what the deployment runs: `rq worker relay-exports`
        [str(Path(sys.executable).with_name("rq")), "worker", "--burst", "--url", url,
         jobs.QUEUE], cwd=jobs.ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DATABASE_URL": database,
             "RELAY_INSTANCE_PATH": app.instance_path})
    assert worker.returncode == 0, worker.stderr
    assert status(hr, job_id)["state"] == "done"
    sheets = read_xlsx(hr.get(f"/reports/exports/{job_id}/download").data)
    assert len(sheets["Enrollments"]) == 9


def test_asking_again_while_it_is_written_gives_the_same_job(jobs_app, company):
    hr = client_for(jobs_app, "hr@example.com")
    first = ask(hr)
    assert ask(hr) == first
    assert ask(hr, "xlsx") != first
    assert ask(hr, query=f"?as_of={company.day(-22).isoformat()}") != first
    run(jobs_app, first)
    assert ask(hr) != first  # once done, asking again writes a fresh file
