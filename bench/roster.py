"""Roster sync at its maximum: 1,000 people through PUT /api/v1/users and `flask accounts import`.

    .venv/bin/python bench/roster.py                  # SQLite file, 3 rounds
    .venv/bin/python bench/roster.py --postgres       # PostgreSQL at 127.0.0.1:5432 too
    .venv/bin/python bench/roster.py --rows 200 --rounds 5

Each arm runs on a fresh database holding a company of 26 departments (company >
5 divisions > 4 teams) and 6 assigned courses (one for everyone in the company, one
per division), so every new hire gets 2 enrollments and every transfer across
divisions one more. Arms, interleaved round after round (the machine is shared and
noisy: compare the ratios of one run, not figures across runs):

- floor:        the same users and enrollments written with two Core INSERTs, no
                rules, no rollups: what the database alone costs (the baseline);
- api-create:   PUT /api/v1/users, every row a new hire (the in-process WSGI client);
- api-again:    the same body once more: every row unchanged;
- api-transfer: every row moves to a team in another division;
- cli-import:   `flask accounts import roster.csv`, every row a new hire.

Prints the median seconds of each arm and its ratio to the floor; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETTINGS = {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
            "ARGON2_MEMORY_KIB": 1024, "XAPI_ENABLED": True}
DIVISIONS, TEAMS = 5, 4


def make_app(url: str | None, folder: Path):
    from sqlalchemy import create_engine, text

    from app import create_app
    from extensions import db

    if url is None:
        url = f"sqlite:///{folder / 'roster.db'}"
    else:  # a clean schema in the bench's own database
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    app.instance_path = str(folder)
    with app.app_context():
        db.create_all()
        seed()
    return app


def seed() -> None:
    from courses.assignment import assign_course
    from extensions import db
    from tests.factories import Factories

    make = Factories()
    company = make.department("co", "Company")
    make.user("seed@example.com", department=company)
    assign_course(make.course("everyone", lessons=3), company, due_days=30)
    for d in range(DIVISIONS):
        division = make.department(f"div{d}", f"Division {d}", parent=company)
        for t in range(TEAMS):
            make.department(f"div{d}-team{t}", f"Team {d}.{t}", parent=division)
        assign_course(make.course(f"division-{d}", lessons=2), division, due_days=60)
    db.session.commit()


def people(rows: int, shift: int = 0, prefix: str = "p") -> list[dict[str, Any]]:
    return [{"email": f"{prefix}{i}@example.com", "name": f"Person {i}",
             "department": f"div{(i + shift) % DIVISIONS}-team{i % TEAMS}",
             "hire_date": "2026-01-05"} for i in range(rows)]


def token(app) -> dict[str, str]:
    from api import tokens

    with app.app_context():
        secret = tokens.create_token("bench", ["roster:write", "roster:read"]).secret
    return {"Authorization": f"Bearer {secret}"}


def put(app, headers: dict[str, str], rows: list[dict[str, Any]]) -> None:
    response = app.test_client().put("/api/v1/users", json={"users": rows}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def arm_floor(app, rows: int) -> float:
    from sqlalchemy import insert, select

    from accounts.models import Department, User
    from courses.models import Course, Enrollment
    from extensions import db

    with app.app_context():
        departments = dict(db.session.execute(select(Department.code, Department.id)).all())
        courses = dict(db.session.execute(select(Course.slug, Course.id)).all())

        def write() -> None:
            db.session.execute(insert(User), [
                {"email": row["email"], "name": row["name"], "roles": "learner",
                 "department_id": departments[row["department"]], "active": True,
                 "session_version": 1} for row in people(rows)])
            ids = dict(db.session.execute(select(User.email, User.id)).all())
            db.session.execute(insert(Enrollment), [
                {"user_id": ids[row["email"]], "course_id": courses[slug], "source": "assignment"}
                for row in people(rows)
                for slug in ("everyone", f"division-{row['department'][3]}")])
            db.session.commit()
        return timed(write)


def arm_api(app, rows: int, which: str) -> float:
    headers = token(app)
    if which == "api-create":
        return timed(lambda: put(app, headers, people(rows)))
    put(app, headers, people(rows))
    if which == "api-again":
        return timed(lambda: put(app, headers, people(rows)))
    return timed(lambda: put(app, headers, people(rows, shift=1)))  # api-transfer


def arm_cli(app, rows: int, folder: Path) -> float:
    csv = folder / "roster.csv"
    lines = ["email,name,department,hire_date,roles"] + [
        f"{r['email']},{r['name']},{r['department']},{r['hire_date']}," for r in people(rows)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = app.test_cli_runner()

    def run() -> None:
        result = runner.invoke(args=["accounts", "import", str(csv)])
        assert result.exit_code == 0, result.output[-500:]
    return timed(run)


ARMS = ("floor", "api-create", "api-again", "api-transfer", "cli-import")


def run_arm(arm: str, rows: int, url: str | None) -> float:
    with tempfile.TemporaryDirectory(prefix="relay-roster-") as name:
        folder = Path(name)
        app = make_app(url, folder)
        try:
            if arm == "floor":
                return arm_floor(app, rows)
            if arm == "cli-import":
                return arm_cli(app, rows, folder)
            return arm_api(app, rows, arm)
        finally:
            from extensions import db
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true",
                        help="also on PostgreSQL (RELAY_BENCH_POSTGRES_URL or a database "
                             "relay_bench at 127.0.0.1:5432, created if missing)")
    options = parser.parse_args()
    databases: list[tuple[str, str | None]] = [("sqlite", None)]
    if options.postgres:
        databases.append(("postgresql", postgres_url()))
    for label, url in databases:
        times: dict[str, list[float]] = {arm: [] for arm in ARMS}
        for _ in range(options.rounds):
            for arm in ARMS:  # interleaved: a slow minute hits every arm alike
                times[arm].append(run_arm(arm, options.rows, url))
        floor = statistics.median(times["floor"])
        print(f"\n{label}: {options.rows} rows, median of {options.rounds} rounds")
        print(f"{'arm':<14}{'seconds':>9}{'x floor':>9}   all rounds")
        for arm in ARMS:
            median = statistics.median(times[arm])
            rounds = " ".join(f"{t:.2f}" for t in times[arm])
            print(f"{arm:<14}{median:>9.2f}{median / floor:>9.1f}   {rounds}")


def postgres_url() -> str:
    import os

    from sqlalchemy import create_engine, text

    url = os.environ.get("RELAY_BENCH_POSTGRES_URL")
    if url:
        return url
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text(
                "SELECT 1 FROM pg_database WHERE datname = 'relay_bench'")).scalar():
            connection.execute(text('CREATE DATABASE "relay_bench"'))
    admin.dispose()
    return "postgresql+psycopg://postgres@127.0.0.1:5432/relay_bench"


if __name__ == "__main__":
    main()
