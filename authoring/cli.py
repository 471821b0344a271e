"""`flask content import`: the course sources in content/, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from authoring.content_import import import_content
from courses.content import ContentError

content_cli = AppGroup("content", help="Course sources in content/.")


@content_cli.command("import")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def import_command(path: Path | None) -> None:
    """Validate every course under PATH (default: content/) and import all or nothing."""
    root = path or Path(current_app.config["CONTENT_DIR"])
    try:
        report = import_content(root)
    except ContentError as error:
        for line in error.errors:
            click.echo(line, err=True)
        message = f"{len(error.errors)} problem(s); nothing was imported"
        raise click.ClickException(message) from None
    click.echo(f"{len(report.courses)} course(s): {report.courses_created} new, "
               f"{report.lessons_revised} lesson revision(s), "
               f"{report.questions_revised} question revision(s), "
               f"{report.outlines_changed} outline(s) changed")
