"""HR report benchmarks: prints figures, asserts nothing.

    .venv/bin/python bench/hr_report.py [--learners 10000,100000] [--backends sqlite,postgresql]
                                        [--courses 20] [--repeat 7] [--no-export]

For each backend and company size it generates a company (`flask demo generate`),
then prints:
1. the dashboard (rollups, as of today) as the service computes it, and the full
   /reports page through the test client; the same figures as of 30 days ago;
2. the same figures from one live GROUP BY over every enrollment (what a hire-date
   filter costs), and on the smallest set a naive per-learner computation
   (one query per learner, summed in Python), the thing rollups avoid;
3. one department's drill-down (the largest team, first page);
4. `reports rebuild` and `reports check`;
5. the raw enrollment export of every row to CSV (and XLSX on the smallest set) in a
   child process: rows, seconds and peak resident memory (VmHWM) of that process.

Over HTTP (`--http URI[,URI]`, on databases generated before, e.g. by
`flask demo generate --learners 100000`): starts gunicorn (1 sync worker) on each
database, signs in an HR user through the login form, and times, warm, one request
after another (median and best of --repeat): the dashboard, the largest team's
drill-down, the largest division's subtree drill-down, the concept heat map and one
learner's transcript. The client sits on the same machine, so the time is the server's
plus well under a millisecond.

SQLite runs on a file in a temporary folder. PostgreSQL runs in a private database
relay_bench_<pid> on RELAY_TEST_POSTGRES_URL's server (default 127.0.0.1:5432),
created and dropped here; it is skipped when the server does not answer.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

from sqlalchemy import create_engine, func, make_url, select, text  # noqa: E402

from app import create_app  # noqa: E402
from extensions import db  # noqa: E402

SETTINGS = {"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024}
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, best) in milliseconds; the first call warms caches and is not counted."""
    function()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), min(runs)


def show(label: str, result: tuple[float, float]) -> None:
    print(f"    {label:<52} {result[0]:9.1f} ms median  ({result[1]:.1f} best)", flush=True)


def make_app(uri: str, instance: Path):
    app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": uri})
    app.instance_path = str(instance)
    return app


def postgres_base() -> str | None:
    url = os.environ.get("RELAY_TEST_POSTGRES_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return None
    return DEFAULT_PG


def private_database(base: str, drop: bool = False) -> str:
    name = f"relay_bench_{os.getpid()}"
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not drop:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def naive_dashboard(today) -> dict[int, list[int]]:
    """Per learner: one query for their enrollments, statuses summed in Python."""
    from accounts.models import User
    from courses.models import Enrollment
    from reports.learners import status_on

    totals: dict[int, list[int]] = {}
    for user_id, department_id in db.session.execute(
            select(User.id, User.department_id).where(User.active.is_(True))).all():
        figures = totals.setdefault(department_id or 0, [0, 0, 0, 0])
        for e in db.session.scalars(select(Enrollment).where(Enrollment.user_id == user_id)):
            status, late = status_on(e.started_at, e.completed_at, e.due_date,
                                     today)
            figures[0] += 1
            figures[1] += status == "completed"
            figures[2] += status == "in_progress"
            figures[3] += late > 0
    return totals


def bench(backend: str, uri: str, learners: int, courses: int, repeat: int, naive: bool,
          export: bool, instance: Path) -> None:
    from flask_migrate import upgrade

    import clock
    from accounts.service import create_user
    from accounts.tree import department_tree
    from demo.generate import generate_company
    from reports import learners as drill
    from reports import maintenance, service

    print(f"\n{backend}, {learners} learners x {courses} courses", flush=True)
    app = make_app(uri, instance)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="head")
        started = time.perf_counter()
        report = generate_company(learners, courses=courses)
        print(f"    generate (incl. rollup rebuild)                      "
              f"{time.perf_counter() - started:9.1f} s", flush=True)
        for table in ("enrollments", "report_rollups", "report_rollup_days", "attempts",
                      "responses"):
            print(f"      {table}: {db.session.scalar(text(f'SELECT count(*) FROM {table}'))}")
        today = clock.today()
        tree = department_tree()
        scope = service.Scope(True, tuple(tree.roots), frozenset(), False, False)
        print(f"      departments: {len(tree.nodes)}")
        filters = service.Filters(today)
        show("dashboard figures (rollups, as of today)",
             timed(lambda: service.department_figures(filters), repeat))
        show("dashboard with tree and subtree totals (service)",
             timed(lambda: service.dashboard(scope, filters, None, department_tree()),
                   repeat))
        create_user("bench-hr@example.com", "Bench HR", password="bench-password-1",
                    roles=("hr",))
        client = app.test_client()
        client.post("/login", data={"email": "bench-hr@example.com",
                                    "password": "bench-password-1"})
        show("GET /reports (whole request, HTML)", timed(lambda: client.get("/reports"), repeat))
        month_ago = service.Filters(today - timedelta(days=30))
        show("dashboard figures as of 30 days ago (rollups)",
             timed(lambda: service.department_figures(month_ago), repeat))
        live = service.Filters(today, hired_from=today - timedelta(days=10000))
        show("same figures by one live GROUP BY (hire filter: everyone)",
             timed(lambda: service.department_figures(live), max(1, repeat // 3)))
        quarter = service.Filters(today, hired_from=today - timedelta(days=91))
        show("live GROUP BY for the last quarter's hires",
             timed(lambda: service.department_figures(quarter), max(1, repeat // 3)))
        if naive:
            show("naive per-learner computation (1 query per learner)",
                 timed(lambda: naive_dashboard(today), 1))
        from accounts.models import User

        team, size = db.session.execute(
            select(User.department_id, func.count()).where(User.department_id.is_not(None))
            .group_by(User.department_id).order_by(func.count().desc()).limit(1)).one()
        show(f"drill-down of the largest team ({size} learners, first page)",
             timed(lambda: drill.department_learners(scope, tree, team, filters), repeat))
        show("drill-down of the largest team, overdue only",
             timed(lambda: drill.department_learners(scope, tree, team, filters, "overdue"),
                   repeat))
        event_cost(repeat * 5)
        started = time.perf_counter()
        maintenance.rebuild()
        print(f"    reports rebuild                                      "
              f"{time.perf_counter() - started:9.1f} s")
        started = time.perf_counter()
        problems = maintenance.check()
        print(f"    reports check ({'equal' if not problems else 'DIFFERENT'})"
              f"                                "
              f"{time.perf_counter() - started:9.1f} s", flush=True)
        del report
        db.session.remove()
        db.engine.dispose()
    if export:
        export_child(uri, instance, "csv")
        if naive:
            export_child(uri, instance, "xlsx")


def event_cost(count: int) -> None:
    """A learner event (a lesson read) with the rollup listeners, then without them."""
    from sqlalchemy import event

    from accounts.models import User
    from courses import service as courses
    from courses.models import Enrollment, OutlineItem
    from reports import listeners

    rows = db.session.execute(
        select(Enrollment.user_id, OutlineItem.id)
        .join(OutlineItem, OutlineItem.course_id == Enrollment.course_id)
        .where(Enrollment.completed_at.is_(None), OutlineItem.lesson_id.is_not(None))
        .order_by(Enrollment.id).limit(count * 2)).all()
    if len(rows) < 2:
        return

    def run(part):
        runs = []
        for user_id, item_id in part:
            user, item = db.session.get(User, user_id), db.session.get(OutlineItem, item_id)
            started = time.perf_counter()
            courses.mark_lesson_read(user, item)
            runs.append((time.perf_counter() - started) * 1000)
        return statistics.median(runs), min(runs)

    half = len(rows) // 2
    show("a lesson read, rollups kept in its transaction", run(rows[:half]))
    event.remove(db.session, "before_flush", listeners.before_flush)
    event.remove(db.session, "after_flush", listeners.after_flush)
    try:
        show("the same event without the rollup listeners", run(rows[half:]))
    finally:
        listeners.register()


def export_child(uri: str, instance: Path, fmt: str) -> None:
    """The export in a fresh process, so its peak memory is the export's own."""
    output = subprocess.run(
        [sys.executable, __file__, "--export-worker", uri, "--format", fmt,
         "--instance", str(instance)], capture_output=True, text=True, check=False)
    print(output.stdout.rstrip() or output.stderr[-2000:], flush=True)


def memory(field: str) -> float:
    """MB from /proc/self/status: VmHWM is this process image's peak resident memory.

    (ru_maxrss would do on a fresh process, but Linux carries the parent's peak across
    fork and exec, so a child started from this big benchmark process would inherit it.)
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_worker(uri: str, fmt: str, instance: Path) -> None:
    import clock
    from accounts.tree import department_tree
    from reports import exports, service
    from reports.cli import export_enrollments

    app = make_app(uri, instance)
    with app.app_context(), app.test_request_context():
        tree = department_tree()
        scope = service.Scope(True, tuple(tree.roots), frozenset(), True, True)
        before = memory("VmRSS")
        target = Path(tempfile.mkdtemp()) / f"export.{fmt}"
        started = time.perf_counter()
        rows = export_enrollments(str(target), fmt, exports.enrollment_rows(
            scope, tree, service.Filters(clock.today())))
        seconds = time.perf_counter() - started
        peak = memory("VmHWM")
        size = target.stat().st_size / 1024 / 1024
        target.unlink()
    print(f"    export {fmt.upper():<4} {rows} rows, {size:.0f} MB file          "
          f"{seconds:9.1f} s, peak RSS {peak:.0f} MB (app loaded: {before:.0f} MB)")


HR_EMAIL, HR_PASSWORD = "bench-hr@example.com", "bench-password-1"


def http_pages(uri: str, repeat: int) -> None:
    """The report pages over HTTP on an existing generated database."""
    import re
    import urllib.parse
    from http.client import HTTPConnection

    from accounts.models import Department, User
    from accounts.service import create_user, get_user_by_email, set_password

    instance = Path(tempfile.mkdtemp(prefix="relay-hr-http-"))
    app = make_app(uri, instance)
    with app.app_context():
        user = get_user_by_email(HR_EMAIL) or create_user(
            HR_EMAIL, "Bench HR", password=HR_PASSWORD, roles=("hr",))
        set_password(user, HR_PASSWORD)
        db.session.commit()
        team = db.session.execute(
            select(User.department_id, func.count()).where(User.department_id.is_not(None))
            .group_by(User.department_id).order_by(func.count().desc()).limit(1)).one()
        root = db.session.scalar(select(Department.id).where(Department.parent_id.is_(None))
                                 .order_by(Department.id).limit(1))
        children = db.session.execute(
            select(Department.parent_id, func.count()).where(Department.parent_id.is_not(None),
                                                             Department.parent_id != root)
            .group_by(Department.parent_id).order_by(func.count().desc()).limit(1)).one()
        learner = db.session.scalar(select(User.id).where(User.department_id == team[0])
                                    .order_by(User.id).limit(1))
        learners = db.session.scalar(select(func.count()).select_from(User))
        db.session.remove()
        db.engine.dispose()
    pages = [("baseline: GET /healthz (same server, no database)", "/healthz"),
             ("dashboard", "/reports"),
             (f"one department drill-down ({team[1]} learners)", f"/reports/departments/{team[0]}"),
             (f"a division's subtree drill-down ({children[1]} teams)",
              f"/reports/departments/{children[0]}?subtree=y"),
             ("concept heat map", "/reports/concepts"),
             ("learner transcript", f"/reports/learners/{learner}")]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "120", "app:create_app()"], cwd=ROOT,
        env={**os.environ, "DATABASE_URL": uri, "SECRET_KEY": "bench"})
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        connection = HTTPConnection("127.0.0.1", port, timeout=120)

        def get(path: str, cookie: str = "") -> tuple[int, str, str]:
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            body = response.read().decode()
            return response.status, body, (response.getheader("Set-Cookie") or "").split(";")[0]

        _status, page, cookie = get("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        connection.request("POST", "/login", urllib.parse.urlencode(
            {"email": HR_EMAIL, "password": HR_PASSWORD,
             "csrf_token": token.group(1) if token else ""}),
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie").split(";")[0]
        print(f"\n{make_url(uri).get_backend_name()}, {learners} users, over HTTP "
              f"(gunicorn, 1 sync worker)", flush=True)
        for label, path in pages:
            status = get(path, cookie)[0]
            if status != 200:
                print(f"    {label}: HTTP {status}")
                continue
            show(label, timed(lambda path=path: get(path, cookie), repeat))
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--export-worker")
    parser.add_argument("--format", default="csv")
    parser.add_argument("--instance")
    parser.add_argument("--http", help="database URIs, comma-separated: time the report "
                        "pages over HTTP on these (generated before), nothing else")
    args = parser.parse_args()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.export_worker:
        export_worker(args.export_worker, args.format, Path(args.instance))
        return
    if args.http:
        for uri in args.http.split(","):
            http_pages(uri, args.repeat)
        return
    sizes = [int(n) for n in args.learners.split(",")]
    for backend in args.backends.split(","):
        for learners in sizes:
            with tempfile.TemporaryDirectory(prefix="relay-bench-") as folder:
                instance = Path(folder)
                if backend == "sqlite":
                    uri = f"sqlite:///{instance / 'bench.db'}"
                else:
                    base = postgres_base()
                    if base is None:
                        print(f"\n{backend}: not reachable, skipped")
                        break
                    uri = private_database(base)
                try:
                    bench(backend, uri, learners, args.courses, args.repeat,
                          learners == min(sizes), not args.no_export, instance)
                finally:
                    if backend == "postgresql":
                        private_database(base, drop=True)


if __name__ == "__main__":
    main()
