"""The application factory: `flask --app app run`."""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import Callable
from typing import Any

import click
from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.json.provider import DefaultJSONProvider
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.middleware.proxy_fix import ProxyFix

import accounts
import api
import audit
import authoring
import courses
import demo
import i18n
import quizzes
import reports
import rollouts
import surveys
from accounts.navigation import header_links
from api.http import PREFIX as API_PREFIX
from api.http import error_response as api_error_response
from extensions import IdConverter, babel, csrf, db, limiter, login_manager, migrate
from settings import load_settings, sweep_scratch
from sqlite_concurrency import configure_sqlite, read_only

FEATURE_PACKAGES = (accounts, courses, quizzes, authoring, reports, rollouts, api, audit, demo,
                    surveys)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    # RELAY_INSTANCE_PATH (absolute) moves the instance folder; a job's worker process
    # is given its parent's this way
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("RELAY_INSTANCE_PATH") or None)
    app.json = GuardedJSONProvider(app)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    load_settings(app, config)
    # temporary files left by a process that died (reports/jobs.py sweeps them too)
    sweep_scratch(app.instance_path, app.config["SCRATCH_MAX_AGE_HOURS"])
    if app.config["TRUSTED_PROXIES"]:
        # The client's address (rate limits, logs) and scheme come from the headers the
        # given number of proxies appended; a header a client made up is ignored.
        hops = app.config["TRUSTED_PROXIES"]
        # Flask's documented way in for WSGI middleware
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops)
    _bind_extensions(app)
    # Registered first, so it runs last: after every hook that replaces a response.
    app.after_request(_security_headers)
    for package in FEATURE_PACKAGES:
        package.init_app(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    app.add_url_rule("/", endpoint="index", view_func=_index)
    for command in app.cli.commands.values():
        _explain_database_errors(command)
    app.add_url_rule("/healthz", endpoint="healthz", view_func=_alive)
    app.add_url_rule("/readyz", endpoint="readyz", view_func=_ready)
    return app


class GuardedJSONProvider(DefaultJSONProvider):
    """A body nested thousands deep overflows the parser's stack: call it bad JSON, so
    request.get_json answers 400 like any other malformed body, not 500."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _bind_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"],
                             app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    migrate.init_app(app, db, render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   timezone_selector=i18n.select_time_zone)
    limiter.init_app(app)


MIGRATE_HINT = "run `flask --app app db upgrade`"
# the commands _explain_database_errors has wrapped, in this process
_EXPLAINED: weakref.WeakSet[click.Command] = weakref.WeakSet()


def _explain_database_errors(command: click.Command) -> None:
    """A command meeting a missing, unreachable or unmigrated database says so in one
    line with the fix, instead of a page of traceback.

    Commands are module-level objects shared by every app this process makes (tests make
    hundreds): wrap each once, or the wrappers nest until Python's recursion limit."""
    if command in _EXPLAINED:
        return
    invoke = command.invoke

    def explained(ctx: click.Context) -> Any:
        try:
            return invoke(ctx)
        except DBAPIError as error:
            # the first failure explains; later ones (an aborted transaction's) follow it
            seen: BaseException | None = error
            problems: list[str | None] = []
            while seen is not None and len(problems) < 5:
                problems.append(database_problem(seen))
                seen = seen.__context__
            problem = next((found for found in reversed(problems) if found), None)
            if problem is None:
                raise
            raise click.ClickException(problem) from None

    _EXPLAINED.add(command)
    # an instance attribute in front of the class's method, on purpose: see above
    command.invoke = explained  # type: ignore[method-assign]


def database_problem(error: BaseException) -> str | None:
    """One line naming what is wrong with the database and how to fix it; None for a bug."""
    detail = str(getattr(error, "orig", error)).strip()
    first = (detail.splitlines() or [type(error).__name__])[0]
    url = db.engine.url.render_as_string(hide_password=True)
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
    if "no such table" in detail or sqlstate == "42P01":
        return f"the database {url} has no Relay tables yet ({first}): {MIGRATE_HINT}"
    if sqlstate == "3D000" or ("database" in first and "does not exist" in first):
        return (f"the database {url} does not exist: create it (e.g. `createdb`), "
                f"then {MIGRATE_HINT}")
    if "unable to open database file" in detail:
        return (f"cannot open the SQLite file {url} (does its folder exist and may we write "
                f"there?): fix DATABASE_URL, then {MIGRATE_HINT}")
    if isinstance(error, OperationalError | InterfaceError):
        return (f"cannot reach the database {url} ({first}): start it, or point "
                "DATABASE_URL at one that runs")
    return None


def _index() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("courses.home"))
    return redirect(url_for("accounts.login"))


# Seconds a client is told to wait while the database is unreachable.
OUTAGE_RETRY_SECONDS = 10
# Driver errors that mean "the database cannot answer now" (down, restarting, locked,
# out of connections), not a bug: answered 503 with Retry-After, and logged.
OUTAGE_ERRORS = (OperationalError, InterfaceError, SQLAlchemyTimeoutError)


# The API's wording for errors no API view raised (api.http words the ones they raise).
API_MESSAGES = {
    400: "bad request", 403: "forbidden", 404: "no such API resource",
    405: "this method is not allowed on this resource", 429: "rate limit exceeded",
    500: "internal error",
    503: "the database cannot be reached now; retry after Retry-After seconds",
}


def _wants_json() -> bool:
    """API calls and the autosave script read JSON; people read the translated page."""
    if request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _error_answer(status: int, code: str, title: str, message: str,
                  headers: dict[str, str] | None = None) -> Response:
    """One shape per reader: the API's error object, {error, message} for the autosave
    script, else error.html in the reader's language."""
    if request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/"):
        # the API speaks English to programs, whatever their Accept-Language
        response = api_error_response(status, code, API_MESSAGES.get(status, code))
    elif _wants_json():
        response = jsonify(error=code, message=message)
        response.status_code = status
    else:
        response = make_response(render_template(
            "error.html", status=status, title=title, message=message), status)
    response.headers.update(headers or {})
    return response


def _forget_the_user() -> None:
    """Render without the database: the signed-in user cannot be (re)loaded now."""
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
    g._login_user = login_manager.anonymous_user()


def _database_unavailable(error: Exception) -> Response:
    current_app.logger.warning("database unavailable: %s", error)
    _forget_the_user()
    return _service_unavailable()


def _service_unavailable(_error: Exception | None = None) -> Response:
    return _error_answer(
        503, "service_unavailable", _("Back in a moment"),
        _("Relay cannot reach its database just now. Nothing you saved before is lost; "
          "try again in a few seconds."),
        {"Retry-After": str(OUTAGE_RETRY_SECONDS)})


def _internal_error(error: Exception) -> Response:
    original = getattr(error, "original_exception", None)
    if isinstance(original, OUTAGE_ERRORS):
        return _database_unavailable(original)
    _forget_the_user()
    return _error_answer(500, "internal_error", _("Something went wrong"),
                         _("Relay could not finish this request. It has been logged; "
                           "try again, and tell your administrator if it keeps happening."))


def _method_not_allowed(error: MethodNotAllowed) -> Response:
    allowed = ", ".join(error.valid_methods or [])
    return _error_answer(405, "method_not_allowed", _("Not possible here"),
                         _("This address cannot be used that way. Go back and use the "
                           "page's own buttons."), {"Allow": allowed} if allowed else None)


def _register_error_pages(app: Flask) -> None:
    def handler(status: int, code: str, title: Any, message: Any) -> Callable:
        return lambda error: _error_answer(status, code, str(title), str(message))

    app.register_error_handler(CSRFError, handler(
        400, "form_expired", _l("Form expired"),
        _l("The form was missing its security token or it expired. "
           "Reload the page and try again.")))
    app.register_error_handler(403, handler(
        403, "forbidden", _l("Not allowed"), _l("Your account cannot open this page.")))
    app.register_error_handler(404, handler(
        404, "not_found", _l("Not found"), _l("There is no page at this address.")))
    app.register_error_handler(429, handler(
        429, "rate_limited", _l("Slow down"), _l("Too many attempts. Wait a minute and retry.")))
    app.register_error_handler(405, _method_not_allowed)
    app.register_error_handler(500, _internal_error)
    app.register_error_handler(503, _service_unavailable)
    for error_class in OUTAGE_ERRORS:
        app.register_error_handler(error_class, _database_unavailable)


PLAIN_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def _alive() -> ResponseReturnValue:
    """Liveness: the process answers. Never touches the database, so an outage there
    does not get every app server restarted."""
    return "ok", 200, PLAIN_TEXT


@read_only
def _ready() -> ResponseReturnValue:
    """Readiness: this server can serve, since its database answers a query. A load
    balancer sends users elsewhere while it says 503."""
    try:
        db.session.execute(text("SELECT 1"))
    except OUTAGE_ERRORS as error:
        current_app.logger.warning("not ready, database unavailable: %s", error)
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        return "database unavailable", 503, {**PLAIN_TEXT, "Retry-After": str(OUTAGE_RETRY_SECONDS)}
    return "ready", 200, PLAIN_TEXT


# Scripts, styles and images come from this site only (images also as data: URLs, which
# the sanitizer lets lessons carry); no inline script or style attribute runs, no other
# site may frame a page, and forms post only here.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # set-password links carry a token in the path
}


def _security_headers(response: Response) -> Response:
    """Every answer gets the headers; a view that set its own (media: stricter) keeps them.

    Pages and exports show personal data, so nothing but static files and media (which
    say how long they may be cached) is stored by a browser or a proxy.
    """
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _register_template_helpers(app: Flask) -> None:
    from accounts.forms import LocaleForm, LogoutForm

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "logout_form": LogoutForm(),
            "locale_form": LocaleForm(),
            # the header's links, which each package registers (accounts.navigation)
            "header_links": lambda: header_links(current_user),
        }

    i18n.register_template_helpers(app)
