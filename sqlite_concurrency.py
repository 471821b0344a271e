"""SQLite under concurrent requests: WAL, a busy timeout, BEGIN IMMEDIATE, one writer at
a time across threads and worker processes, read-only views on a reader engine of their
own, and WAL checkpoints.

PostgreSQL needs none of this: configure_sqlite is bound to SQLite engines only, and
the read_only / reading_only / writing marks change nothing there.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import current_app, has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

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
    snapshot beside the writers instead, on the reader engine's connections, where a
    write it attempts fails loudly (PRAGMA query_only) rather than waiting for the
    lock. Put it right under the route decorator. (The mark, not a wrapper: a
    streamed response's rows are read after the view has returned.)
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
    current_app.extensions["sqlalchemy"].session.commit()
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


def configure_sqlite(engine: Engine, busy_timeout_ms: int,
                     options: dict[str, Any] | None = None) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE for every transaction;
    and, for a database file, a reader engine beside it for read-only work.

    pysqlite normally opens transactions lazily with a plain BEGIN, which takes the
    write lock only at the first write; two such writers then fail with
    "database is locked" instead of waiting (a reader's snapshot cannot become a
    writer's once another writer has committed). Taking the lock at BEGIN lets the
    busy timeout do its job.

    The reader's connections are query_only for good. Switching one connection's
    query_only on and off per request, as an earlier design did, made SQLite expire
    every statement the connection had prepared (a flag pragma does): each request
    after a read-only one compiled its SQL again, 10-15% of a quiz step's CPU.
    `options` are the engine options the reader is made with (its pool's size).
    """
    _on_connect(engine, busy_timeout_ms)
    gate = WriterGate(engine.url.database, busy_timeout_ms / 1000)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if _reads_only():  # an in-memory database (no reader) or the engine used directly
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
    if not _in_memory(engine.url.database):
        _READERS[engine] = _reader(engine, busy_timeout_ms, options or {})


# Each configured SQLite file engine's reader; gone with its engine.
_READERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _in_memory(database: str | None) -> bool:
    return not database or database == ":memory:" or database.startswith("file:")


def _on_connect(engine: Engine, busy_timeout_ms: int, query_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if query_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()


def _reader(engine: Engine, busy_timeout_ms: int, options: dict[str, Any]) -> Engine:
    reader = create_engine(engine.url, **options)
    _on_connect(reader, busy_timeout_ms, query_only=True)

    @event.listens_for(reader, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")  # a snapshot: no write lock, no gate

    return reader


def engines_of(engine: Engine) -> list[Engine]:
    """The engine and, for a SQLite file, its reader: what a listener counting every
    statement of the database listens on."""
    reader = _READERS.get(engine)
    return [engine] if reader is None else [engine, reader]


class RoutingSession(Session):
    """db.session: a transaction begun in a read-only view (or in reading_only()) runs on
    the SQLite engine's reader, any other on the engine; on other databases, the engine.

    Decided when the transaction begins, for all of it, as BEGIN decides a SQLite
    transaction's lock: a snapshot opened in reading_only() goes on reading after the
    block (an export counts, then writes its rows from the same snapshot).
    """

    _began: tuple[Any, Engine] | None = None  # (the root transaction, its engine)

    def get_bind(self, mapper: Any = None, clause: Any = None,
                 bind: Engine | Connection | None = None, **kwargs: Any
                 ) -> Engine | Connection:
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        reader = _READERS.get(engine) if isinstance(engine, Engine) else None
        if reader is None:
            return engine
        began = self._began
        if began is not None and began[0] is self.get_transaction():
            return began[1]
        return reader if _reads_only() else engine


@event.listens_for(RoutingSession, "after_begin")
def _note_engine(session: RoutingSession, _transaction: Any, connection: Connection) -> None:
    """The engine a transaction began on: the rest of it stays there (get_bind)."""
    root = session.get_transaction()
    if session._began is None or session._began[0] is not root:
        session._began = (root, connection.engine)


def _releasing(end: Any, gate: WriterGate) -> Any:
    def end_then_release(dbapi_connection: Any) -> None:
        try:
            end(dbapi_connection)
        finally:
            info = _info(dbapi_connection)
            if info.pop("relay_gate", False):
                gate.release()

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
        self.path = None if _in_memory(database) or fcntl is None else f"{database}-gate"
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
    if engine.dialect.name != "sqlite" or path is None or _in_memory(path):
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
