"""CPU time and SQL statements of each step a learner takes, in process: prints, asserts nothing.

    .venv/bin/python bench/quiz_step_cost.py [--learners 60] [--profile submit]

Steps: start, the questions page, the first autosave, the submit (after 19 more
autosaves), for every learner twice, on the bench quiz of 20 questions (SQLite file,
the test client). Per step: the median process CPU time (less blurred by other work
on a shared machine than wall-clock time) and the statements of the last request.
With --profile STEP, cProfile's top functions for that step. Run it on two commits,
alternating, to compare them.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quiz_submit import BENCH_SETTINGS, option_1, seed  # noqa: E402

STEPS = ("start", "questions page", "autosave", "submit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--profile", choices=STEPS)
    args = parser.parse_args()
    from sqlalchemy import event

    from app import create_app
    from extensions import db
    from sqlite_concurrency import engines_of

    folder = Path(tempfile.mkdtemp(prefix="relay-steps-"))
    app = create_app({**BENCH_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 's.db'}"})
    with app.app_context():
        db.create_all()
    seed(app, args.learners)
    count = [0]
    with app.app_context():
        for engine in engines_of(db.engine):  # the reader engine too (SQLite)
            event.listen(engine, "before_cursor_execute",
                         lambda *_args: count.__setitem__(0, count[0] + 1))
    clients = []
    for n in range(args.learners):
        client = app.test_client()
        client.post("/login", data={"email": f"bench{n}@example.com",
                                    "password": "bench-password-1"})
        clients.append(client)
    cpu: dict[str, list[float]] = {step: [] for step in STEPS}
    statements: dict[str, int] = {}
    profile = cProfile.Profile()

    def timed(step: str, send, path: str, **form):
        before, started = count[0], time.process_time()
        if step == args.profile:
            profile.enable()
        response = send(path, **form)
        if step == args.profile:
            profile.disable()
        cpu[step].append(time.process_time() - started)
        statements[step] = count[0] - before
        return response

    for _ in range(2):
        for client in clients:
            path = timed("start", client.post, "/quizzes/bench-quiz/start", data={}
                         ).headers["Location"].replace("http://localhost", "")
            timed("questions page", client.get, path)
            timed("autosave", client.post, f"{path}/autosave", data={
                "slots": "0", "seq-0": "0", "q0": option_1(path, 0)})
            for slot in range(1, 20):
                client.post(f"{path}/autosave", data={
                    "slots": str(slot), f"seq-{slot}": "0", f"q{slot}": option_1(path, slot)})
            timed("submit", client.post, path, data={"slots": "", "action": "submit"})
    for step in STEPS:
        print(f"{step:<15} CPU median {statistics.median(cpu[step]) * 1000:6.2f} ms, "
              f"{statements[step]} statements ({len(cpu[step])} requests)")
    if args.profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())


if __name__ == "__main__":
    main()
