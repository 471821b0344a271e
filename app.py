"""The application factory: `flask --app app run`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import (
    Flask,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_datetime, get_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

import accounts
import api
import audit
import authoring
import courses
import demo
import quizzes
import reports
import rollouts
from accounts.preferences import school_settings, time_zone_of
from extensions import (
    IdConverter,
    babel,
    configure_sqlite,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
)
from settings import load_settings

FEATURE_PACKAGES = (accounts, courses, quizzes, authoring, reports, rollouts, api, audit, demo)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    load_settings(app, config)
    _bind_extensions(app)
    for package in FEATURE_PACKAGES:
        package.init_app(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    app.add_url_rule("/", endpoint="index", view_func=_index)
    app.add_url_rule("/healthz", endpoint="healthz", view_func=lambda: ("ok", 200))
    return app


def _bind_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_time_zone)
    limiter.init_app(app)


def _select_locale() -> str | None:
    """The user's own setting, else a cookie chosen while logged out, else the browser's
    language when we have it, else the school's default language."""
    languages = list(current_app.config["LANGUAGES"])
    if not has_request_context():  # CLI commands render in the default; mail forces its own
        return None
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get("locale")
    if chosen in languages:
        return chosen
    # Browsers say "zh-CN", "zh-Hans" or "zh"; all of them mean our zh_CN catalogue.
    best = request.accept_languages.best_match(["en", "zh-CN", "zh-Hans", "zh"])
    if best:
        return "zh_CN" if best.startswith("zh") else "en"
    return school_settings().default_locale


def _select_time_zone() -> str | None:
    if not has_request_context():  # CLI output and emails show dates, not times
        return None
    user = current_user if current_user.is_authenticated else None
    return time_zone_of(user).key


def _index():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("courses.home"))
    return redirect(url_for("accounts.login"))


def _register_error_pages(app: Flask) -> None:
    def page(status: int, title: str, message: str):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=status, title=title, message=message), status

    app.register_error_handler(
        CSRFError,
        lambda e: page(400, _("Form expired"), _("The form was missing its security token "
                                               "or it expired. Reload the page and try again.")),
    )
    app.register_error_handler(
        403, lambda e: page(403, _("Not allowed"), _("Your account cannot open this page."))
    )
    app.register_error_handler(
        404, lambda e: page(404, _("Not found"), _("There is no page at this address."))
    )
    app.register_error_handler(
        429, lambda e: page(429, _("Slow down"), _("Too many attempts. Wait a minute and retry."))
    )


def _roles(*roles: str) -> Callable[[Any], bool]:
    return lambda user: user.has_role(*roles)


def _reads_reports(user: Any) -> bool:
    # Department heads read their own subtree's reports without the hr role.
    return user.has_role("hr", "admin") or user.heads_a_department


# (endpoint, who sees it, label): shown in the header when the endpoint exists.
STAFF_LINKS = (
    ("authoring.index", _roles("trainer", "admin"), _l("Authoring")),
    ("quizzes.grading_queue", _roles("trainer", "admin"), _l("Grading")),
    ("reports.dashboard", _reads_reports, _l("Reports")),
    ("reports.quizzes", _roles("trainer", "admin"), _l("Item analysis")),
    ("rollouts.queue", _roles("trainer", "admin"), _l("Questions")),
    ("rollouts.briefing_list", _roles("trainer", "hr", "admin"), _l("Briefings")),
    ("rollouts.contest_list", _roles("trainer", "hr", "admin"), _l("Contests")),
    ("rollouts.question_figures", _roles("hr"), _l("Questions")),
    ("reports.admin_outbox", _roles("admin"), _l("Outbox")),
    ("audit.log", _roles("admin"), _l("Audit log")),
    ("api_admin.tokens_list", _roles("admin"), _l("API tokens")),
)


def _current_locale() -> str:
    """Our own code for the active locale (Babel parses zh_CN into zh_Hans_CN)."""
    locale = get_locale()
    return "zh_CN" if locale is not None and locale.language == "zh" else "en"


def _register_template_helpers(app: Flask) -> None:
    from accounts.forms import LocaleForm, LogoutForm

    def staff_links() -> list[dict[str, Any]]:
        links = [
            {"endpoint": endpoint, "url": url_for(endpoint), "label": str(label)}
            for endpoint, visible, label in STAFF_LINKS
            if endpoint in app.view_functions and visible(current_user)
        ]
        # The link for this very page is current; else the first of this page's blueprint
        # (so Outbox, not Reports, is current on the outbox page).
        exact = [link for link in links if link["endpoint"] == request.endpoint]
        section = exact or [link for link in links
                            if link["endpoint"].split(".")[0] == request.blueprint][:1]
        for link in links:
            link["current"] = link in section
        return links

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "logout_form": LogoutForm(),
            "locale_form": LocaleForm(),
            "staff_links": staff_links,
        }

    app.add_template_global(_current_locale, "current_locale")
    app.add_template_global(_time_zone_name, "time_zone_name")
    app.add_template_filter(lambda value: format_date(value, "medium") if value else "",
                            "dateformat")
    app.add_template_filter(localtime, "localtime")


def localtime(value: datetime | None, style: str = "datetime") -> str:
    """A stored (naive UTC) time in the reader's zone: "2026-12-03 18:30", or the date or
    the time alone (style "date", "time"). base.html names the zone once, in the footer."""
    if value is None:
        return ""
    pattern = {"date": "yyyy-MM-dd", "time": "HH:mm"}.get(style, "yyyy-MM-dd HH:mm")
    return format_datetime(value, pattern)


def _time_zone_name() -> str:
    """The reader's zone as people say it: "Asia/Shanghai (GMT+08:00)"."""
    zone = get_timezone()
    offset = datetime.now(zone).strftime("%z")
    name = getattr(zone, "key", None) or getattr(zone, "zone", str(zone))
    return f"{name} (GMT{offset[:3]}:{offset[3:]})"
