"""JSON API for other systems (token auth, OpenAPI document), xAPI statements."""

from urllib.parse import urlsplit

from flask import Flask

# the reserved example domains (RFC 2606): settings.py's XAPI_ACTIVITY_BASE placeholder
# is one; activity IRIs sent to a real LRS under it would collide with every other
# installation that kept it
PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")

DEFAULTS = {
    "API_RATE_LIMIT": "300 per minute",  # per token (per address without one)
    "API_PAGE_SIZE": 50,
    "API_MAX_PAGE_SIZE": 200,
    "API_BULK_MAX_ROWS": 1000,
    "XAPI_ENABLED": True,
    "XAPI_ACTOR": "mbox",  # or "account": homePage + user id instead of the email
    "XAPI_ACCOUNT_HOMEPAGE": None,  # default: the origin of XAPI_ACTIVITY_BASE
    "XAPI_ENDPOINT": None,  # e.g. https://lrs.example.com/xapi/
    "XAPI_USERNAME": None,
    "XAPI_PASSWORD": None,
    "XAPI_BATCH_SIZE": 100,
    "XAPI_RETRIES": 5,
    "XAPI_BACKOFF_SECONDS": 1.0,
    "XAPI_BACKOFF_MAX_SECONDS": 60.0,
    "XAPI_TIMEOUT_SECONDS": 10.0,
    # a claimed batch stays with its forwarder this long: more than timeout + backoff
    "XAPI_LEASE_SECONDS": 300,
}


def init_app(app: Flask) -> None:
    from api import (
        models,  # noqa: F401  (tables must be known before queries)
        survey_routes,  # noqa: F401  (adds the survey views to bp)
    )
    from api.admin import admin_bp
    from api.cli import api_cli, xapi_cli
    from api.http import register_app_hooks
    from api.routes import bp
    from api.xapi import connect_listeners
    from extensions import csrf

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    csrf.exempt(bp)  # tokens, not cookies, authenticate the API: no CSRF to forge
    register_app_hooks(app)
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.cli.add_command(api_cli)
    app.cli.add_command(xapi_cli)
    connect_listeners()
    placeholder = placeholder_base_warning(app.config)
    if placeholder:
        app.logger.warning(placeholder)


def placeholder_base_warning(config: dict) -> str | None:
    """A warning when statements go to an LRS under the placeholder activity IRI."""
    base = str(config.get("XAPI_ACTIVITY_BASE") or "")
    host = (urlsplit(base).hostname or "").lower()
    if not config.get("XAPI_ENDPOINT") or not any(
            host == domain or host.endswith("." + domain) for domain in PLACEHOLDER_DOMAINS):
        return None
    return (f"XAPI_ENDPOINT is set but XAPI_ACTIVITY_BASE is the placeholder {base}: "
            "set it to an IRI of this installation (e.g. https://lms.yourcompany.cn/xapi) "
            "before statements reach the LRS; activity ids cannot be changed afterwards")
