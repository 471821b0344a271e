"""Trainer authoring in the browser: drafts, preview, revisions, packages."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from accounts import policy
    from accounts.navigation import register_nav_link
    from authoring import quiz_routes  # noqa: F401  (adds the quiz pages to the blueprint)
    from authoring.audit_links import register_links
    from authoring.cli import content_cli
    from authoring.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(content_cli)
    register_links()
    register_nav_link(app, endpoint="authoring.index", label=_l("Authoring"),
                      visible=policy.may_author, order=10)
