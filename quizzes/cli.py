from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from accounts import service as accounts
from quizzes import service
from quizzes.bank import apply_import, export_quiz_gift, plan_import
from quizzes.gift_encoding import GiftEncodingError, decode_gift
from quizzes.models import Quiz
from quizzes.overrides import set_override
from quizzes.service import get_quiz_by_slug

cli = AppGroup("quizzes", help="Quizzes: question banks, overrides, deadlines.")


def _quiz(slug: str) -> Quiz:
    quiz = get_quiz_by_slug(slug)
    if quiz is None:
        raise click.ClickException(f"no quiz {slug}")
    return quiz


def _import(path: Path, slug: str, fmt: str, dry_run: bool, skip_unsupported: bool = False,
            encoding: str | None = None) -> None:
    quiz = _quiz(slug)
    try:
        text = decode_gift(path.read_bytes(), encoding)
    except GiftEncodingError as error:
        hint = " (run again with --encoding gb18030)" if error.encoding == "gb18030" else ""
        raise click.ClickException(f"{path.name}: {error}{hint}") from None
    plan = plan_import(quiz, text, fmt, skip_unsupported=skip_unsupported)
    for source in plan.added:
        click.echo(f"+ {source.key} ({source.type_id})")
    for problem in plan.skipped:
        click.echo(f"{path.name}: skipped, unsupported: {problem}", err=True)
    for problem in plan.rejected:
        click.echo(f"{path.name}: {problem}", err=True)
    if not plan.ok:
        raise click.ClickException("the file was rejected whole; nothing was imported")
    if dry_run:
        click.echo(f"dry run: {len(plan.added)} question(s) would be added")
        return
    click.echo(f"added {apply_import(quiz, plan)} question(s) to {slug}")


@cli.command("import-gift")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiz", "slug", required=True)
@click.option("--dry-run", is_flag=True, help="report only")
@click.option("--skip-unsupported", is_flag=True,
              help="leave out (and name) the questions Relay cannot express, import the rest")
@click.option("--encoding", type=click.Choice(["utf-8", "gb18030"]), default=None,
              help="the file's encoding when it is not UTF-8 (e.g. from Chinese Windows)")
def import_gift_command(path: Path, slug: str, dry_run: bool, skip_unsupported: bool,
                        encoding: str | None) -> None:
    """Add the questions of a Moodle GIFT file to a quiz (all or nothing, unless
    --skip-unsupported)."""
    _import(path, slug, "gift", dry_run, skip_unsupported, encoding)


@cli.command("import-aiken")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiz", "slug", required=True)
@click.option("--dry-run", is_flag=True, help="report only")
def import_aiken_command(path: Path, slug: str, dry_run: bool) -> None:
    """Add the single-choice questions of an Aiken file to a quiz (all or nothing)."""
    _import(path, slug, "aiken", dry_run)


@cli.command("export-gift")
@click.option("--quiz", "slug", required=True)
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def export_gift_command(slug: str, path: Path | None) -> None:
    """Write a quiz's questions as GIFT (to PATH or standard output)."""
    text, skipped = export_quiz_gift(_quiz(slug))
    if path:
        path.write_text(text, encoding="utf-8")
    else:
        click.echo(text)
    for key, reason in skipped:
        click.echo(f"skipped {key}: {reason}", err=True)


@cli.command("override")
@click.option("--quiz", "slug", required=True)
@click.option("--user", "email", required=True)
@click.option("--extra-minutes", type=click.IntRange(min=0), default=0)
@click.option("--extra-attempts", type=click.IntRange(min=0), default=0)
def override_command(slug: str, email: str, extra_minutes: int, extra_attempts: int) -> None:
    """Give one learner extra time or extra attempts on a quiz."""
    user = accounts.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user {email}")
    set_override(_quiz(slug), user, extra_minutes, extra_attempts)
    click.echo(f"{email}: +{extra_minutes} min, +{extra_attempts} attempt(s) on {slug}")


@cli.command("close-overdue")
def close_overdue_command() -> None:
    """Finish attempts whose deadline passed, grading what was saved before it."""
    click.echo(f"closed {service.close_overdue_attempts()} attempt(s)")
