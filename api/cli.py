"""`flask api token ...` and `flask xapi ...`."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from api import lrs, placeholder_base_warning, tokens

api_cli = AppGroup("api", help="The JSON API.")
token_cli = AppGroup("token", help="API tokens: create (shown once), list, revoke.")
api_cli.add_command(token_cli)
xapi_cli = AppGroup("xapi", help="xAPI statements: the outbox and the LRS.")


@token_cli.command("create")
@click.option("--name", required=True, help="which system uses it, e.g. 'HR sync'")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(sorted(tokens.SCOPES)), help="repeat for several scopes")
@click.option("--expires-in-days", type=click.IntRange(min=1), default=None)
def create_command(name: str, scopes: tuple[str, ...], expires_in_days: int | None) -> None:
    """Create a token and print it once (only its hash is stored)."""
    try:
        issued = tokens.create_token(name, scopes, expires_in_days=expires_in_days)
    except tokens.TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"token {issued.token.id} '{issued.token.name}' "
               f"({issued.token.scopes}); copy it now, it is not shown again:", err=True)
    click.echo(issued.secret)


@token_cli.command("list")
def list_command() -> None:
    """List tokens (never their secrets)."""
    for token in tokens.list_tokens():
        state = "revoked" if token.revoked_at else "active"
        click.echo(f"{token.id}\trelay_{token.prefix}…\t{state}\t{token.scopes}\t{token.name}")


@token_cli.command("revoke")
@click.argument("ref")
def revoke_command(ref: str) -> None:
    """Revoke a token by id or by the relay_… prefix shown in the list."""
    token = tokens.find_token(ref)
    if token is None:
        raise click.ClickException(f"no single token matches {ref}")
    changed = tokens.revoke_token(token)
    click.echo(f"token {token.id} {'revoked' if changed else 'was already revoked'}")


@xapi_cli.command("forward")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=None)
@click.option("--retries", type=click.IntRange(0, 100), default=None,
              help="tries per batch after the first, with exponential backoff")
@click.option("--follow", is_flag=True, help="keep running, forwarding new statements")
@click.option("--interval", type=click.FloatRange(min=0.1), default=10.0,
              help="with --follow: seconds between passes")
def forward_command(batch_size: int | None, retries: int | None, follow: bool,
                    interval: float) -> None:
    """POST pending statements to the LRS in batches (XAPI_ENDPOINT, XAPI_USERNAME, ...)."""
    placeholder = placeholder_base_warning(current_app.config)
    if placeholder:
        click.echo(f"warning: {placeholder}", err=True)
    while True:
        try:
            forwarder = lrs.Forwarder.from_config(batch_size=batch_size, retries=retries)
            report = forwarder.run()
        except lrs.GiveUp as error:
            if not follow:
                _print_counts()
                raise click.ClickException(str(error)) from None
            click.echo(f"LRS failed: {error}", err=True)
        else:
            if report.sent or report.confirmed or report.rejected or not follow:
                click.echo(f"sent {report.sent}, already at the LRS {report.confirmed}, "
                           f"rejected {report.rejected}, failed tries {report.failures}")
                _print_counts()
        if not follow:
            return
        time.sleep(interval)


@xapi_cli.command("status")
def status_command() -> None:
    """Counts in the outbox: pending (in doubt), forwarded, rejected."""
    _print_counts()


@xapi_cli.command("requeue-rejected")
def requeue_command() -> None:
    """Send statements the LRS rejected again (after fixing what it complained about)."""
    click.echo(f"{lrs.requeue_rejected()} statement(s) back in the queue")


def _print_counts() -> None:
    counts = lrs.outbox_counts()
    click.echo(f"pending {counts['pending']} (in doubt {counts['in_doubt']}), "
               f"forwarded {counts['forwarded']}, rejected {counts['rejected']}")
