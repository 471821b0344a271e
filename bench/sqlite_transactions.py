"""What a SQLite transaction's two ends cost under the quiz cycle: prints, asserts nothing.

    .venv/bin/python bench/sqlite_transactions.py [--cycles 150] [--threads 8]

Quiz cycles (start, save, submit: bench/quiz_cycle_cost.py) run in process on a
fresh SQLite file:
1. COMMIT times with the WAL checkpointed inline (SQLite's default: the commit that
   fills the WAL past 1000 pages copies it into the database) and in the background
   (gunicorn.conf.py's checkpointer);
2. BEGIN IMMEDIATE times with --threads learners at once: a writer the gate lets in
   before the previous COMMIT is done meets SQLite's lock and its busy handler, which
   sleeps a millisecond or more.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from bench.quiz_cycle_cost import _request, run_cycles  # noqa: E402
from bench.quiz_submit import BENCH_SETTINGS, seed, spread  # noqa: E402
from extensions import db  # noqa: E402
from sqlite_concurrency import checkpoint_in_background  # noqa: E402


def commit_times(cycles: int, background: bool) -> list[float]:
    times: list[float] = []
    stops = []

    def prepare() -> None:
        if background:
            stops.append(checkpoint_in_background(db.engine))
        dialect = db.engine.dialect
        commit = dialect.do_commit

        def timed_commit(connection) -> None:
            start = time.perf_counter()
            commit(connection)
            times.append(time.perf_counter() - start)

        dialect.do_commit = timed_commit

    run_cycles(cycles, prepare=prepare)
    for stop in stops:
        stop.set()
    return times


def begin_times(threads: int, cycles: int) -> list[float]:
    """Each thread a learner with its own client, running cycles at once."""
    folder = Path(tempfile.mkdtemp(prefix="relay-begin-"))
    app = create_app({**BENCH_SETTINGS,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'begin.db'}"})
    times: list[float] = []
    started = threading.local()
    with app.app_context():
        db.create_all()
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(_conn, _cursor, statement, *_args):
        if statement == "BEGIN IMMEDIATE":
            started.at = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(_conn, _cursor, statement, *_args):
        if statement == "BEGIN IMMEDIATE":
            times.append(time.perf_counter() - started.at)

    seed(app, threads)

    def learner(n: int) -> None:
        client = app.test_client()
        client.post("/login", data={"email": f"bench{n}@example.com",
                                    "password": "bench-password-1"})
        path = ""
        for _ in range(cycles):
            for step in ("start", "save", "submit"):
                response = _request(client, step, path)
                if step == "start":
                    path = response.headers["Location"].replace("http://localhost", "")

    workers = [threading.Thread(target=learner, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return times


def describe(times: list[float]) -> str:
    return f"{spread(times, decimals=2)}, {sum(t > 0.001 for t in times)} over 1 ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=150)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    for label, background in (("inline (SQLite's default)", False),
                              ("in the background (gunicorn.conf.py)", True)):
        print(f"COMMITs, checkpoints {label}: {describe(commit_times(args.cycles, background))}")
    waits = begin_times(args.threads, max(1, args.cycles // args.threads))
    print(f"BEGIN IMMEDIATEs, {args.threads} learners at once: {describe(waits)}")


if __name__ == "__main__":
    main()
