"""CPU time and SQL statements of the learner's pages, in process: prints, asserts nothing.

    .venv/bin/python bench/page_cost.py [--learners 300] [--requests 300] [--profile lesson]

Generates a company on a SQLite file in a temporary folder (`flask demo generate`'s
generate_company, as bench/pages.py does: 20 courses of a lesson and, for some, a quiz,
every learner enrolled in every course, progress), signs one generated learner in with
the test client, and asks, interleaved, `--requests` times each: a signed-in trivial view
(the floor: login, session, the response hooks), the lesson page (a repeat view of the
step the learner is on), the learner's home and the course page. Per page: the median
process CPU time (less blurred by other work on a shared machine than wall-clock time)
and the statements of the last request. With --profile PAGE, cProfile's top functions
for that page (--sort tottime or cumulative). Run it on two commits, alternating, to
compare them.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import LEARNER, PASSWORD, prepare  # noqa: E402
from bench.quiz_submit import BENCH_SETTINGS  # noqa: E402

PAGES = ("floor", "lesson", "home", "course")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", choices=PAGES)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    parser.add_argument("--lines", type=int, default=45)
    args = parser.parse_args()
    from flask_login import current_user, login_required
    from sqlalchemy import event

    from app import create_app
    from extensions import db

    folder = Path(tempfile.mkdtemp(prefix="relay-page-cost-"))
    try:
        uri = f"sqlite:///{folder / 's.db'}"
        paths = prepare(uri, folder, args.learners)
        app = create_app({**BENCH_SETTINGS, "SQLALCHEMY_DATABASE_URI": uri})

        @login_required
        def floor() -> str:
            return f"ok {current_user.id}"

        app.add_url_rule("/bench-floor", view_func=floor)
        count = [0]
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute",
                         lambda *_args: count.__setitem__(0, count[0] + 1))
        client = app.test_client()
        signed_in = client.post("/login", data={"email": LEARNER, "password": PASSWORD})
        assert signed_in.status_code == 302, "sign-in failed"
        urls = {"floor": "/bench-floor", "lesson": paths["lesson"], "home": paths["home"],
                "course": paths["course"]}
        for url in urls.values():  # warm-up; the lesson's first view records the visit
            for _ in range(3):
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: {response.status_code}")
        cpu: dict[str, list[float]] = {page: [] for page in PAGES}
        statements: dict[str, int] = {}
        profile = cProfile.Profile()
        for _ in range(args.requests):
            for page in PAGES:
                before, started = count[0], time.process_time()
                if page == args.profile:
                    profile.enable()
                client.get(urls[page])
                if page == args.profile:
                    profile.disable()
                cpu[page].append(time.process_time() - started)
                statements[page] = count[0] - before
        floor_ms = statistics.median(cpu["floor"]) * 1000
        for page in PAGES:
            ms = statistics.median(cpu[page]) * 1000
            print(f"{page:<7} {urls[page]:<34} CPU median {ms:6.2f} ms "
                  f"({ms / floor_ms:4.1f} x floor), {statements[page]:2} statements")
        if args.profile:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.lines)
            print(out.getvalue())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
