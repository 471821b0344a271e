"""How long SQLite's COMMITs take with WAL checkpoints inline and in the background.

    .venv/bin/python bench/sqlite_commits.py [--cycles 150]

Runs quiz cycles in process (start, save, submit: bench/quiz_cycle_cost.py) twice
on a fresh SQLite file: with SQLite's default, where the commit that fills the WAL
past 1000 pages copies it into the database, and with gunicorn.conf.py's background
checkpointer. Prints the distribution of commit times of each; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.quiz_cycle_cost import run_cycles  # noqa: E402
from extensions import checkpoint_in_background, db  # noqa: E402


def commit_times(cycles: int, background: bool) -> list[float]:
    times: list[float] = []
    stops = []

    def prepare() -> None:
        if background:
            stops.append(checkpoint_in_background(db.engine))
        dialect = db.engine.dialect
        commit = dialect.do_commit

        def timed_commit(connection) -> None:  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            commit(connection)
            times.append(time.perf_counter() - start)

        dialect.do_commit = timed_commit  # type: ignore[method-assign]

    run_cycles(cycles, prepare=prepare)
    for stop in stops:
        stop.set()
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=150)
    args = parser.parse_args()
    for label, background in (("inline (SQLite's default)", False),
                              ("background (gunicorn.conf.py)", True)):
        times = commit_times(args.cycles, background)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"checkpoints {label}: {len(times)} commits, median "
              f"{statistics.median(times) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms, max "
              f"{times[-1] * 1000:.1f} ms, {sum(t > 0.005 for t in times)} over 5 ms")


if __name__ == "__main__":
    main()
