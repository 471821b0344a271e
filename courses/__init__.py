"""Courses, lessons, outline, assignment to departments, progress, completion."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accounts.signals import member_placed, members_placed
    from courses import (
        models,  # noqa: F401
        outline,  # noqa: F401  (counts outline changes, in every process)
    )
    from courses.assignment import on_member_placed, on_members_placed
    from courses.cli import courses_cli
    from courses.rendering import markdown_filter
    from courses.routes import bp, item_url

    member_placed.connect(on_member_placed)
    members_placed.connect(on_members_placed)
    app.register_blueprint(bp)
    app.cli.add_command(courses_cli)
    app.add_template_global(item_url)
    app.add_template_filter(markdown_filter, "markdown")
