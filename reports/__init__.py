"""HR views: department completion, overdue, concept mastery, exports, reminders."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint, the `reports` and `reminders` commands, and the listeners
    that keep the rollups in the same transaction as the events."""
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
