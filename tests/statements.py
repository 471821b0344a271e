"""Count the SQL statements a block runs: a bound that holds whatever the data's size,
where a wall-clock limit would not hold on a shared machine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from extensions import db


@contextmanager
def statements_run() -> Iterator[list[str]]:
    """The statements run on the app's engine inside the block, in order."""
    found: list[str] = []

    def listener(_connection, _cursor, statement, *_args) -> None:
        found.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


@contextmanager
def transactions_run() -> Iterator[list[str]]:
    """The transactions begun on the app's engine inside the block (on SQLite each
    non-read-only one holds the write lock): one entry per BEGIN, on any database."""
    found: list[str] = []

    def listener(connection) -> None:
        found.append("begin")

    event.listen(db.engine, "begin", listener)
    try:
        yield found
    finally:
        event.remove(db.engine, "begin", listener)
