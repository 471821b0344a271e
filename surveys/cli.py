"""`flask surveys ...`: what HR does in the browser, from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

import clock
from extensions import db
from surveys import reminders, service
from surveys.models import Cycle
from surveys.service import SurveyError


@click.group("surveys")
def cli() -> None:
    """Internal-customer surveys."""


def _cycle(cycle_id: int) -> Cycle:
    found = db.session.get(Cycle, cycle_id)
    if found is None:
        raise click.ClickException(f"no survey cycle {cycle_id}")
    return found


@cli.command("remind")
@click.argument("cycle_id", type=int)
@click.option("--base-url", default="", help="Relay's address, for the link in the mail.")
@with_appcontext
def remind(cycle_id: int, base_url: str) -> None:
    """Remind everyone who has not started answering (once a day at most)."""
    try:
        report = reminders.send(_cycle(cycle_id), clock.today(), base_url.rstrip("/"))
    except SurveyError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"sent {report.sent}, held in outbox {report.held}, "
               f"already reminded today {report.skipped}")


@cli.command("close")
@click.argument("cycle_id", type=int)
@with_appcontext
def close(cycle_id: int) -> None:
    """Close an open cycle before its last day."""
    try:
        service.close_cycle(_cycle(cycle_id))
    except SurveyError as error:
        raise click.ClickException(error.message) from None
    click.echo("closed")


@cli.command("generate")
@click.option("--respondents", default=100_000, show_default=True, type=click.IntRange(1))
@click.option("--departments", default=60, show_default=True, type=click.IntRange(2))
@click.option("--seed", default=2026, show_default=True)
@with_appcontext
def generate(respondents: int, departments: int, seed: int) -> None:
    """A big closed cycle over a generated company's departments, for benchmarks."""
    from surveys.generate import generate_cycle

    try:
        report = generate_cycle(respondents, departments, clock.today(), seed)
    except SurveyError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"cycle {report.cycle_id}: {report.respondents} respondents across "
               f"{report.departments} departments, {report.ratings} ratings, "
               f"{report.scores} statement answers")
