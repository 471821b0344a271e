"""`reports rebuild` and `reports check`: the rollups against a fresh GROUP BY.

Both run the same SQL as the listeners (reports/rollups.py), for everyone at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, MetaData, Table, delete, except_, func, insert, or_, select, text
from sqlalchemy.engine import Connection

from extensions import db
from reports.models import ALL_COURSES, METRICS
from reports.rollups import (
    CONCEPT_FIGURES,
    CONCEPT_KEY,
    CONCEPTS,
    DAY_KEY,
    DAYS,
    TOTAL_KEY,
    TOTALS,
    change_rows,
    concept_rows,
    number,
)

WORK_MEM = "128MB"  # PostgreSQL: rebuild and check group millions of rows in memory


def rebuild() -> dict[str, int]:
    """Recompute every rollup from the source tables, in one transaction."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "LOCK TABLE report_rollups, report_rollup_days, report_concepts "
            "IN SHARE ROW EXCLUSIVE MODE")
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
    for table in (DAYS, TOTALS, CONCEPTS):
        connection.execute(delete(table))
    fresh = change_rows().subquery("fresh")
    connection.execute(insert(DAYS).from_select(
        list(DAY_KEY + METRICS),
        select(fresh).where(_nonzero(fresh))))
    _add_all_courses(connection, DAYS)
    connection.execute(insert(TOTALS).from_select(
        list(TOTAL_KEY + METRICS),
        select(DAYS.c.department_id, DAYS.c.course_id,
               *[func.sum(DAYS.c[m]) for m in METRICS])
        .group_by(DAYS.c.department_id, DAYS.c.course_id)))
    connection.execute(insert(CONCEPTS).from_select(
        list(CONCEPT_KEY + CONCEPT_FIGURES), select(concept_rows().subquery())))
    counts = {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
              for table in (DAYS, TOTALS, CONCEPTS)}
    db.session.commit()
    if connection.dialect.name == "postgresql":  # fresh statistics for the planner
        db.session.execute(text("ANALYZE report_rollups, report_rollup_days, report_concepts"))
        db.session.commit()
    return counts


def _add_all_courses(connection: Connection, days: Table) -> None:
    """Add each department's all-courses rows (course -1) to a table of day rows."""
    summed = (select(days.c.department_id, number(ALL_COURSES).label("course_id"), days.c.day,
                     *[func.sum(days.c[m]).label(m) for m in METRICS])
              .where(days.c.course_id != ALL_COURSES)
              .group_by(days.c.department_id, days.c.day).subquery("summed"))
    connection.execute(insert(days).from_select(list(DAY_KEY + METRICS),
                                                select(summed).where(_nonzero(summed))))


def _nonzero(table: Any, figures: tuple[str, ...] = METRICS) -> Any:
    return or_(*[table.c[m] != 0 for m in figures])


def check(limit: int = 10) -> list[str]:
    """Differences between the rollup tables and a fresh computation; [] when equal.

    The fresh day rows are computed once into a temporary table, then compared both
    ways (EXCEPT) with the stored days, and summed to compare with the stored totals.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
    fresh = Table("report_fresh_days", MetaData(),
                  *[Column(c.name, c.type) for c in DAYS.c], prefixes=["TEMPORARY"])
    fresh.create(connection)
    try:
        computed = change_rows().subquery("computed")
        connection.execute(insert(fresh).from_select(
            list(DAY_KEY + METRICS), select(computed).where(_nonzero(computed))))
        _add_all_courses(connection, fresh)
        fresh_totals = (
            select(fresh.c.department_id, fresh.c.course_id,
                   *[func.sum(fresh.c[m]).label(m) for m in METRICS])
            .group_by(fresh.c.department_id, fresh.c.course_id).subquery("fresh_totals"))
        pairs = [
            ("report_rollup_days", DAYS, fresh, DAY_KEY + METRICS, METRICS),
            ("report_rollups", TOTALS, fresh_totals, TOTAL_KEY + METRICS, METRICS),
            ("report_concepts", CONCEPTS, concept_rows().subquery("fresh_concepts"),
             CONCEPT_KEY + CONCEPT_FIGURES, CONCEPT_FIGURES),
        ]
        problems: list[str] = []
        for name, stored, computed_rows, columns, figures in pairs:
            stored_q = select(*[stored.c[c] for c in columns]).where(_nonzero(stored, figures))
            fresh_q = select(*[computed_rows.c[c] for c in columns]).where(
                _nonzero(computed_rows, figures))
            for label, left, right in (("missing or different in", fresh_q, stored_q),
                                       ("unexpected in", stored_q, fresh_q)):
                rows = connection.execute(except_(left, right).limit(limit)).all()
                problems += [f"{label} {name}: {tuple(row)}" for row in rows]
    finally:
        fresh.drop(connection)
    db.session.rollback()
    return problems
