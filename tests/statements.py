"""Count the SQL statements a block runs: a bound that holds whatever the data's size,
where a wall-clock limit would not hold on a shared machine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from extensions import db
from sqlite_concurrency import engines_of

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|BEGIN IMMEDIATE)", re.IGNORECASE)


def writes(statements: list[str]) -> list[str]:
    """What in the statements wrote or took SQLite's write lock (BEGIN IMMEDIATE)."""
    return [s for s in statements if WRITES.match(s)]


@contextmanager
def statements_run() -> Iterator[list[str]]:
    """The statements run on the app's database inside the block, in order (on SQLite,
    the read-only views' reader engine's too)."""
    found: list[str] = []

    def listener(_connection, _cursor, statement, *_args) -> None:
        found.append(statement)

    with listening("before_cursor_execute", listener):
        yield found


@contextmanager
def transactions_run() -> Iterator[list[str]]:
    """The transactions begun on the app's engine inside the block (on SQLite each
    non-read-only one holds the write lock): one entry per BEGIN, on any database."""
    found: list[str] = []

    def listener(connection) -> None:
        found.append("begin")

    with listening("begin", listener):
        yield found


@contextmanager
def listening(name: str, listener) -> Iterator[None]:
    engines = engines_of(db.engine)
    for engine in engines:
        event.listen(engine, name, listener)
    try:
        yield
    finally:
        for engine in engines:
            event.remove(engine, name, listener)
