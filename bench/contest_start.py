"""A company-wide contest start: prints figures, asserts nothing.

    .venv/bin/python bench/contest_start.py [--learners 3000] [--window 10] \
        [--workers 2] [--threads 8] [--clients 200] [--database-url URL]

Seeds N learners in 10 departments and a contest on a 20-question bank, starts
gunicorn (gthread) in its own process, logs every learner in beforehand (not
timed), then has each learner open the contest at a random moment within the
first --window seconds after the start: POST /join (the entry is drawn) and GET
its questions page (together: "join"), then save a first answer (POST, "save").
--clients HTTP connections carry the learners (a learner waits for a free one,
which is counted in its time: the time from its planned moment to the answer).
Prints errors and p50/p95/p99 of join and save, and a /healthz baseline from the
same run. Default database: a fresh SQLite WAL file; --database-url takes an
empty PostgreSQL database (the schema is migrated into it).
"""

from __future__ import annotations

import argparse
import http.client
import queue
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from bench.quiz_submit import start_server  # noqa: E402
from extensions import db  # noqa: E402

SETTINGS = {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
            "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024}
PASSWORD = "bench-password-1"
FIRST_OPTION = re.compile(r'name="q0" value="([^"]+)"')


def seed(uri: str, learners: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from accounts import service as accounts
    from accounts.models import User
    from accounts.passwords import hash_password
    from tests.factories import Factories, single_choice

    app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="head")
        make = Factories()
        make.course("bench", lessons=0, quizzes=[make.quiz_source(
            "bench-bank", questions=[single_choice(f"q{i}", correct=i % 3) for i in range(20)])])
        root = accounts.create_department("company", "Company")
        teams = [accounts.create_department(f"team-{i}", f"Team {i}", parent=root).id
                 for i in range(10)]
        hashed = hash_password(PASSWORD)  # one hash for all: logins still verify each
        db.session.execute(insert(User), [
            {"email": f"bench{n}@example.com", "name": f"Bench {n}", "password_hash": hashed,
             "roles": "learner", "department_id": teams[n % 10], "active": True,
             "session_version": 1} for n in range(learners)])
        db.session.commit()
        db.engine.dispose()


def schedule(uri: str, seconds_ahead: float) -> tuple[int, float]:
    """The contest, starting `seconds_ahead` from now; returns its id and start (epoch)."""
    import clock
    from quizzes.models import Quiz
    from rollouts import contests

    app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        from accounts.models import Department, User

        trainer = db.session.scalar(db.select(User).limit(1))
        quiz = db.session.scalar(db.select(Quiz).where(Quiz.slug == "bench-bank"))
        root = db.session.scalar(db.select(Department).where(Department.code == "company"))
        now = clock.utcnow()
        wait = max(2, int(seconds_ahead))
        contest = contests.schedule(trainer, "Bench contest", quiz.id,
                                    now + timedelta(seconds=wait), 30, 10, [root.id], now=now)
        contest_id = contest.id
        db.engine.dispose()
    return contest_id, time.time() + wait


def saved_entries(uri: str, contest_id: int) -> int:
    """A save that redirected without storing would not be an error above: count them here."""
    from rollouts.models import ContestEntry

    app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        entries = db.session.scalars(db.select(ContestEntry).where(
            ContestEntry.contest_id == contest_id)).all()
        count = sum(1 for entry in entries if entry.answers)
        db.engine.dispose()
    return count


class Connection:
    """One keep-alive HTTP connection; the cookie is the learner's, passed per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, cookie: str = "",
                form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": cookie} if cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for retry in (False, True):
            try:
                self.http.request(method, path, body=body, headers=headers)
                response = self.http.getresponse()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.http.close()  # an idle keep-alive connection the server closed
                if retry:
                    raise
        text = response.read().decode("utf-8", "replace")
        set_cookie = response.getheader("Set-Cookie") or ""
        return response.status, text, set_cookie.split(";", 1)[0]


def pool(clients: int, port: int, jobs: queue.Queue, work) -> None:
    def run() -> None:
        connection = Connection(port)
        while True:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                return
            work(connection, job)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def percentiles(label: str, times: list[float]) -> str:
    if not times:
        return f"{label}: no successful requests"
    ordered = sorted(times)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000

    return (f"{label}: {len(ordered)} ok, p50 {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {at(0.95):.0f} ms, p99 {at(0.99):.0f} ms, max {ordered[-1] * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=3000)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="contest-bench-")
    uri = args.database_url or f"sqlite:///{Path(folder.name) / 'bench.db'}"
    started = time.perf_counter()
    seed(uri, args.learners)
    print(f"seeded {args.learners} learners in {time.perf_counter() - started:.0f} s "
          f"({'PostgreSQL' if args.database_url else 'SQLite WAL file'})")
    server, port = start_server(uri, Path(folder.name), args.workers, args.threads,
                                settings=SETTINGS)
    errors: list[str] = []
    lock = threading.Lock()
    try:
        cookies: dict[int, str] = {}
        logins: queue.Queue = queue.Queue()
        for n in range(args.learners):
            logins.put(n)

        def login(connection: Connection, n: int) -> None:
            status, _, cookie = connection.request(
                "POST", "/login", form={"email": f"bench{n}@example.com", "password": PASSWORD})
            with lock:
                if status == 302 and cookie:
                    cookies[n] = cookie
                else:
                    errors.append(f"login {n}: {status}")

        started = time.perf_counter()
        pool(min(args.clients, 64), port, logins, login)
        print(f"logged in {len(cookies)} learners in {time.perf_counter() - started:.0f} s "
              f"(not timed below)")
        contest_id, start = schedule(uri, 3)
        rng = random.Random(2026)
        plan = sorted((start + rng.uniform(0, args.window), n) for n in cookies)
        jobs: queue.Queue = queue.Queue()
        for moment, n in plan:
            jobs.put((moment, n))
        joins: list[float] = []
        saves: list[float] = []

        def take_part(connection: Connection, job: tuple[float, int]) -> None:
            moment, n = job
            time.sleep(max(0.0, moment - time.time()))
            cookie = cookies[n]
            begin = moment  # waiting for a free connection counts: the learner is waiting
            try:
                status, _, _ = connection.request("POST", f"/contests/{contest_id}/join",
                                                  cookie, form={})
                if status != 302:
                    raise RuntimeError(f"join {status}")
                status, page, _ = connection.request("GET", f"/contests/{contest_id}/play",
                                                     cookie)
                found = FIRST_OPTION.search(page)
                if status != 200 or not found:
                    raise RuntimeError(f"play page {status}")
                joined = time.time()
                status, _, _ = connection.request("POST", f"/contests/{contest_id}/play", cookie,
                                                  form={"action": "save", "q0": found.group(1)})
                if status != 302:
                    raise RuntimeError(f"save {status}")
                with lock:
                    joins.append(joined - begin)
                    saves.append(time.time() - joined)
            except Exception as error:  # noqa: BLE001  (a bench counts every failure)
                with lock:
                    errors.append(f"learner {n}: {error}")

        print(f"contest starts; {len(plan)} learners open it within {args.window:g} s "
              f"over {args.clients} connections; gunicorn {args.workers} worker(s) x "
              f"{args.threads} threads")
        wall = time.perf_counter()
        pool(args.clients, port, jobs, take_part)
        wall = time.perf_counter() - wall
        baseline: list[float] = []
        connection = Connection(port)
        for _ in range(200):
            begin = time.perf_counter()
            connection.request("GET", "/healthz")
            baseline.append(time.perf_counter() - begin)
        print(f"errors: {len(errors)}" + (f" (first: {errors[:3]})" if errors else ""))
        print(f"entries with a saved answer in the database: {saved_entries(uri, contest_id)}")
        print(percentiles("join (POST join + GET questions)", joins))
        print(percentiles("save first answer", saves))
        print(f"all done {wall:.1f} s after the start; " + percentiles("idle /healthz", baseline))
    finally:
        server.terminate()
        server.wait(timeout=30)
        folder.cleanup()


if __name__ == "__main__":
    main()
