"""A learner's autosaves while HR downloads the enrollment export: prints, asserts nothing.

    .venv/bin/python bench/autosave_beside_export.py [--learners 2000] [--format xlsx]

On a SQLite file with a generated company, one thread downloads
/reports/export/enrollments.<format> as HR while another autosaves a quiz answer
every 20 ms, both in process through the test client. Two arms in the same run:
the export view as shipped (@read_only: its transaction reads a WAL snapshot and
takes no write lock) and with the mark taken off (its transaction holds the write
lock from BEGIN, as every view's did before). The autosaves still share the CPU
(and the GIL) with the export in both arms; only the lock differs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from bench.quiz_submit import BENCH_SETTINGS, seed, spread  # noqa: E402
from extensions import db  # noqa: E402
from quizzes.attempts import option_tokens  # noqa: E402

EXPORT_VIEW = "reports.export_enrollments"
PASSWORD = "bench-password-1"


def make_app(learners: int):
    from accounts.service import create_user
    from demo.generate import generate_company

    path = Path(tempfile.mkdtemp(prefix="relay-export-")) / "export.db"
    app = create_app({**BENCH_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        generate_company(learners)
        create_user("bench-hr@example.com", "HR", password=PASSWORD, roles=("hr",))
    seed(app, 1)
    return app


def signed_in(app, email: str):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


def arm(app, fmt: str, marked: bool) -> None:
    app.view_functions[EXPORT_VIEW].read_only = marked
    hr, learner = signed_in(app, "bench-hr@example.com"), signed_in(app, "bench0@example.com")
    attempt = learner.post("/quizzes/bench-quiz/start", data={}).headers["Location"]
    done, saves = threading.Event(), []

    def export() -> None:
        started = time.perf_counter()
        response = hr.get(f"/reports/export/enrollments.{fmt}")
        size = len(response.get_data())
        print(f"  export: {response.status_code}, {size / 1024:.0f} KB in "
              f"{time.perf_counter() - started:.1f} s")
        done.set()

    thread = threading.Thread(target=export)
    thread.start()
    tokens = option_tokens(int(attempt.rsplit("/", 1)[1]), 0, BENCH_SETTINGS["SECRET_KEY"])
    answer, seq = 0, 0
    while not done.is_set():
        answer = 1 - answer  # a changed answer each time, so each save writes
        started = time.perf_counter()
        response = learner.post(f"{attempt}/autosave", data={
            "slots": "0", "seq-0": str(seq), "q0": tokens.token("option", answer)})
        saves.append((time.perf_counter() - started, response.status_code))
        if response.status_code == 200:
            seq = response.json["saved"]["0"]
        time.sleep(0.02)
    thread.join()
    learner.post(attempt, data={"slots": "", "action": "submit"})
    failed = sum(1 for _seconds, status in saves if status != 200)
    print(f"  autosaves meanwhile: {spread([seconds for seconds, _status in saves])}, "
          f"not saved {failed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="xlsx")
    args = parser.parse_args()
    app = make_app(args.learners)
    for marked in (False, True):
        print("export view " + ("@read_only (as shipped)" if marked
                                else "unmarked (write lock from BEGIN)"))
        arm(app, args.format, marked)


if __name__ == "__main__":
    main()
