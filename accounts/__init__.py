"""People: users, departments, roles, login, roster import."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from accounts import (
        models,  # noqa: F401  (tables must be known before queries)
        policy,
    )
    from accounts.cli import cli
    from accounts.routes import bp
    from accounts.service import load_user
    from extensions import login_manager

    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    # Flask-Login's own message is English only
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.session_protection = "basic"
    app.register_blueprint(bp)
    # templates ask the access policy too: {% if policy.may_author(current_user) %}
    app.jinja_env.globals["policy"] = policy
    app.cli.add_command(cli)
