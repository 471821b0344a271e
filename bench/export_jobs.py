"""Export jobs on a big company: prints figures, asserts nothing.

    .venv/bin/python bench/export_jobs.py --database sqlite:////path/relay.db
                                          [--formats csv,xlsx] [--instance DIR]

Use a database made once by `flask demo generate --learners 100000` (slow: generate
once, reuse; `flask db upgrade` is run here first). The bench prints:

1. the count that decides between streaming and a job (the POST's only big query),
   for the whole company (median of 3);
2. a department-sized list streamed through the web path (POST, then the ticketed
   GET) in process: rows and seconds;
3. each format as a real job: `flask reports work --job ID` in a child process under
   /usr/bin/time (its own peak resident memory), while this process polls the job row
   every 2 s as the job page does: time to the first progress, rows per second, total
   time, file size, sheets (XLSX).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

import clock  # noqa: E402
from accounts import policy  # noqa: E402
from accounts.models import Department, User  # noqa: E402
from accounts.tree import department_tree  # noqa: E402
from app import create_app  # noqa: E402
from courses.models import Enrollment  # noqa: E402
from extensions import db  # noqa: E402
from reports import exports, jobs, service  # noqa: E402
from reports.models import ExportJob  # noqa: E402

SETTINGS = {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
            "EXPORT_RUNNER": "none"}
HR = "bench-hr@example.com"


def hr_user() -> User:
    user = db.session.scalar(select(User).where(User.email == HR))
    if user is None:
        user = User(email=HR, name="Bench HR", password_hash="!", roles="hr", active=True)
        db.session.add(user)
        db.session.commit()
    return user


def count_company() -> None:
    tree = department_tree()
    scope = service.Scope(True, tuple(tree.roots), frozenset(), True, True)
    filters = service.Filters(clock.today())
    runs, rows = [], 0
    for _ in range(3):
        started = time.perf_counter()
        rows = exports.count_enrollments(scope, tree, filters)
        runs.append(time.perf_counter() - started)
        db.session.rollback()
    print(f"count of the whole company's list: {rows:,} rows, "
          f"{statistics.median(runs) * 1000:.0f} ms (median of 3)", flush=True)


def stream_a_department(app, limit: int) -> None:
    """The largest department (with its subtree) whose list streams (at most `limit` rows)."""
    tree = department_tree()
    sizes = dict(db.session.execute(
        select(User.department_id, func.count(Enrollment.id))
        .join(Enrollment, Enrollment.user_id == User.id).group_by(User.department_id)).all())
    candidates = [(sum(sizes.get(d, 0) for d in tree.subtree(node)), node)
                  for node in tree.nodes]
    total, department = max(c for c in candidates if c[0] <= limit)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = hr_user().get_id()
        session["_fresh"] = True
    started = time.perf_counter()
    asked = client.post(f"/reports/export/enrollments?department={department}",
                        data={"fmt": "csv"})
    body = client.get(asked.headers["Location"]).get_data()
    seconds = time.perf_counter() - started
    name = db.session.get(Department, department).name
    print(f"streamed CSV of one department ({name}): {total:,} rows, "
          f"{len(body) / 1e6:.1f} MB, {seconds:.2f} s (POST and GET, in process); "
          f"last line: {body.decode('utf-8').rstrip().splitlines()[-1]!r}", flush=True)


def run_job(app, fmt: str, uri: str) -> None:
    tree = department_tree()
    user = hr_user()
    scope = policy.scope_for(user, tree)
    filters = service.Filters(jobs.utcnow().date())
    expected = exports.count_enrollments(scope, tree, filters)
    job = jobs.request_export(user, fmt, filters, expected, "en")
    job_id = job.id
    env = {**os.environ, "DATABASE_URL": uri, "RELAY_INSTANCE_PATH": app.instance_path}
    started = time.perf_counter()
    child = subprocess.Popen(
        ["/usr/bin/time", "-v", sys.executable, "-m", "flask", "--app", "app", "reports",
         "work", "--job", str(job_id)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    first_progress = None
    while child.poll() is None:
        time.sleep(2)
        db.session.expire_all()
        state = db.session.get(ExportJob, job_id)
        if first_progress is None and state.rows_written > 0:
            first_progress = time.perf_counter() - started
        db.session.rollback()
    _, err = child.communicate()
    seconds = time.perf_counter() - started
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    path = jobs.stored_path(job)
    sheets = ""
    if fmt == "xlsx" and path.is_file():
        names = re.findall(rb'<sheet name="([^"]+)"', zipfile.ZipFile(path).read(
            "xl/workbook.xml"))
        sheets = f", sheets {[n.decode() for n in names]}"
    rate = job.rows_written / seconds if seconds else 0
    print(f"job {fmt.upper():<4} {job.state}: {job.rows_written:,} of {job.rows_expected:,} "
          f"rows, {(job.size or 0) / 1e6:.0f} MB{sheets}; total {seconds:.1f} s "
          f"({rate:,.0f} rows/s), first progress after {first_progress or 0:.1f} s, "
          f"worker peak RSS {int(peak.group(1)) / 1024 if peak else 0:.0f} MB", flush=True)
    if job.state != "done":
        print(err[-3000:])
    path.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--instance")
    args = parser.parse_args()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    instance = Path(args.instance or tempfile.mkdtemp(prefix="relay-export-bench-"))
    app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": args.database})
    app.instance_path = str(instance)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="head")
        hr_user()
        count_company()
        stream_a_department(app, app.config["EXPORT_STREAM_MAX_ROWS"])
        for fmt in [f for f in args.formats.split(",") if f]:
            run_job(app, fmt, args.database)


if __name__ == "__main__":
    main()
