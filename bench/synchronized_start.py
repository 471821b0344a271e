"""A company-wide quiz start: N signed-in learners open the same quiz within a few seconds.

    .venv/bin/python bench/synchronized_start.py [--learners 3000] [--window 10]
        [--database sqlite|postgresql|both] [--workers 2] [--threads 32]
        [--worker-class gthread]

Prints, asserting nothing. Generates a company (`flask demo generate`'s code) with
--learners people, gives them one password, starts gunicorn on a free port, and
signs every learner in beforehand. Then two phases with the same arrival schedule
(learner i arrives at a random moment within --window seconds):

1. baseline: each learner sends one `GET /healthz` (what the server and this client
   cost with no work behind them);
2. the start: each learner starts the quiz (POST, redirect), opens the questions page,
   and autosaves one answer: three requests in a row on its own connection.

For each step: count, errors, p50/p95/p99/max, and when the last learner was done.
The core, `run_wave`, takes the steps as URLs (with `{location}` standing for the
path of the previous redirect), so other waves reuse it (bench/contest_start.py).
"""

from __future__ import annotations

import argparse
import http.client
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quiz_submit import (  # noqa: E402
    BENCH_SETTINGS,
    database_uri,
    drop_database,
    report_gc,
    start_server,
)

PASSWORD = "bench-password-1"
QUIZ = "gen-quiz-01"  # the generated company's first quiz: every learner is enrolled


@dataclass(frozen=True)
class Step:
    """One request of a learner's wave. `url` may name `{location}`, the path of the
    previous redirect; `form(context)` builds a POST's fields (None: a GET)."""

    name: str
    url: str
    form: Callable[[dict[str, str]], dict[str, str]] | None = None


@dataclass
class WaveResult:
    timings: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    done_after: float = 0.0  # seconds from the wave's start until the last learner was done


def _request(connection: http.client.HTTPConnection, method: str, path: str, cookie: str,
             form: dict[str, str] | None) -> tuple[int, str]:
    headers = {"Cookie": cookie}
    body = None
    if form is not None:
        body = urlencode(form, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    location = urlsplit(response.getheader("Location") or "")
    return response.status, location.path + (f"?{location.query}" if location.query else "")


def run_wave(port: int, cookies: list[str], steps: list[Step], window: float,
             seed: int = 1) -> WaveResult:
    """Every learner (one cookie each) arrives at a random moment within `window` s and
    runs `steps` in order on its own keep-alive connection; a failed step (status >= 400,
    or no answer) ends that learner's wave."""
    rng = random.Random(seed)
    arrivals = sorted(rng.uniform(0, window) for _ in cookies)
    result = WaveResult({step.name: [] for step in steps}, {step.name: [] for step in steps})
    lock = threading.Lock()
    finished: list[float] = []
    began = time.perf_counter()

    def learner(cookie: str, arrival: float) -> None:
        time.sleep(max(0.0, began + arrival - time.perf_counter()))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        context = {"location": ""}
        try:
            for step in steps:
                path = step.url.format(**context)
                form = step.form(context) if step.form else None
                start = time.perf_counter()
                try:
                    status, location = _request(connection, "POST" if form is not None
                                                else "GET", path, cookie, form)
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    with lock:
                        result.errors[step.name].append(type(error).__name__)
                    return
                seconds = time.perf_counter() - start
                with lock:
                    result.timings[step.name].append(seconds)
                    if status >= 400:
                        result.errors[step.name].append(str(status))
                if status >= 400:
                    return
                if location:
                    context["location"] = location
        finally:
            connection.close()
            with lock:
                finished.append(time.perf_counter() - began)

    threading.stack_size(256 * 1024)
    threads = [threading.Thread(target=learner, args=(cookie, arrival), daemon=True)
               for cookie, arrival in zip(cookies, arrivals, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.done_after = max(finished, default=0.0)
    return result


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def print_wave(label: str, result: WaveResult) -> None:
    print(f"{label}: last learner done after {result.done_after:.1f} s")
    for name, times in result.timings.items():
        ordered = sorted(times)
        errors = result.errors[name]
        kinds = ", ".join(f"{kind} x{errors.count(kind)}" for kind in sorted(set(errors)))
        kinds = f" ({kinds})" if errors else ""
        print(f"  {name:<16} {len(ordered):>5} done, {len(errors)} errors{kinds}"
              f"; p50 {percentile(ordered, .5) * 1000:7.1f} ms, p95 "
              f"{percentile(ordered, .95) * 1000:7.1f} ms, p99 "
              f"{percentile(ordered, .99) * 1000:7.1f} ms, max "
              f"{(ordered[-1] if ordered else 0) * 1000:7.1f} ms")


def quiz_steps(slug: str = QUIZ) -> list[Step]:
    """Start (a redirect to the attempt), its questions page, one autosave of question 1."""
    from quizzes.attempts import option_tokens

    def autosave(context: dict[str, str]) -> dict[str, str]:
        attempt_id = int(context["location"].rstrip("/").rsplit("/", 1)[1])
        token = option_tokens(attempt_id, 0, BENCH_SETTINGS["SECRET_KEY"]).token("option", 0)
        return {"slots": "0", "seq-0": "0", "q0": token}

    return [Step("start", f"/quizzes/{slug}/start", lambda _context: {}),
            Step("questions page", "{location}"),
            Step("autosave", "{location}/autosave", autosave)]


def prepare(uri: str, learners: int) -> list[str]:
    """Generate the company; every learner gets the bench's password. Returns emails."""
    from sqlalchemy import select, update

    from accounts.models import User
    from accounts.passwords import hash_password
    from app import create_app
    from demo.generate import generate_company
    from extensions import db

    app = create_app({**BENCH_SETTINGS, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        generate_company(learners, courses=4)
        db.session.execute(update(User).values(password_hash=hash_password(PASSWORD)))
        db.session.commit()
        emails = list(db.session.scalars(select(User.email).where(
            User.roles == "learner").order_by(User.id)))
        print(f"generated {len(emails)} learners in {time.perf_counter() - started:.0f} s")
        db.session.remove()
        db.engine.dispose()
    return emails


def sign_in(port: int, emails: list[str], parallel: int = 8) -> list[str]:
    """Session cookies, one per learner, from POST /login (as people sign in beforehand)."""
    cookies: list[str] = [""] * len(emails)

    def work(offset: int) -> None:
        for index in range(offset, len(emails), parallel):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("POST", "/login", body=urlencode(
                {"email": emails[index], "password": PASSWORD}),
                headers={"Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            cookies[index] = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    signed = [cookie for cookie in cookies if cookie]
    if len(signed) < len(emails):
        print(f"  {len(emails) - len(signed)} learners could not sign in")
    return signed


def bench(backend: str, learners: int, window: float, workers: int, threads: int,
          worker_class: str, timeout: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="relay-sync-"))
    uri = database_uri(backend, folder)
    try:
        emails = prepare(uri, learners)
        server, port = start_server(uri, folder, workers, threads, True, worker_class, timeout)
        phases = []
        try:
            started = time.perf_counter()
            cookies = sign_in(port, emails)
            print(f"signed in {len(cookies)} learners in {time.perf_counter() - started:.0f} s")
            print(f"server: gunicorn -w {workers} -k {worker_class} --threads {threads} "
                  f"--timeout {timeout}, {backend}; {len(cookies)} learners within "
                  f"{window:g} s")
            for label, steps in (("baseline", [Step("GET /healthz", "/healthz")]),
                                 ("synchronized start", quiz_steps())):
                began = time.time()
                print_wave(label, run_wave(port, cookies, steps, window))
                phases.append((label, began, time.time()))
        finally:
            server.terminate()
            server.wait()
        report_gc(folder, phases)
    finally:
        drop_database(backend)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=3000)
    parser.add_argument("--window", type=float, default=10.0, help="seconds")
    parser.add_argument("--database", default="sqlite",
                        help="sqlite, postgresql, or both (one after the other)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--worker-class", default="gthread", help="gunicorn's -k")
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn's worker timeout")
    args = parser.parse_args()
    for backend in ["sqlite", "postgresql"] if args.database == "both" else [args.database]:
        bench(backend, args.learners, args.window, args.workers, args.threads,
              args.worker_class, args.timeout)


if __name__ == "__main__":
    main()
