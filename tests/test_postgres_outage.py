"""A real PostgreSQL goes away and comes back while a learner autosaves.

The test starts its own throw-away cluster (initdb and pg_ctl on a free port), so it can
stop the server without touching anyone else's. Every answer acknowledged before the
outage must be there after it; during it the app answers 503 with Retry-After (never
500), its readiness check fails and its liveness check does not; afterwards the same
app serves again without a restart.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from app import create_app
from extensions import db
from quizzes import service as quiz_service
from quizzes.models import Attempt, Response
from tests.conftest import ROOT, TEST_SETTINGS, IsolatedClient
from tests.factories import PASSWORD, Factories


def _binaries() -> tuple[Path | None, str]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(Path(path).parts[-3]))
    if not found:
        return None, "no initdb under /usr/lib/postgresql/*/bin (PostgreSQL server not installed)"
    return Path(found[-1]).parent, ""


def _run_as() -> tuple[list[str] | None, str]:
    """initdb refuses to run as root: then run the cluster as the postgres user."""
    if os.geteuid() != 0:
        return [], ""
    if shutil.which("runuser") is None:
        return None, "running as root and runuser is missing (initdb refuses root)"
    try:
        subprocess.run(["id", "postgres"], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        return None, "running as root and there is no postgres user to run initdb as"
    return ["runuser", "-u", "postgres", "--"], ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowAwayCluster:
    def __init__(self, bin_dir: Path, run_as: list[str]) -> None:
        self.bin, self.run_as, self.port = bin_dir, run_as, _free_port()
        self.home = Path(tempfile.mkdtemp(prefix="relay-pg-"))
        self.data = self.home / "data"
        if run_as:
            shutil.chown(self.home, user="postgres")
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                 "--no-sync", "-E", "UTF8")

    def _pg(self, tool: str, *args: str) -> None:
        subprocess.run([*self.run_as, str(self.bin / tool), *args], check=True,
                       capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1"
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.home / "log"), "-w",
                 "-o", options, "start")

    def stop(self, mode: str = "immediate") -> None:  # immediate: as if the server crashed
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("fast")
        shutil.rmtree(self.home, ignore_errors=True)


@pytest.fixture
def cluster():
    bin_dir, reason = _binaries()
    if bin_dir is None:
        pytest.skip(reason)
    run_as, reason = _run_as()
    if run_as is None:
        pytest.skip(reason)
    made = ThrowAwayCluster(bin_dir, run_as)
    try:
        made.start()
        admin = create_engine(made.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE relay"))
        admin.dispose()
        yield made
    finally:
        made.remove()


@pytest.fixture
def served(cluster, tmp_path):
    from flask_migrate import upgrade

    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": cluster.url("relay")})
    app.instance_path = str(tmp_path / "instance")
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="head")
        make = Factories()
        make.course("c", lessons=0, quizzes=[make.quiz_source("q", shuffle_options=False)])
        make.user("learner@example.com")
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Learner:
    """Autosaves one question at a time and remembers what the server acknowledged."""

    def __init__(self, app) -> None:
        self.client = app.test_client()
        assert self.client.post("/login", data={"email": "learner@example.com",
                                                "password": PASSWORD}).status_code == 302
        started = self.client.post("/quizzes/q/start")
        self.attempt_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
        self.seq = {0: 0, 1: 0}
        self.acknowledged: dict[int, str] = {}
        # what the page posts for each authored option (opaque per-attempt tokens),
        # read now: during the outage nothing can be read
        with app.app_context():
            attempt = db.session.get(Attempt, self.attempt_id)
            self.posted = {(slot, str(option)): quiz_service.form_values(attempt, slot, option)[""]
                           for slot in (0, 1) for option in range(3)}

    def autosave(self, slot: int, option: str) -> int:
        answer = self.client.post(
            f"/attempts/{self.attempt_id}/autosave", headers={"Accept": "application/json"},
            data={"slots": str(slot), f"seq-{slot}": str(self.seq[slot]),
                  f"q{slot}": self.posted[slot, option]})
        if answer.status_code == 200:
            self.seq[slot] = answer.json["saved"][str(slot)]
            self.acknowledged[slot] = option
        return answer.status_code


def test_acknowledged_answers_survive_an_outage_and_the_app_recovers(cluster, served):
    learner = Learner(served)
    for round_ in range(10):  # answers change back and forth, each acknowledged
        for slot in (0, 1):
            assert learner.autosave(slot, str((round_ + slot) % 3)) == 200
    before = dict(learner.acknowledged)
    probe = served.test_client()

    cluster.stop()
    during = [learner.autosave(0, "2") for _ in range(3)]
    assert during == [503, 503, 503]  # told to retry, never a 500
    outage_page = learner.client.get("/home")
    assert outage_page.status_code == 503 and outage_page.headers["Retry-After"]
    assert probe.get("/readyz").status_code == 503
    assert probe.get("/healthz").status_code == 200

    cluster.start()
    deadline = time.monotonic() + 30
    while probe.get("/readyz").status_code != 200:  # the same app, never restarted
        assert time.monotonic() < deadline, "the app did not recover within 30 s"
        time.sleep(0.2)
    assert learner.client.get("/home").status_code == 200  # the session survived too

    with served.app_context():
        saved = {row.slot: row.answer for row in db.session.scalars(
            select(Response).where(Response.attempt_id == learner.attempt_id))}
    # a single-choice answer is stored as the option's index (options not shuffled here)
    assert {slot: str(saved[slot]) for slot in before} == before
    assert learner.autosave(1, "0") == 200  # and new answers are kept again

