"""Demo data: a small company to try Relay with (`flask demo seed`)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from demo.cli import cli

    app.cli.add_command(cli)
