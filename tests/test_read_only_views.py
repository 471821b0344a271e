"""SQLite: a view marked read_only (or a command in reading_only) reads a snapshot
beside the writers.

Every other transaction takes the write lock at BEGIN, so a long read (an HR export
streaming thousands of rows) would hold up every learner's autosave until it ended.
The report and course tests (tests/reports/, tests/courses/) show that the marked views
never write: on SQLite they run under PRAGMA query_only, where a write fails.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import reports.cli
from accounts.models import Department
from extensions import db
from sqlite_concurrency import writing

BUSY_MS = 200  # how long a blocked writer waits before "database is locked"


@pytest.fixture
def sqlite_app(app_factory):
    app = app_factory(SQLITE_BUSY_TIMEOUT_MS=BUSY_MS)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the write lock at BEGIN and its gate are SQLite's (PostgreSQL "
                        "readers never block writers)")
        db.session.add(Department(code="ops", name="Operations"))
        db.session.commit()
    return app


def write_from_another_thread(app, code: str) -> str:
    """Add a department in a thread of its own, as a concurrent request would;
    "ok" or the database error it met."""
    outcome: list[str] = []

    def write() -> None:
        with app.app_context():
            try:
                db.session.add(Department(code=code, name=code))
                db.session.commit()
                outcome.append("ok")
            except OperationalError as error:
                outcome.append(str(error.orig))

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(timeout=10)
    return outcome[0]


def test_a_writer_commits_while_a_read_only_view_reads(sqlite_app):
    with sqlite_app.test_request_context("/reports/export/enrollments.csv"):
        assert db.session.scalar(select(Department.code)) == "ops"  # the read has begun
        assert write_from_another_thread(sqlite_app, "sales") == "ok"
        # the reader keeps its snapshot: the new department is not in it
        assert db.session.scalars(select(Department.code)).all() == ["ops"]
    with sqlite_app.app_context():
        assert db.session.scalar(select(Department.id).where(Department.code == "sales"))


def test_any_other_view_still_takes_the_write_lock_at_begin(sqlite_app):
    with sqlite_app.test_request_context("/quizzes/handoff-check"):  # may close attempts
        db.session.scalar(select(Department.code))
        assert "locked" in write_from_another_thread(sqlite_app, "sales")


def test_a_read_only_view_cannot_write_and_writers_never_get_its_connection(sqlite_app):
    with sqlite_app.test_request_context("/reports"):
        raw = db.session.connection().connection.dbapi_connection
        db.session.add(Department(code="sales", name="Sales"))
        with pytest.raises(OperationalError, match="readonly"):
            db.session.flush()
        db.session.rollback()
    # the reader's connections stay query_only (switching the pragma would make SQLite
    # expire every statement the connection prepared); writers have their own
    assert raw.execute("PRAGMA query_only").fetchone() == (1,)
    with sqlite_app.test_request_context("/quizzes/handoff-check"):
        writer = db.session.connection().connection.dbapi_connection
        assert writer is not raw
        assert writer.execute("PRAGMA query_only").fetchone() == (0,)
        db.session.add(Department(code="sales", name="Sales"))
        db.session.commit()


def test_a_write_inside_a_read_only_view_goes_to_the_writer(sqlite_app):
    with sqlite_app.test_request_context("/reports"):
        assert db.session.scalars(select(Department.code)).all() == ["ops"]
        with writing():
            db.session.add(Department(code="sales", name="Sales"))
            db.session.commit()
        # and reads after it are a new snapshot, on the reader again
        assert db.session.scalars(select(Department.code).order_by(Department.code)
                                  ).all() == ["ops", "sales"]
        raw = db.session.connection().connection.dbapi_connection
        assert raw.execute("PRAGMA query_only").fetchone() == (1,)


def test_a_writer_commits_while_the_export_command_reads(sqlite_app, monkeypatch):
    outcome: list[str] = []

    def export_then_write(output: str, fmt: str, rows) -> int:
        next(rows, None)  # the export has read its rows
        outcome.append(write_from_another_thread(sqlite_app, "sales"))
        return 0

    monkeypatch.setattr(reports.cli, "export_enrollments", export_then_write)
    result = sqlite_app.test_cli_runner().invoke(args=["reports", "export", "unused.csv"])
    assert result.exit_code == 0, result.output
    assert outcome == ["ok"]
