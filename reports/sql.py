"""SQL that differs between SQLite and PostgreSQL, written once.

Days are UTC calendar days: every DateTime column holds naive UTC.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Integer,
    Table,
    case,
    cast,
    func,
    insert,
    literal,
    type_coerce,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from extensions import db


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def day_of(column: Any) -> ColumnElement:
    """The calendar day of a DateTime (or Date) column."""
    if dialect_name() == "sqlite":
        return type_coerce(func.date(column), Date)
    return cast(column, Date)


def next_day(column: Any) -> ColumnElement:
    if dialect_name() == "sqlite":
        return type_coerce(func.date(column, "+1 day"), Date)
    return type_coerce(column + literal(1, Integer), Date)


def later_of(a: ColumnElement, b: ColumnElement) -> ColumnElement:
    """The later of two days; NULL when `a` is NULL (b is never NULL here).

    PostgreSQL's GREATEST skips NULLs while SQLite's max() returns NULL, so the
    NULL case is spelled out.
    """
    both = func.max(a, b) if dialect_name() == "sqlite" else func.greatest(a, b)
    return type_coerce(case((a.is_(None), None), else_=both), Date)


def basis_points(column: Any) -> ColumnElement:
    """A 0..1 fraction as an integer out of 10000, so sums stay exact."""
    return cast(func.round(column * 10000), Integer)


def json_strings(column: Any, name: str) -> Any:
    """A table-valued function yielding the strings of a JSON array column as `value`."""
    if dialect_name() == "sqlite":
        return func.json_each(column).table_valued("value", name=name)
    # a set-returning function of a base type names its column after the alias unless told
    return func.json_array_elements_text(column).table_valued("value").render_derived(name=name)


def add_to(connection: Connection, table: Table, keys: Sequence[str],
           rows: Iterable[Mapping[str, Any]]) -> int:
    """Upsert rows, adding their figures to what a row with the same key already holds.

    Rows go in key order, so concurrent transactions lock shared rows in one order.
    """
    rows = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
    if not rows:
        return 0
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    figures = [c for c in rows[0] if c not in keys]
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={c: table.c[c] + statement.excluded[c] for c in figures},
    )
    connection.execute(statement, rows)
    return len(rows)


def bulk_writer() -> Callable[[Table, Sequence[str], list[tuple]], int]:
    """Bulk insert into a table on the session's current connection (its transaction):
    COPY on PostgreSQL, executemany on SQLite. For generated data sets (demo, benchmarks);
    nothing here sends the ORM's per-row events."""
    if db.session.connection().dialect.name == "postgresql":

        def copy(table: Table, columns: Sequence[str], rows: list[tuple]) -> int:
            raw = db.session.connection().connection.driver_connection
            assert raw is not None, "the session's connection is open"
            json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
            with raw.cursor() as cursor, cursor.copy(
                    f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as target:
                for values in rows:
                    if json_at:
                        row = list(values)
                        for i in json_at:
                            row[i] = json.dumps(row[i], ensure_ascii=False)
                        target.write_row(row)
                    else:
                        target.write_row(values)
            return len(rows)

        return copy

    def many(table: Table, columns: Sequence[str], rows: list[tuple]) -> int:
        if rows:
            db.session.connection().execute(
                insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
        return len(rows)

    return many
