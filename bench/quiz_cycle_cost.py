"""What one learner's quiz cycle costs, in figures a noisy shared machine cannot blur.

    .venv/bin/python bench/quiz_cycle_cost.py            # statements, then instructions
    .venv/bin/python bench/quiz_cycle_cost.py --no-valgrind

A cycle is: start an attempt at a 20-question quiz, save 20 answers, submit (the
in-process test client, SQLite file). Prints, asserting nothing:
1. SQL statements per request, counted (the same on every run);
2. CPU instructions per cycle, counted by valgrind's callgrind: two runs of 5 and 25
   cycles, subtracted, so start-up and seeding cancel out. This takes a few minutes.
   Run it on two commits to compare them; wall-clock times on these machines vary
   by a factor of two from one minute to the next, instruction counts do not.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quiz_submit import BENCH_SETTINGS, save_all_form, seed  # noqa: E402

SHORT, LONG = 5, 25


def run_cycles(cycles: int, count_statements: bool = False,
               prepare: Callable[[], None] | None = None) -> dict[str, int]:
    """Run the cycles; with count_statements, the statements of the last cycle's requests.

    prepare runs in the app's context once its tables exist, before the first cycle."""
    from sqlalchemy import event

    from app import create_app
    from extensions import db
    from sqlite_concurrency import engines_of

    folder = Path(tempfile.mkdtemp(prefix="relay-cycle-"))
    app = create_app({**BENCH_SETTINGS,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'cycle.db'}"})
    with app.app_context():
        db.create_all()
        if prepare is not None:
            prepare()
    seed(app, cycles // 3 + 1)
    statements = [0]
    if count_statements:
        with app.app_context():
            for engine in engines_of(db.engine):  # the reader engine too (SQLite)
                event.listen(engine, "before_cursor_execute",
                             lambda *_args: statements.__setitem__(0, statements[0] + 1))
    counts: dict[str, int] = {}
    client = app.test_client()
    for cycle in range(cycles):
        if cycle % 3 == 0:  # three attempts per learner, as a retake or two would
            client = app.test_client()
            client.post("/login", data={"email": f"bench{cycle // 3}@example.com",
                                        "password": "bench-password-1"})
        for step in ("start", "save", "submit"):
            before = statements[0]
            response = _request(client, step, counts.get("path", ""))
            if step == "start":
                counts["path"] = response.headers["Location"].replace("http://localhost", "")
            counts[step] = statements[0] - before
    counts.pop("path")
    return counts


def _request(client, step: str, path: str):
    if step == "start":
        return client.post("/quizzes/bench-quiz/start", data={})
    if step == "save":
        return client.post(path, data=save_all_form(path))
    return client.post(path, data={"slots": "", "action": "submit"})


def instructions(cycles: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
             __file__, "--inner", str(cycles)],
            env={**os.environ, "PYTHONMALLOC": "malloc"}, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or not found:
        raise SystemExit(f"valgrind failed:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-valgrind", action="store_true")
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner is not None:
        run_cycles(args.inner)
        return
    counts = run_cycles(3, count_statements=True)
    print("SQL statements per request: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if args.no_valgrind:
        return
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed (apt-get install valgrind)")
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        short, long = pool.map(instructions, (SHORT, LONG))
    per_cycle = (long - short) / (LONG - SHORT)
    print(f"instructions per cycle (start, save, submit; a login every third): "
          f"{per_cycle / 1e6:.1f} million")


if __name__ == "__main__":
    main()
