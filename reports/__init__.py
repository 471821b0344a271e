"""HR views: department completion, overdue, concept mastery, exports, reminders."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Register the blueprint, the `reports` and `reminders` commands, and the listeners
    that keep the rollups in the same transaction as the events."""
    from accounts import policy
    from accounts.navigation import register_nav_link
    from courses.signals import course_completed
    from reports import (
        export_routes,  # noqa: F401  (adds the export routes to bp)
        models,  # noqa: F401  (tables must be known before queries)
        reminder_routes,  # noqa: F401  (adds the reminder pages to the blueprint)
    )
    from reports.certificates import on_course_completed
    from reports.cli import cli, reminders_cli
    from reports.listeners import register
    from reports.routes import bp

    register()
    course_completed.connect(on_course_completed)
    app.register_blueprint(bp)
    app.cli.add_command(cli)
    app.cli.add_command(reminders_cli)
    register_nav_link(app, endpoint="reports.dashboard", label=_l("Reports"),
                      visible=policy.may_read_reports, order=30)
    # whoever reads reports finds item analysis in the reports' own row
    register_nav_link(app, endpoint="reports.quizzes", label=_l("Item analysis"),
                      visible=lambda user: policy.may_see_answers(user)
                      and not policy.may_read_reports(user), order=40)
