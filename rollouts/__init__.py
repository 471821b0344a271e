"""Policy rollout: briefings with read receipts, knowledge contests, lesson questions and FAQ."""

from flask import Flask

DEFAULTS = {
    "QUESTION_TARGET_WORKING_DAYS": 2,  # the trainers' response target
    "QUESTIONS_PER_HOUR": 5,  # per learner
}


def init_app(app: Flask) -> None:
    from rollouts import (
        contest_routes,  # noqa: F401  (adds the contest pages to the blueprint)
        models,  # noqa: F401  (tables must be known before queries)
    )
    from rollouts.cli import cli
    from rollouts.routes import bp, home_panel, lesson_panel

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(bp)
    app.cli.add_command(cli)
    # The home and lesson pages include one rollouts template each; these fill them.
    app.add_template_global(home_panel, "rollout_home")
    app.add_template_global(lesson_panel, "rollout_lesson")
