"""#24: an export killed mid-way leaves no personal data behind once swept.

Temporary files live in instance/scratch (0700), one folder per process named after
it, never in the system temp; a sweep (at start-up, per job, `flask reports sweep`)
removes the folders of processes that died."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extensions import db
from reports import jobs
from reports.models import ExportJob
from settings import scratch_dir, sweep_scratch
from tests.reports.conftest import client_for
from tests.reports.test_export_jobs import ask

CHILD = Path(__file__).with_name("killable_export.py")


def files_with(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_killed_export_leaves_nothing_after_the_sweep(app_factory, company, make, tmp_path,
                                                        fmt):
    make.user("hr@example.com", roles=("hr",))
    app = app_factory(EXPORT_RUNNER="none", EXPORT_STREAM_MAX_ROWS=2)
    job_id = ask(client_for(app, "hr@example.com"), fmt)
    instance = Path(app.instance_path)
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(job_id)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "DATABASE_URL": url, "RELAY_INSTANCE_PATH": str(instance),
             "TMPDIR": str(system_temp)})
    try:
        assert child.stdout.readline().strip() == "READY"
        left = files_with(instance, b"@example.com")
        # mid-way, the rows are on disk, in the instance's scratch folder only
        assert left and all(p.is_relative_to(instance / "scratch") for p in left)
        assert oct((instance / "scratch").stat().st_mode & 0o777) == "0o700"
        assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in left)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        child.kill()
        child.stdout.close()
    assert files_with(instance, b"@example.com") == left  # a death removes nothing itself
    with app.app_context():
        assert db.session.get(ExportJob, job_id).state == "running"
        counts = jobs.sweep()
        assert counts["scratch"] == 1 and counts["failed"] == 1
        assert db.session.get(ExportJob, job_id).state == "failed"
    assert files_with(instance, b"@example.com") == []
    assert list(system_temp.iterdir()) == []


def test_a_living_process_keeps_its_scratch_folder_until_it_is_old(tmp_path):
    with scratch_dir(tmp_path, "export") as mine:
        (mine / "rows").write_text("ann@example.com")
        assert sweep_scratch(tmp_path, max_age_hours=12) == []  # this process is alive
        old = time.time() - 13 * 3600
        os.utime(mine, (old, old))
        assert sweep_scratch(tmp_path, max_age_hours=12) == [mine.name]
    assert not mine.exists()


def test_the_app_sweeps_at_start_up(app_factory, tmp_path, monkeypatch):
    instance = tmp_path / "elsewhere"
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    with scratch_dir(instance, "export") as folder:
        left = folder.with_name(folder.name.replace(f".{os.getpid()}.", f".{dead}."))
        folder.rename(left)
        (left / "rows").write_text("ann@example.com")
    monkeypatch.setenv("RELAY_INSTANCE_PATH", str(instance))
    app = app_factory()
    assert not left.exists() and (instance / "scratch").is_dir()
    assert app.config["SCRATCH_MAX_AGE_HOURS"] == 12
