"""Quizzes: question types, attempts, grading, GIFT and Aiken interchange."""

from flask import Flask


def init_app(app: Flask) -> None:
    from quizzes import models  # noqa: F401
    from quizzes.cli import cli
    from quizzes.routes import bp
    from quizzes.vocabulary import tag_label

    app.register_blueprint(bp)
    app.cli.add_command(cli)
    app.add_template_filter(tag_label, "concept_label")
    app.add_template_filter(lambda tag: tag_label(tag, "misconceptions"), "misconception_label")
