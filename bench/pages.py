"""Page throughput over HTTP beside bare Flask and raw WSGI: prints figures, asserts nothing.

    .venv/bin/python bench/pages.py [--backends sqlite,postgresql] [--learners 1000]
                                    [--workers 2] [--threads 4] [--connections 8]
                                    [--seconds 5] [--repeat 3]

For each backend it generates a company (`flask demo generate`), gives one generated
learner a password and an open quiz attempt, and starts three gunicorn servers with the
same settings (workers, worker class, threads, this file as the config): Relay, a bare
Flask app answering "hello", and a raw WSGI callable answering "hello". It signs in
through the login form (CSRF on, as in production), then loads with wrk, arms
interleaved, each `--repeat` times: the lesson page (a repeat view of the step the
learner is on), the learner's home, the course page and the quiz questions page, and the
two hellos. Per arm it prints the median req/s, p50/p95/p99 latency and errors (socket
errors and non-2xx answers) over the repetitions, and the ratio to bare Flask.

wrk comes from `apt-get install wrk`; the servers' rate limits count in the Redis at
127.0.0.1:6379 (database 15), or in RATELIMIT_STORAGE_URI if set. SQLite runs on a
file in a temporary folder; PostgreSQL in a private database relay_bench_pages_<pid>,
created and dropped here.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-pages"
PASSWORD = "bench-password-1"
LEARNER = "bench-learner@example.com"
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


# --- the servers' apps and gunicorn hooks (this module is also their gunicorn config) ----

def flask_hello():
    """A bare Flask app: one route, no extensions."""
    from flask import Flask

    app = Flask("hello")
    app.add_url_rule("/", "hello", lambda: "hello")
    return app


def wsgi_hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


def post_worker_init(worker) -> None:
    """Every arm: gc.freeze() after start-up; Relay also the repository's hooks."""
    if hasattr(worker.wsgi, "app_context") and worker.wsgi.name == "app":
        import runpy

        runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"](worker)
    else:
        gc.collect()
        gc.freeze()


# --- set-up ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def private_database(drop: bool = False) -> str:
    """This run's own PostgreSQL database (hr_report's rule), under RELAY_TEST_POSTGRES_URL."""
    sys.path.insert(0, str(ROOT))
    from bench.hr_report import private_database as hr_private_database

    base = os.environ.get("RELAY_TEST_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    return hr_private_database(base.replace("postgresql://", "postgresql+psycopg://", 1), drop)


def prepare(uri: str, instance: Path, learners: int) -> dict[str, str]:
    """Generate the company, ready one learner; returns the paths to load."""
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade
    from sqlalchemy import select

    from accounts.models import User
    from accounts.service import set_password
    from app import create_app
    from courses.models import Course, OutlineItem
    from demo.generate import generate_company
    from extensions import db
    from quizzes.service import get_quiz_by_slug, start_attempt

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": SECRET})
    app.instance_path = str(instance)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="head")
        started = time.perf_counter()
        generate_company(learners)
        print(f"  generated {learners} learners in {time.perf_counter() - started:.0f} s",
              flush=True)
        # a generated learner (20 enrollments, some done), signing in with a password
        user = db.session.scalar(select(User).where(User.email.like("learner%@gen.example.com"))
                                 .order_by(User.id).limit(1))
        user.email = LEARNER
        set_password(user, PASSWORD)
        db.session.commit()
        course = db.session.scalar(select(Course).where(Course.slug == "gen-course-01"))
        lesson = db.session.scalar(select(OutlineItem.id).where(
            OutlineItem.course_id == course.id, OutlineItem.lesson_id.is_not(None)))
        attempt = start_attempt(user, get_quiz_by_slug("gen-quiz-01"))
        paths = {"lesson": f"/courses/{course.slug}/lessons/{lesson}", "home": "/home",
                 "course": f"/courses/{course.slug}", "quiz questions": f"/attempts/{attempt.id}"}
        db.session.remove()
        db.engine.dispose()
    return paths


def start(target: str, uri: str, args: argparse.Namespace
          ) -> tuple[subprocess.Popen, int]:
    port = free_port()
    # several workers share their rate-limit counts in Redis, as the deployment guide asks
    environment = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15", **os.environ,
                   "DATABASE_URL": uri, "SECRET_KEY": SECRET, "PYTHONPATH": str(ROOT)}
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "python:bench.pages",
               "-w", str(args.workers), "-k", args.worker_class, "--threads", str(args.threads),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", target]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn did not start: {target}")


def sign_in(port: int) -> str:
    """The session cookie of the learner, through the login form (with its CSRF token)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    body = urllib.parse.urlencode({"email": LEARNER, "password": PASSWORD,
                                   "csrf_token": token.group(1) if token else ""})
    connection.request("POST", "/login", body, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"sign-in failed: {response.status}")
    return response.getheader("Set-Cookie").split(";")[0]


def wrk(port: int, path: str, cookie: str | None, args: argparse.Namespace,
        seconds: int, script: Path) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{seconds}s", "-s", str(script),
               f"http://127.0.0.1:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(output.split("RESULT ", 1)[1])
    # wrk counts socket errors and non-2xx/3xx answers; a redirect to /login would
    # mean the session was lost, so arms are checked for 200 before the load
    result["rps"] = result["requests"] / result["seconds"]
    return result


def check(port: int, path: str, cookie: str | None) -> None:
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {response.getheader('Location')}")


def run_backend(backend: str, args: argparse.Namespace, script: Path) -> None:
    print(f"\n{backend}: {args.learners} generated learners; gunicorn -w {args.workers} "
          f"-k {args.worker_class} --threads {args.threads}; wrk -t2 -c{args.connections} "
          f"-d{args.seconds}s, {args.repeat} interleaved repetitions", flush=True)
    instance = Path(tempfile.mkdtemp(prefix="relay-pages-"))
    uri = f"sqlite:///{instance / 'bench.db'}" if backend == "sqlite" else private_database()
    servers = []
    try:
        paths = prepare(uri, instance, args.learners)
        relay, relay_port = start("app:create_app()", uri, args)
        flask, flask_port = start("bench.pages:flask_hello()", uri, args)
        raw, raw_port = start("bench.pages:wsgi_hello", uri, args)
        servers = [relay, flask, raw]
        cookie = sign_in(relay_port)
        arms = [(name, relay_port, path, cookie) for name, path in paths.items()]
        arms += [("bare Flask hello", flask_port, "/", None),
                 ("raw WSGI hello", raw_port, "/", None)]
        for _name, port, path, arm_cookie in arms:  # 200s, then a warm-up of each arm
            check(port, path, arm_cookie)
            wrk(port, path, arm_cookie, args, 1, script)
        results: dict[str, list[dict[str, float]]] = {name: [] for name, *_ in arms}
        for _ in range(args.repeat):
            for name, port, path, arm_cookie in arms:
                results[name].append(wrk(port, path, arm_cookie, args, args.seconds, script))
        report(results)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        if backend == "postgresql":
            private_database(drop=True)
        shutil.rmtree(instance, ignore_errors=True)


def report(results: dict[str, list[dict[str, float]]]) -> None:
    flask = statistics.median(r["rps"] for r in results["bare Flask hello"])
    print(f"  {'arm':<18} {'req/s':>8} {'runs (req/s)':>22} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7} {'errors':>6} {'/ Flask':>8}")
    for name, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        each = "/".join(f"{r['rps']:.0f}" for r in runs)
        print(f"  {name:<18} {rps:8.0f} {each:>22} "
              f"{statistics.median(r['p50'] for r in runs):7.1f} "
              f"{statistics.median(r['p95'] for r in runs):7.1f} "
              f"{statistics.median(r['p99'] for r in runs):7.1f} "
              f"{sum(r['errors'] for r in runs):6.0f} {rps / flask:8.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        for backend in args.backends.split(","):
            run_backend(backend, args, Path(script.name))
    finally:
        os.unlink(script.name)


if __name__ == "__main__":
    main()
