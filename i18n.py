"""The reader's language and time zone: Flask-Babel's selectors, and the helpers that
templates translate and format dates and times with."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel import dates
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale, get_timezone, get_translations
from flask_login import current_user

from accounts.preferences import school_defaults, time_zone_of


def select_locale() -> str | None:
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
    return school_defaults().default_locale


def select_time_zone() -> str | None:
    if not has_request_context():  # CLI output and emails show dates, not times
        return None
    user = current_user if current_user.is_authenticated else None
    return time_zone_of(user).key


def _current_locale() -> str:
    """Our own code for the active locale (Babel parses zh_CN into zh_Hans_CN)."""
    locale = get_locale()
    return "zh_CN" if locale is not None and locale.language == "zh" else "en"


def register_template_helpers(app: Flask) -> None:
    """Jinja's gettext, and the locale, zone and date helpers templates call."""
    # flask_babel's own callables, each asking get_translations() again (a page calls
    # them about a hundred times), swapped for ones that ask once per locale
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # the i18n extension's
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.add_template_global(_current_locale, "current_locale")
    app.add_template_global(_time_zone_name, "time_zone_name")
    app.add_template_filter(_medium_date, "dateformat")
    app.add_template_filter(localtime, "localtime")


def _translations() -> Any:
    """This request's catalogue, as flask_babel's get_translations() gives it, kept beside
    flask_babel's own record of the request's locale (g._flask_babel.babel_locale) for as
    long as that locale object stays: force_locale and refresh() replace or drop it, and
    the catalogue is looked up again."""
    state: Any = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # not chosen yet in this request (or no request): flask_babel's way
        return get_translations()
    kept = getattr(state, "relay_translations", None)
    if kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    state.relay_translations = (locale, translations)
    return translations


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


def _medium_date(value: date | None) -> str:
    """A date as the reader's locale writes it; report tables show hundreds of them, and
    Babel takes a fifth of a millisecond for each, so plain dates are remembered."""
    if not value:
        return ""
    if type(value) is date:
        return _medium_plain_date(value, str(get_locale()))
    return format_date(value, "medium")  # a datetime: Flask-Babel moves it to the zone


@lru_cache(maxsize=4096)
def _medium_plain_date(value: date, locale: str) -> str:
    return dates.format_date(value, "medium", locale=locale)
