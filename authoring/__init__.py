"""Trainer authoring in the browser: drafts, preview, revisions, packages."""

from flask import Flask


def init_app(app: Flask) -> None:
    from authoring import quiz_routes  # noqa: F401  (adds the quiz pages to the blueprint)
    from authoring.audit_links import register_links
    from authoring.routes import bp

    app.register_blueprint(bp)
    register_links()
