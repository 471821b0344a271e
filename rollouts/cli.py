"""`flask rollouts ...`: the trainers' question queue from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from rollouts import service

cli = AppGroup("rollouts", help="Policy rollout: lesson questions and briefings.")


@cli.command("overdue")
def overdue() -> None:
    """List lesson questions past their response target, oldest first."""
    rows = [row for row in service.queue() if row.overdue]
    for row in rows:
        q = row.question
        click.echo(f"#{q.id}\t{q.asked_at:%Y-%m-%d %H:%M}\t{q.item.title}")
    click.echo(f"{len(rows)} overdue question(s)")
