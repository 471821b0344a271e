"""SQLite under concurrent requests: WAL, a busy timeout, BEGIN IMMEDIATE, one writer at
a time across threads and worker processes, read-only views, and WAL checkpoints.

PostgreSQL needs none of this: configure_sqlite is bound to SQLite engines only, and
the read_only / reading_only / writing marks change nothing there.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from extensions import db

try:
    import fcntl
except ImportError:  # not POSIX: threads still queue, processes meet SQLite's timeout
    fcntl = None  # type: ignore[assignment]  # None: every use is behind `self.path is not None`


# Set by reading_only(): transactions begun meanwhile only read.
_READING_ONLY: ContextVar[bool] = ContextVar("relay_reading_only", default=False)


def read_only(view: Any) -> Any:
    """Mark a view that never writes: on SQLite its transactions take no write lock.

    Every other transaction holds the write lock from its BEGIN (configure_sqlite),
    so a long read, such as an export streaming thousands of rows, would hold up
    every learner's autosave and submit until it ended. A marked view reads a WAL
    snapshot beside the writers instead, and a write it attempts fails loudly
    (PRAGMA query_only) rather than waiting for the lock. Put it right under the
    route decorator. (The mark, not a wrapper: a streamed response's rows are read
    after the view has returned.)
    """
    view.read_only = True
    return view


@contextmanager
def reading_only() -> Iterator[None]:
    """read_only for work outside a request, such as a command's long export."""
    token = _READING_ONLY.set(True)
    try:
        yield
    finally:
        _READING_ONLY.reset(token)


# Set by writing(): a read_only view's own, deliberate write transaction.
_WRITING: ContextVar[bool] = ContextVar("relay_writing", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """A write transaction of its own inside a read_only view (SQLite: BEGIN IMMEDIATE).

    For a view that reads in the common case and writes only sometimes (the lesson page
    records the step a learner opened only when it changes): the view reads a snapshot
    without the write lock, and only the rare write queues for it. The snapshot ends
    here (ORM objects read in it expire); the caller commits what it writes.
    """
    db.session.commit()
    token = _WRITING.set(True)
    try:
        yield
    finally:
        _WRITING.reset(token)


def _reads_only() -> bool:
    if _WRITING.get():
        return False
    if _READING_ONLY.get():
        return True
    if not has_request_context() or request.endpoint is None:
        return False
    return getattr(current_app.view_functions.get(request.endpoint), "read_only", False)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE for every transaction
    but a read-only view's.

    pysqlite normally opens transactions lazily with a plain BEGIN, which takes the
    write lock only at the first write; two such writers then fail with
    "database is locked" instead of waiting (a reader's snapshot cannot become a
    writer's once another writer has committed). Taking the lock at BEGIN lets the
    busy timeout do its job.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    gate = WriterGate(engine.url.database, busy_timeout_ms / 1000)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if _reads_only():
            connection.exec_driver_sql("PRAGMA query_only=ON")
            connection.info["relay_query_only"] = True
            connection.exec_driver_sql("BEGIN")
            return
        connection.info["relay_gate"] = gate.acquire()
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    # Release the gate once COMMIT or ROLLBACK has run, not before (where the "commit"
    # event fires): a writer let in earlier meets SQLite's lock and its busy handler,
    # which sleeps a millisecond or more. Called with the pool's connection, whose
    # info is the Connection's.
    dialect = engine.dialect
    for name in ("do_commit", "do_rollback"):
        setattr(dialect, name, _releasing(getattr(dialect, name), gate))


def _releasing(end: Any, gate: WriterGate) -> Any:
    def end_then_release(dbapi_connection: Any) -> None:
        try:
            end(dbapi_connection)
        finally:
            info = _info(dbapi_connection)
            if info.pop("relay_gate", False):
                gate.release()
            if info.pop("relay_query_only", False):  # the pool lends it to writers next
                dbapi_connection.execute("PRAGMA query_only=OFF")

    return end_then_release


def _info(dbapi_connection: Any) -> dict:
    try:
        return dbapi_connection.info
    except NotImplementedError:  # the ad-hoc connection of the engine's first connect
        return {}


class WriterGate:
    """Queues SQLite writers and hands the write lock on at once.

    SQLite's busy handler retries with growing sleeps (up to 100 ms), so under load
    some writers starve for seconds. Threads of one process queue on a lock instead;
    processes (gunicorn workers) on flock(2) of a file beside the database, polled
    every millisecond by at most one thread per process. Past the timeout the writer
    goes on to BEGIN IMMEDIATE and SQLite's own busy timeout.
    """

    POLL_SECONDS = 0.001

    def __init__(self, database: str | None, timeout: float) -> None:
        in_memory = not database or database == ":memory:" or database.startswith("file:")
        self.path = None if in_memory or fcntl is None else f"{database}-gate"
        self.timeout = timeout
        self.threads = threading.Lock()
        self._file: Any = None
        self._pid = 0

    def acquire(self) -> bool:
        deadline = time.monotonic() + self.timeout
        if not self.threads.acquire(timeout=self.timeout):
            return False
        if self.path is None:
            return True
        gate = self._gate_file()
        while True:
            try:
                fcntl.flock(gate, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.threads.release()
                    return False
                time.sleep(self.POLL_SECONDS)

    def release(self) -> None:
        if self.path is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self.threads.release()

    def _gate_file(self) -> Any:
        # one open file per process: a forked worker must not share its parent's,
        # since flock(2) locks belong to the open file, not to the process
        assert self.path is not None, "only a gate with a file opens it"
        if self._pid != os.getpid():
            self._file = open(self.path, "a+b")  # noqa: SIM115 (kept open for the process)
            self._pid = os.getpid()
        return self._file


# WAL pages after which a committing request checkpoints the file itself (SQLite's
# default is 1000). With a background checkpointer this is only the backstop.
INLINE_CHECKPOINT_PAGES = 10_000


def checkpoint_in_background(engine: Engine, interval: float = 1.0) -> threading.Event | None:
    """Checkpoint a SQLite file's WAL from a thread, so requests stop paying for it.

    By default the commit that fills the WAL past 1000 pages copies it into the
    database and syncs it: one write in 50 or so took 15 ms more, and longer when
    the disk is busy. A passive checkpoint each `interval` seconds neither waits for
    nor blocks readers and writers (the sqlite3 module releases the GIL meanwhile).
    Started per gunicorn worker (gunicorn.conf.py); returns the Event that stops it,
    or None when the engine is not a SQLite file.
    """
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:" \
            or path.startswith("file:"):
        return None

    @event.listens_for(engine, "connect")
    def _checkpoint_inline_rarely(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={INLINE_CHECKPOINT_PAGES}")

    engine.dispose()  # connections opened before now keep the default
    stop = threading.Event()

    def run() -> None:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            while not stop.wait(interval):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:  # the backstop above still bounds the WAL
                    logging.getLogger(__name__).exception("background WAL checkpoint failed")
        finally:
            connection.close()

    threading.Thread(target=run, name="sqlite-wal-checkpoint", daemon=True).start()
    return stop
