"""The audit log: who changed which content, role or grade, and when."""

from flask import Flask


def init_app(app: Flask) -> None:
    from audit import models  # noqa: F401
    from audit.routes import bp

    app.register_blueprint(bp)
