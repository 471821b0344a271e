"""Quiz grading and submit benchmarks: prints figures, asserts nothing.

    .venv/bin/python bench/quiz_submit.py [--clients 32] [--rounds 4] [--think 0.5]

1. Python time to grade a 20-question attempt (mixed types), pure grading.
2. Submit latency and throughput at N concurrent clients against gunicorn (gthread,
   one worker by default, its own process) on a SQLite WAL file, next to a baseline of
   the same number of requests to a trivial route (/healthz) in the same run, under
   three load models (only the submit is timed in each):
   - saturating: each client loops start, save 20 answers, submit with no pause, so
     every request queues behind the other clients' (a capacity test, like `wrk -c N`);
   - learners: each client takes the quiz as a browser running the page's JavaScript
     does (start and the questions page, one autosave per answer, submit and the review
     page) with a random pause of 0.5-1.5 x --think seconds before each action. At
     0.5 s that is ten times faster than people answer;
   - deadline burst: every client has answered, then all submit at the same moment
     (a timed quiz's bell).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from app import create_app  # noqa: E402
from bench.hr_report import postgres_base, private_database  # noqa: E402
from extensions import db  # noqa: E402
from quizzes.types import get_type  # noqa: E402

BENCH_SETTINGS = {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                  "ARGON2_MEMORY_KIB": 1024}

QUESTIONS = [
    ("single_choice", {"options": [{"text": "a", "correct": True}, {"text": "b", "correct": False},
                                   {"text": "c", "correct": False}]}, 0),
    ("multiple_response", {"options": [{"text": "a", "weight": 50}, {"text": "b", "weight": 50},
                                       {"text": "c", "weight": -50}]}, [0, 2]),
    ("true_false", {"answer": True}, False),
    ("short_answer", {"answers": [{"text": "内部客户", "weight": 100},
                                  {"text": "*客户*", "weight": 50}]}, "内部 客户！"),
    ("numerical", {"answers": [{"value": 4, "tolerance": 0, "weight": 100}]}, 4.0),
    ("matching", {"pairs": [{"left": "a", "right": "1"}, {"left": "b", "right": "2"},
                            {"left": "c", "right": "3"}]}, [0, 2, 1]),
    ("ordering", {"items": ["one", "two", "three", "four"]}, [0, 2, 1, 3]),
    ("cloze", {"text": "{{1}} and {{2}}", "gaps": [
        {"kind": "choice", "options": [{"text": "x", "correct": True},
                                       {"text": "y", "correct": False}]},
        {"kind": "short", "answers": [{"text": "relay", "weight": 100}]}]}, [0, "Relay"]),
]


def bench_grading(repeat: int = 2000) -> None:
    prepared = []
    for i in range(20):
        type_id, data, answer = QUESTIONS[i % len(QUESTIONS)]
        question_type = get_type(type_id)
        prepared.append((question_type, question_type.validate(data), answer))
    start = time.perf_counter()
    for _ in range(repeat):
        for question_type, data, answer in prepared:
            question_type.grade(data, answer)
    per_attempt = (time.perf_counter() - start) / repeat
    print(f"grading: {per_attempt * 1000:.3f} ms per 20-question attempt "
          f"(goal < 2 ms; {repeat} attempts)")


def seed(app, users: int) -> None:
    from accounts.service import add_user
    from tests.factories import Factories, single_choice

    with app.app_context():
        make = Factories()
        # every answer right (save_all picks option 1): each submit passes, the dearer path
        # (a passed statement, the course-completion check; the first one completes it)
        questions = [single_choice(f"q{i}", correct=1) for i in range(20)]
        make.course("bench", lessons=0, quizzes=[make.quiz_source("bench-quiz",
                                                                   questions=questions)])
        for n in range(users):
            add_user(f"bench{n}@example.com", f"Bench {n}", password="bench-password-1")
        db.session.commit()


class Client:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # the server closed an idle keep-alive connection: a browser reconnects
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, response.getheader("Location") or ""


def run_clients(count: int, work) -> list[float]:
    timings: list[float] = []
    lock = threading.Lock()

    def runner(index: int) -> None:
        for seconds in work(index):
            with lock:
                timings.append(seconds)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def p99(ordered: list[float]) -> float:
    """The 99th percentile of sorted figures, the same way in every bench."""
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def spread(times: list[float], decimals: int = 1) -> str:
    """"N, median, p99, max" of timings in seconds, the same way in every bench."""
    ordered = sorted(times)
    return (f"{len(ordered)}, median {statistics.median(ordered) * 1000:.{decimals}f} ms, "
            f"p99 {p99(ordered) * 1000:.{decimals}f} ms, max {ordered[-1] * 1000:.1f} ms")


def report(label: str, timings: list[float], wall: float) -> None:
    ordered = sorted(timings)
    print(f"{label}: {len(timings)} requests, {len(timings) / wall:.0f}/s, "
          f"median {statistics.median(ordered) * 1000:.1f} ms, "
          f"p99 {p99(ordered) * 1000:.1f} ms")


def start_server(uri: str, folder: Path, workers: int, threads: int, worker_hooks: bool = True,
                 worker_class: str = "gthread", timeout: int = 30,
                 settings: dict | None = None) -> tuple[subprocess.Popen, int]:
    """Gunicorn in its own process, as in production: the clients here do not share its GIL.

    Its config is the repository's gunicorn.conf.py (its worker hooks skipped when
    worker_hooks is False) with a probe that logs the worker's garbage collections
    (into `folder`).
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = {**(settings or BENCH_SETTINGS), "SQLALCHEMY_DATABASE_URI": uri}
    environment = {**os.environ, "RELAY_GC_PROBE": str(gc_log(folder)),
                   "RELAY_WORKER_HOOKS": "on" if worker_hooks else "off"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "python:bench.gc_probe",
         "-w", str(workers), "-k", worker_class, "--threads", str(threads),
         "--timeout", str(timeout), "--backlog", "4096",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         f"app:create_app({settings!r})"], cwd=ROOT, env=environment)
    for _ in range(600):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            return server, port
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("gunicorn did not start")


def gc_log(folder: Path) -> Path:
    return folder / "server.gc.jsonl"


def report_gc(folder: Path, phases: list[tuple[str, float, float]]) -> None:
    """The server's garbage collections during each timed phase (wall-clock windows)."""
    log = gc_log(folder)
    pauses = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    for label, start, end in phases:
        during = [(generation, seconds) for when, generation, seconds in pauses
                  if start <= when <= end]
        full = sorted(seconds for generation, seconds in during if generation == 2)
        text = (f"{len(full)} full (median {statistics.median(full) * 1000:.1f} ms, "
                f"max {full[-1] * 1000:.1f} ms)") if full else "0 full"
        print(f"  server GC during {label}: {text}; all collections "
              f"{sum(seconds for _, seconds in during) * 1000:.0f} ms in {len(during)}")


def database_uri(backend: str, folder: Path) -> str:
    """A fresh database for one bench run: a SQLite WAL file, or a private PostgreSQL one."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}"
    base = postgres_base()
    if base is None:
        raise SystemExit("PostgreSQL is not reachable at 127.0.0.1:5432")
    return private_database(base)


def drop_database(backend: str) -> None:
    if backend == "postgresql":
        private_database(postgres_base() or "", drop=True)


MODELS = ("saturating", "learners", "burst")


def bench_submit(clients: int, rounds: int, workers: int, threads: int, think: float,
                 models: list[str], worker_hooks: bool = True, backend: str = "sqlite",
                 worker_class: str = "gthread") -> None:
    folder = Path(tempfile.mkdtemp(prefix="relay-bench-"))
    uri = database_uri(backend, folder)
    app = create_app({**BENCH_SETTINGS, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        db.create_all()
    seed(app, clients)
    with app.app_context():
        db.engine.dispose()
    server, port = start_server(uri, folder, workers, threads, worker_hooks, worker_class)
    phases = []
    try:
        sessions = [Client(port) for _ in range(clients)]
        for n, client in enumerate(sessions):
            client.request("POST", "/login", {"email": f"bench{n}@example.com",
                                              "password": "bench-password-1"})
        print(f"server: gunicorn, {workers} worker(s) x {threads} threads ({worker_class}), "
              f"{'SQLite WAL file' if backend == 'sqlite' else 'PostgreSQL'}, "
              f"gunicorn.conf.py's worker hooks {'on' if worker_hooks else 'off'}")
        runs = {"saturating": ("submit, saturating", saturating_work(sessions, rounds, port)),
                "learners": (f"submit, learners (think {think} s)",
                             learner_work(sessions, rounds, port, think)),
                "burst": ("submit, deadline burst", burst_work(sessions, rounds, port))}
        chosen = [runs[name] for name in models]
        for label, work in [("baseline GET /healthz", baseline_work(sessions, rounds)), *chosen]:
            start, began = time.perf_counter(), time.time()
            timings = run_clients(clients, work)
            report(f"{label} ({clients} clients)", timings, time.perf_counter() - start)
            phases.append((label, began, time.time()))
    finally:
        server.terminate()
        server.wait()
        with app.app_context():
            db.engine.dispose()
        drop_database(backend)
    report_gc(folder, phases)


def baseline_work(sessions: list[Client], rounds: int):
    def work(index: int):
        for _ in range(rounds):
            start = time.perf_counter()
            sessions[index].request("GET", "/healthz")
            yield time.perf_counter() - start
    return work


def start_attempt(client: Client, port: int) -> str:
    _, location = client.request("POST", "/quizzes/bench-quiz/start", {})
    return location.replace(f"http://127.0.0.1:{port}", "")


def option_1(path: str, slot: int) -> str:
    """What the page posts for option 1 of a question: the attempt's token for it."""
    from quizzes.attempts import option_tokens

    attempt_id = int(path.rstrip("/").rsplit("/", 1)[1])
    return option_tokens(attempt_id, slot, BENCH_SETTINGS["SECRET_KEY"]).token("option", 1)


def save_all_form(path: str) -> dict[str, str]:
    """The no-JavaScript page's "save" with all 20 questions answered, at seq 0."""
    return {"slots": ",".join(map(str, range(20))), "action": "save",
            **{f"q{slot}": option_1(path, slot) for slot in range(20)},
            **{f"seq-{slot}": "0" for slot in range(20)}}


def save_all(client: Client, path: str) -> None:
    client.request("POST", path, save_all_form(path))


def timed_submit(client: Client, path: str) -> float:
    start = time.perf_counter()
    client.request("POST", path, {"slots": "", "action": "submit"})
    return time.perf_counter() - start


def saturating_work(sessions: list[Client], rounds: int, port: int):
    def work(index: int):
        client = sessions[index]
        for _ in range(rounds):
            path = start_attempt(client, port)
            save_all(client, path)
            yield timed_submit(client, path)
    return work


def learner_work(sessions: list[Client], rounds: int, port: int, think: float):
    def work(index: int):
        client, rng = sessions[index], random.Random(index)

        def pause() -> None:
            time.sleep(think * rng.uniform(0.5, 1.5))

        for _ in range(rounds):
            pause()
            path = start_attempt(client, port)
            client.request("GET", path)  # a browser follows each redirect: the questions
            for slot in range(20):
                pause()
                client.request("POST", f"{path}/autosave", {
                    "slots": str(slot), f"seq-{slot}": "0", f"q{slot}": option_1(path, slot)})
            pause()
            yield timed_submit(client, path)
            client.request("GET", f"{path}/review")  # ... and the review
    return work


def burst_work(sessions: list[Client], rounds: int, port: int):
    bell = threading.Barrier(len(sessions))

    def work(index: int):
        client = sessions[index]
        for _ in range(rounds):
            path = start_attempt(client, port)
            save_all(client, path)
            bell.wait(timeout=300)
            yield timed_submit(client, path)
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1,
                        help="gunicorn processes (SQLite writers then wait on its file lock)")
    parser.add_argument("--threads", type=int, help="per worker (default: one per client)")
    parser.add_argument("--think", type=float, default=0.5,
                        help="mean pause before each learner request, in seconds")
    parser.add_argument("--models", default=",".join(MODELS),
                        help=f"which load models to run, of {','.join(MODELS)}")
    parser.add_argument("--worker-hooks", choices=("on", "off", "both"), default="on",
                        help="gunicorn.conf.py's post_worker_init (gc.freeze, background "
                             "WAL checkpoints); both: off, then on")
    parser.add_argument("--database", default="sqlite",
                        help="sqlite, postgresql, or both (one after the other, same run)")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn's -k")
    args = parser.parse_args()
    models = args.models.split(",")
    if not set(models) <= set(MODELS):
        parser.error(f"--models: choose from {','.join(MODELS)}")
    bench_grading()
    for hooks in {"on": [True], "off": [False], "both": [False, True]}[args.worker_hooks]:
        for backend in (["sqlite", "postgresql"] if args.database == "both"
                        else [args.database]):
            bench_submit(args.clients, args.rounds, args.workers,
                         args.threads or args.clients, args.think, models, hooks, backend,
                         args.worker_class)


if __name__ == "__main__":
    main()
