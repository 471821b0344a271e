"""Quizzes: question types, attempts, grading, GIFT and Aiken interchange."""

from flask import Flask


def init_app(app: Flask) -> None:
    from quizzes import models  # noqa: F401
    from quizzes.cli import cli
    from quizzes.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli)
