"""SQLite: the writer gate (one writer at a time across threads and worker processes),
and WAL checkpoints in the background."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, event, text

from sqlite_concurrency import (
    INLINE_CHECKPOINT_PAGES,
    WriterGate,
    checkpoint_in_background,
    configure_sqlite,
    fcntl,
)


def test_a_second_thread_waits_until_the_writer_is_done(tmp_path):
    gate = WriterGate(str(tmp_path / "relay.db"), timeout=0.1)
    assert gate.acquire()
    results: list[bool] = []
    waiter = threading.Thread(target=lambda: results.append(gate.acquire()))
    waiter.start()
    waiter.join()
    assert results == [False]  # timed out behind the holder
    gate.release()
    assert gate.acquire()
    gate.release()


@pytest.mark.skipif(fcntl is None, reason="flock(2) needs a POSIX system")
def test_a_forked_worker_excludes_the_parent(tmp_path):
    gate = WriterGate(str(tmp_path / "relay.db"), timeout=0.2)
    assert gate.acquire()  # the parent opens its gate file before the fork ...
    gate.release()
    context = multiprocessing.get_context("fork")
    held, done = context.Event(), context.Event()

    def worker() -> None:  # ... and the worker must lock a file of its own
        gate.acquire()
        held.set()
        done.wait(10)
        gate.release()

    child = context.Process(target=worker)
    child.start()
    try:
        assert held.wait(10)
        assert gate.acquire() is False  # the worker holds the lock
    finally:
        done.set()
        child.join(10)
    assert gate.acquire()
    gate.release()


def test_an_in_memory_database_needs_no_gate_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    gate = WriterGate(":memory:", timeout=0.1)
    assert gate.acquire()
    gate.release()
    assert gate.path is None and list(tmp_path.iterdir()) == []


def write_rows(engine, rows: int) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS notes (body TEXT)"))
        for n in range(rows):
            connection.execute(text("INSERT INTO notes VALUES (:body)"), {"body": f"n{n}"})


def rows_in_database_file(path, scratch) -> int:
    """What the database file holds without its WAL: what checkpoints have copied."""
    shutil.copyfile(path, scratch)
    with sqlite3.connect(scratch) as copy:
        found = copy.execute("SELECT count(*) FROM sqlite_master WHERE name = 'notes'")
        return copy.execute("SELECT count(*) FROM notes").fetchone()[0] \
            if found.fetchone()[0] else 0


def sqlite_engine(path):
    engine = create_engine(f"sqlite:///{path}")
    configure_sqlite(engine, busy_timeout_ms=5000)
    return engine


def test_small_writes_stay_in_the_wal_without_a_checkpointer(tmp_path):
    engine = sqlite_engine(tmp_path / "relay.db")
    write_rows(engine, 5)
    assert rows_in_database_file(tmp_path / "relay.db", tmp_path / "copy.db") == 0
    engine.dispose()


def test_the_background_checkpointer_copies_the_wal_into_the_database(tmp_path):
    engine = sqlite_engine(tmp_path / "relay.db")
    stop = checkpoint_in_background(engine, interval=0.02)
    try:
        with engine.connect() as connection:  # requests now leave checkpoints to it
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() \
                == INLINE_CHECKPOINT_PAGES
        write_rows(engine, 5)
        deadline = time.monotonic() + 30
        while rows_in_database_file(tmp_path / "relay.db", tmp_path / "copy.db") < 5:
            assert time.monotonic() < deadline, "no checkpoint within 30 s"
            time.sleep(0.02)
    finally:
        stop.set()
        engine.dispose()


def test_no_checkpointer_for_an_in_memory_database():
    assert checkpoint_in_background(create_engine("sqlite://")) is None


def test_the_gate_opens_only_once_the_commit_is_done(tmp_path):
    """Writers let in before the previous COMMIT finished would meet SQLite's lock: with
    SQLite's own busy timeout at 0, any such meeting fails at once."""
    engine = sqlite_engine(tmp_path / "relay.db")
    event.listen(engine, "connect",
                 lambda dbapi_connection, _record: dbapi_connection.execute(
                     "PRAGMA busy_timeout=0"))
    write_rows(engine, 1)
    errors: list[Exception] = []

    def writer() -> None:
        try:
            for _ in range(100):
                write_rows(engine, 1)
        except Exception as error:  # noqa: BLE001 (collected for the assertion)
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert errors == []
