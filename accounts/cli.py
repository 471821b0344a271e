from __future__ import annotations

import smtplib
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from accounts import service
from accounts.mail import Mailer, invitation
from accounts.passwords import MIN_PASSWORD_LENGTH
from accounts.roster import RosterError, import_roster

cli = AppGroup("accounts", help="People and departments.")


PASSWORD_HELP = (
    f"at least {MIN_PASSWORD_LENGTH} characters; without it the command asks twice. "
    "Scripts: --password VALUE, or better RELAY_PASSWORD in the environment "
    "(a command line shows in ps)")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import a roster CSV (email, name, department, hire_date, roles): all rows or none."""
    try:
        result = import_roster(path.read_text(encoding="utf-8"), source=path.name)
    except RosterError as error:
        for line in error.errors:
            click.echo(line, err=True)
        message = f"{len(error.errors)} problem(s); nothing was imported"
        raise click.ClickException(message) from None
    click.echo(f"created {len(result.created)}, updated {len(result.updated)}, "
               f"unchanged {result.unchanged}")


@cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--roles", default="learner", help="space-separated: learner trainer hr admin")
@click.option("--department", "department_code", default=None, help="department code")
@click.password_option(envvar="RELAY_PASSWORD", help=PASSWORD_HELP)
def create_command(email: str, name: str, roles: str, department_code: str | None,
                   password: str) -> None:
    """Create a user."""
    department = service.get_department_by_code(department_code) if department_code else None
    if department_code and department is None:
        raise click.ClickException(f"unknown department code {department_code}")
    try:
        service.create_user(email, name, password=password, roles=roles.split(),
                            department=department)
    except service.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {email}")


@cli.command("set-password")
@click.argument("email")
@click.password_option(envvar="RELAY_PASSWORD", help=PASSWORD_HELP)
def set_password_command(email: str, password: str) -> None:
    """Set a user's password (and sign out their sessions)."""
    user = service.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user {email}")
    try:
        service.set_password(user, password)
    except service.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"password set for {user.email}")


@cli.command("invite")
@click.argument("emails", nargs=-1)
@click.option("--without-password", is_flag=True,
              help="every active user who has no password yet (a roster's new hires)")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="where learners reach Relay")
@click.option("--send", is_flag=True,
              help="email each user their link (needs MAIL_SERVER) instead of printing it")
def invite_command(emails: tuple[str, ...], without_password: bool, base_url: str,
                   send: bool) -> None:
    """A set-password link per user (valid a week, once): printed, or emailed with --send."""
    users = service.users_without_password() if without_password else []
    for email in emails:
        user = service.get_user_by_email(email)
        if user is None:
            raise click.ClickException(f"no user {email}")
        users.append(user)
    if not users:
        raise click.ClickException("no users: name them, or use --without-password")
    if send and not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException("--send needs MAIL_SERVER set; without --send the "
                                   "links are printed")
    with current_app.test_request_context(base_url=base_url):
        links = [(user, url_for("accounts.set_password",
                                token=service.set_password_token(user), _external=True))
                 for user in users]
    if not send:
        for user, link in links:
            click.echo(f"{user.email}\t{link}")
        return
    mailer = Mailer(current_app.config)
    try:
        for user, link in links:
            try:
                mailer.send(user.email, *invitation(user, link))
            except (smtplib.SMTPException, OSError) as error:
                raise click.ClickException(
                    f"sending to {user.email} failed ({error}); those listed above "
                    "were sent, the rest were not") from None
            click.echo(f"sent to {user.email}")
    finally:
        mailer.close()


@cli.command("add-department")
@click.argument("code")
@click.argument("name")
@click.option("--parent", "parent_code", default=None)
def add_department_command(code: str, name: str, parent_code: str | None) -> None:
    """Add a department under an optional parent."""
    parent = service.get_department_by_code(parent_code) if parent_code else None
    if parent_code and parent is None:
        raise click.ClickException(f"unknown parent department {parent_code}")
    try:
        service.create_department(code, name, parent=parent)
    except service.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"department {code} added")
