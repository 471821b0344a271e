"""The audit log: who changed which content, role or grade, and when."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accounts.signals import roles_changed
    from audit import models  # noqa: F401
    from audit.routes import bp
    from audit.service import on_roles_changed

    roles_changed.connect(on_roles_changed)
    app.register_blueprint(bp)
