"""CPU time and SQL statements of the learner's pages, in process: prints, asserts nothing.

    .venv/bin/python bench/page_cost.py [--learners 300] [--requests 300] [--profile lesson]

Generates a company on a SQLite file in a temporary folder (`flask demo generate`'s
generate_company, as bench/pages.py does: 20 courses of a lesson and, for some, a quiz,
every learner enrolled in every course, progress), signs one generated learner in with
the test client, and asks, interleaved, `--requests` times each: bare Flask's hello
(bench/pages.py's, in its own test client), a signed-in trivial view
(the floor: login, session, the response hooks), the lesson page (a repeat view of the
step the learner is on), the learner's home and the course page, all of them as
bench/pages.py loads them over HTTP (a generated course has two steps); and the lesson
and course pages of the repository's content course internal-customer (nine steps, the
learner enrolled, three lessons read, on the fourth), imported first ("lesson 9",
"course 9"; the home page shows it too: 21 courses). Per page: the median
process CPU time (less blurred by other work on a shared machine than wall-clock time),
hello's CPU over the page's (in process, the test client's own cost counts in both:
compare with bench/pages.py's ratio over HTTP only loosely) and the statements of the
last request. With --profile PAGE, cProfile's top functions
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

from bench.pages import LEARNER, PASSWORD, flask_hello, prepare  # noqa: E402
from bench.quiz_submit import BENCH_SETTINGS  # noqa: E402

PAGES = ("hello", "floor", "lesson", "home", "course", "lesson 9", "course 9")
CONTENT_COURSE = "internal-customer"


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
    from sqlite_concurrency import engines_of

    folder = Path(tempfile.mkdtemp(prefix="relay-page-cost-"))
    try:
        uri = f"sqlite:///{folder / 's.db'}"
        paths = prepare(uri, folder, args.learners)
        app = create_app({**BENCH_SETTINGS, "SQLALCHEMY_DATABASE_URI": uri})
        with app.app_context():
            paths.update(content_course(ROOT / "content"))

        @login_required
        def floor() -> str:
            return f"ok {current_user.id}"

        app.add_url_rule("/bench-floor", view_func=floor)
        count = [0]
        with app.app_context():
            for engine in engines_of(db.engine):  # the reader engine too (SQLite)
                event.listen(engine, "before_cursor_execute",
                             lambda *_args: count.__setitem__(0, count[0] + 1))
        client = app.test_client()
        hello = flask_hello().test_client()
        signed_in = client.post("/login", data={"email": LEARNER, "password": PASSWORD})
        assert signed_in.status_code == 302, "sign-in failed"
        urls = {"hello": "/", "floor": "/bench-floor", "lesson": paths["lesson"],
                "home": paths["home"], "course": paths["course"], "lesson 9": paths["lesson 9"],
                "course 9": paths["course 9"]}
        clients = {page: hello if page == "hello" else client for page in PAGES}
        for page, url in urls.items():  # warm-up; the lesson's first view records the visit
            for _ in range(3):
                response = clients[page].get(url)
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
                clients[page].get(urls[page])
                if page == args.profile:
                    profile.disable()
                cpu[page].append(time.process_time() - started)
                statements[page] = count[0] - before
        hello_ms = statistics.median(cpu["hello"]) * 1000
        for page in PAGES:
            ms = statistics.median(cpu[page]) * 1000
            print(f"{page:<8} {urls[page]:<38} CPU median {ms:6.2f} ms, hello/page "
                  f"{hello_ms / ms:5.3f}, {statements[page]:2} statements")
        if args.profile:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.lines)
            print(out.getvalue())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def content_course(content: Path) -> dict[str, str]:
    """Import the repository's courses; the bench learner enrols in one, reads three lessons."""
    from sqlalchemy import select

    from accounts.models import User
    from authoring.content_import import import_content
    from courses import service
    from courses.progress import learner_items
    from extensions import db

    import_content(content)
    user = db.session.scalar(select(User).where(User.email == LEARNER))
    course = service.get_published_course(CONTENT_COURSE)
    assert user is not None and course is not None
    service.enroll_self(user, course)
    lessons = [item for item in learner_items(course) if item.kind == "lesson"]
    for item in lessons[:3]:
        service.mark_lesson_read(user, item)
    fourth = lessons[3].id
    db.session.remove()
    return {"lesson 9": f"/courses/{CONTENT_COURSE}/lessons/{fourth}",
            "course 9": f"/courses/{CONTENT_COURSE}"}


if __name__ == "__main__":
    main()
