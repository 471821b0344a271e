"""Quizzes: question types, attempts, grading, GIFT and Aiken interchange."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from accounts import policy
    from accounts.navigation import register_nav_link
    from quizzes import models  # noqa: F401
    from quizzes.cli import cli
    from quizzes.routes import bp
    from quizzes.vocabulary import tag_label

    app.register_blueprint(bp)
    app.cli.add_command(cli)
    app.add_template_filter(tag_label, "concept_label")
    app.add_template_filter(lambda tag: tag_label(tag, "misconceptions"), "misconception_label")
    app.add_template_filter(question_type_name, "question_type")
    register_nav_link(app, endpoint="quizzes.grading_queue", label=_l("Grading"),
                      visible=policy.may_tutor, order=20)


def question_type_name(type_id: str) -> str:
    """A question type as people call it, in their language (never its id)."""
    from quizzes.types import REGISTRY

    question_type = REGISTRY.get(type_id)
    return str(question_type.label) if question_type else str(type_id)
