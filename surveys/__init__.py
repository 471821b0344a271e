"""Internal-customer service: department pledges, satisfaction cycles, anonymous answers."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the tables, the blueprint, the `surveys` commands and the home-page task."""
    from surveys import (
        models,  # noqa: F401  (tables must be known before queries)
        result_routes,  # noqa: F401  (adds the results views to bp)
    )
    from surveys.cli import cli
    from surveys.home import register_home_task
    from surveys.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli)
    register_home_task(app)
