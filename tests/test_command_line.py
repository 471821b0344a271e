"""A first run from the command line: a fresh clone migrates with SECRET_KEY set, and a
missing, unreachable, unmigrated or unparsable database is one line with the fix."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LEFT_BEHIND = shutil.ignore_patterns(".venv", ".git", "instance", "__pycache__", "*.pyc",
                                     ".pytest_cache", ".hypothesis", "tests", "bench")


def flask(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DATABASE_URL", "SECRET_KEY", "FLASK_APP")}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=180)


@pytest.fixture
def fresh_clone(tmp_path):
    clone = tmp_path / "relay"
    shutil.copytree(ROOT, clone, ignore=LEFT_BEHIND)
    return clone


def test_a_fresh_clone_with_secret_key_set_migrates(fresh_clone):
    assert not (fresh_clone / "instance").exists()
    result = flask(fresh_clone, "db", "upgrade", SECRET_KEY="from-the-environment")
    assert result.returncode == 0, result.stderr
    assert (fresh_clone / "instance" / "relay.db").exists()
    assert not (fresh_clone / "instance" / "secret_key").exists()  # the given key is used


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_an_unmigrated_database_says_to_upgrade(tmp_path):
    line = one_line_error(flask(ROOT, "reports", "check", SECRET_KEY="x",
                                DATABASE_URL=f"sqlite:///{tmp_path}/empty.db"))
    assert "flask --app app db upgrade" in line


def test_an_unreachable_database_says_so(tmp_path):
    line = one_line_error(flask(ROOT, "accounts", "set-password", "a@example.com",
                                "--password", "long-enough-1", SECRET_KEY="x",
                                DATABASE_URL="postgresql://relay@127.0.0.1:1/relay"))
    assert "cannot reach the database" in line and "DATABASE_URL" in line


def test_a_missing_sqlite_folder_says_so():
    line = one_line_error(flask(ROOT, "reports", "check", SECRET_KEY="x",
                                DATABASE_URL="sqlite:////no/such/folder/relay.db"))
    assert "cannot open the SQLite file" in line


def test_an_unparsable_database_url_says_what_to_write():
    line = one_line_error(flask(ROOT, "reports", "check", SECRET_KEY="x",
                                DATABASE_URL="relay-db-on-the-nas"))
    assert "DATABASE_URL" in line and "postgresql://" in line



def test_each_app_leaves_the_shared_commands_wrapped_once():
    # Click commands are module-level objects shared by every app of a process: an app
    # that wrapped them again nested the wrappers until a long test run hit Python's
    # recursion limit (RecursionError in every command).
    from app import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True}
    first = create_app(settings)
    wrapped = {name: command.invoke for name, command in first.cli.commands.items()}
    again = create_app(settings)
    assert {name: command.invoke for name, command in again.cli.commands.items()} == wrapped
    with again.app_context():
        result = again.test_cli_runner().invoke(args=["reports", "check"])
    assert result.exit_code == 1 and "has no Relay tables yet" in result.output
