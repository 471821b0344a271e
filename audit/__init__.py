"""The audit log: who changed which content, role or grade, and when."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from accounts import policy
    from accounts.navigation import register_nav_link
    from accounts.signals import roles_changed
    from audit import models  # noqa: F401
    from audit.routes import bp
    from audit.service import on_roles_changed

    roles_changed.connect(on_roles_changed)
    app.register_blueprint(bp)
    # the outbox, API tokens and school settings are a row on the audit log's page
    register_nav_link(app, endpoint="audit.log", label=_l("Audit log"),
                      visible=policy.may_administer, order=60)
