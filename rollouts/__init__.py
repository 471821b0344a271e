"""Policy rollout: briefings with read receipts, knowledge contests, lesson questions and FAQ."""

from flask import Flask
from flask_babel import lazy_gettext as _l

DEFAULTS = {
    "QUESTION_TARGET_WORKING_DAYS": 2,  # the trainers' response target
    "QUESTIONS_PER_HOUR": 5,  # per learner
}


def init_app(app: Flask) -> None:
    from accounts import policy
    from accounts.navigation import register_nav_link
    from courses.panels import register_panel
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
    # the learner's home page and every lesson show a rollouts panel
    register_panel(app, page="home", template="rollouts/_home.html", context=home_panel,
                   order=20)
    register_panel(app, page="lesson", template="rollouts/_lesson.html",
                   context=lesson_panel, order=20)
    # one link for the rollout pages (questions, briefings, contests): they lead between
    # themselves, so the header keeps to one line at 1280 px
    register_nav_link(app, endpoint="rollouts.briefing_list", label=_l("Policy rollout"),
                      visible=policy.is_staff, order=50)
