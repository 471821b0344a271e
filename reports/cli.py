"""`flask reports rebuild|check|export|work|sweep` and `flask reminders send`."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from accounts.preferences import local_today
from accounts.tree import department_tree
from reports import exports, jobs, maintenance, reminders, service
from settings import scratch_dir
from sqlite_concurrency import reading_only

EXPORT_FORMATS = ("csv", "xlsx")
cli = AppGroup("reports", help="HR report rollups and exports.")
reminders_cli = AppGroup("reminders", help="Onboarding reminders by email.")


# click reports a bad date as a usage error naming the option, not a traceback.
DAY = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every rollup from enrollments, users and attempts (one transaction)."""
    started = time.perf_counter()
    counts = maintenance.rebuild()
    click.echo(", ".join(f"{table}: {n} rows" for table, n in counts.items())
               + f" ({time.perf_counter() - started:.1f} s)")


@cli.command("check")
def check_command() -> None:
    """Compare the rollups with a fresh GROUP BY; exit status 1 when they differ."""
    problems = maintenance.check()
    if problems:
        for problem in problems:
            click.echo(problem)
        click.echo("Rollups differ from a fresh computation; run `flask reports rebuild`.")
        sys.exit(1)
    click.echo("Rollups match a fresh computation.")


@cli.command("export")
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default=None,
              help="csv or xlsx; by default the OUTPUT file's extension says which.")
@click.option("--as-of", "as_of", type=DAY,
              help="YYYY-MM-DD; status at the end of that day (UTC).")
def export_command(output: str, fmt: str | None, as_of: datetime | None) -> None:
    """Write the raw enrollment list of the whole company."""
    fmt = _export_format(output, fmt)
    # minutes for a big XLSX: on SQLite, learners' saves go on meanwhile
    with reading_only(), force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        tree = department_tree()
        scope = service.Scope(True, tuple(tree.roots), frozenset(), True, True)
        filters = service.Filters(_day(as_of) or local_today())
        count = export_enrollments(output, fmt, exports.enrollment_rows(scope, tree, filters))
    click.echo(f"{count} enrollment(s) written to {output}")


def _export_format(output: str, fmt: str | None) -> str:
    """--format, else the extension; and a folder that exists (before minutes of work)."""
    path = Path(output)
    if not path.parent.is_dir():
        raise click.UsageError(f"the folder {path.parent} does not exist; create it first "
                               "or write somewhere else")
    if fmt:
        return fmt
    extension = path.suffix.lower().lstrip(".")
    if extension not in EXPORT_FORMATS:
        raise click.UsageError(f"cannot tell the format from {path.name!r}: name it .csv or "
                               ".xlsx, or give --format")
    return extension


def export_enrollments(output: str, fmt: str, rows: Iterator[list[Any]]) -> int:
    if fmt == "xlsx":
        # XlsxWriter's row files (names, emails) go to a private scratch folder
        with scratch_dir(current_app.instance_path, "cli-export") as scratch:
            return exports.write_xlsx(exports.enrollment_header(), rows, output,
                                      exports.sheet_title(), tmpdir=scratch,
                                      widths=exports.ENROLLMENT_WIDTHS,
                                      sheet_rows=current_app.config["XLSX_SHEET_ROWS"])
    with open(output, "w", encoding="utf-8", newline="") as handle:
        return exports.write_csv(exports.enrollment_header(), rows, handle)


@cli.command("work")
@click.option("--job", "job_id", type=int, help="Run this queued job only.")
def work_command(job_id: int | None) -> None:
    """Write queued export jobs (the web starts one of these per job by default)."""
    if job_id is not None:
        job = jobs.run_job(job_id)
        click.echo(f"job {job_id}: {job.state if job else 'not queued'}")
        return
    click.echo(f"{jobs.run_queued()} job(s) run")


@cli.command("sweep")
def sweep_command() -> None:
    """Delete expired export files and temporary files of processes that died (hourly)."""
    counts = jobs.sweep()
    click.echo(", ".join(f"{name}: {n}" for name, n in counts.items()))


@reminders_cli.command("send")
@click.option("--within-days", default=3, show_default=True, type=click.IntRange(0, 365),
              help="Also remind learners whose due date is at most this many days away.")
@click.option("--today", "day", type=DAY, help="YYYY-MM-DD; defaults to today (UTC).")
def send_command(within_days: int, day: datetime | None) -> None:
    """Email overdue and due-soon learners, and each department head a digest (once a day)."""
    report = reminders.send_reminders(_day(day), within_days)
    click.echo(f"{report.kinds.get('learner', 0)} learner reminder(s), "
               f"{report.kinds.get('digest', 0)} digest(s): {report.sent} sent by SMTP, "
               f"{report.held} held in the outbox; {report.skipped} already sent today.")
