"""The documented production command, over HTTP, on a big company: prints, asserts nothing.

    .venv/bin/python bench/export_http.py --database sqlite:////path/relay.db

Starts gunicorn as README.md and docs/deploy.md give it (4 gthread workers x 8
threads, --timeout 60, --graceful-timeout 60; gunicorn.conf.py applies) on a free
port, with the default export runner, signs in as an HR user (made here), and times:
the dashboard, the slowest page (the dashboard filtered by hire date for everyone),
a department's raw list streamed, and the whole company's raw list as a job: asked
for, polled as the job page does, downloaded, its rows counted against its last line.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from accounts import service as accounts  # noqa: E402
from accounts.models import User  # noqa: E402
from app import create_app  # noqa: E402
from extensions import db  # noqa: E402

HR, PASSWORD = "bench-hr@example.com", "bench-password-2026"
COMMAND = ["-w", "4", "-k", "gthread", "--threads", "8", "--timeout", "60",
           "--graceful-timeout", "60"]


def prepare(uri: str) -> int:
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench"})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == HR))
        if user is None:
            user = User(email=HR, name="Bench HR", roles="hr", active=True)
            db.session.add(user)
            db.session.flush()
        accounts.set_password(user, PASSWORD)
        department = db.session.execute(  # a team: its raw list streams
            select(User.department_id).where(User.department_id.is_not(None))
            .limit(1)).scalar_one()
        db.session.commit()
    return department


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(label: str, call):
    started = time.perf_counter()
    response = call()
    print(f"{label}: HTTP {response.status_code}, {time.perf_counter() - started:.2f} s",
          flush=True)
    return response


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    department = prepare(args.database)
    instance = tempfile.mkdtemp(prefix="relay-http-bench-")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": args.database, "RELAY_INSTANCE_PATH": instance,
           "SECRET_KEY": "bench-http"}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), *COMMAND, "-b",
         f"127.0.0.1:{port}", "app:create_app()"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                requests.get(f"{base}/healthz", timeout=5)
                break
            except requests.RequestException:  # not listening yet, or still booting
                time.sleep(0.5)
        web = requests.Session()
        token = csrf(web.get(f"{base}/login").text)
        web.post(f"{base}/login", data={"email": HR, "password": PASSWORD,
                                         "csrf_token": token})
        timed("GET /reports (dashboard)", lambda: web.get(f"{base}/reports"))
        timed("GET /reports?hired_from=1990-01-01 (the slowest page)",
              lambda: web.get(f"{base}/reports?hired_from=1990-01-01"))
        token = csrf(web.get(f"{base}/reports").text)
        started = time.perf_counter()
        asked = web.post(f"{base}/reports/export/enrollments?department={department}",
                         data={"fmt": "csv", "csrf_token": token}, allow_redirects=False)
        body = web.get(base + asked.headers["Location"]).text
        print(f"a team's raw list, streamed: {body.count(chr(10)) - 2} rows, "
              f"{time.perf_counter() - started:.2f} s; last line "
              f"{body.rstrip().splitlines()[-1]!r}", flush=True)
        started = time.perf_counter()
        asked = timed("POST the whole company's raw list (counts, queues a job)",
                      lambda: web.post(f"{base}/reports/export/enrollments",
                                       data={"fmt": "csv", "csrf_token": token},
                                       allow_redirects=False))
        job = base + asked.headers["Location"]
        polls, worst = 0, 0.0
        while True:
            poll_started = time.perf_counter()
            state = web.get(f"{job}/status").json()
            worst = max(worst, time.perf_counter() - poll_started)
            polls += 1
            if state["state"] not in ("queued", "running"):
                break
            time.sleep(1)
        print(f"job {state['state']}: {state['rows_written']:,} of "
              f"{state['rows_expected']:,} rows after {time.perf_counter() - started:.1f} s "
              f"({polls} polls, slowest {worst * 1000:.0f} ms)", flush=True)
        started = time.perf_counter()
        lines, size, last = 0, 0, b""
        with web.get(f"{job}/download", stream=True) as download:
            for chunk in download.iter_content(1 << 20):
                lines += chunk.count(b"\n")
                size += len(chunk)
                last = (last + chunk)[-200:]
        print(f"download: {size / 1e6:.0f} MB, {lines - 2:,} rows, "
              f"{time.perf_counter() - started:.1f} s; last line "
              f"{last.decode('utf-8', 'replace').rstrip().splitlines()[-1]!r}", flush=True)
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(instance, ignore_errors=True)  # the job's file: fake learners' data


if __name__ == "__main__":
    main()
