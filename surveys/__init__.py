"""Internal-customer service: department pledges, satisfaction cycles, anonymous answers."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Register the tables, the blueprint, the `surveys` commands and the home-page task."""
    from accounts.navigation import register_nav_link
    from courses.panels import register_panel
    from surveys import (
        models,  # noqa: F401  (tables must be known before queries)
        result_routes,  # noqa: F401  (adds the results views to bp)
    )
    from surveys.cli import cli
    from surveys.home import home_task
    from surveys.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli)
    register_panel(app, page="home", template="surveys/_home_task.html", context=home_task,
                   order=10)
    register_nav_link(app, endpoint="surveys.index", label=_l("Internal service"),
                      visible=lambda user: True, order=70)
