"""Language and time zone: the school's defaults and each person's own choice.

Everyone reads Relay in one language and sees times in one zone: their own
choice, else the school's. Times are stored as naive UTC everywhere and turned
into local time only when shown (the `localtime` template filter).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app
from sqlalchemy.exc import OperationalError

import clock
from accounts.models import SchoolSettings, User
from extensions import db

SCHOOL_ROW = 1
# Every page asks for the school's defaults (for anyone without their own choice):
# each app process keeps them this long, so a change reaches every server within it.
DEFAULTS_SECONDS = 30.0


class SchoolDefaults(NamedTuple):
    default_locale: str
    time_zone: str


class PreferenceError(ValueError):
    """An unknown language or time zone; the message names the field."""


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def check_locale(locale: str) -> str:
    if locale not in languages():
        raise PreferenceError(f"locale: one of {', '.join(languages())}")
    return locale


def check_time_zone(name: str) -> str:
    name = (name or "").strip()
    if name not in time_zone_names():
        raise PreferenceError(f"time_zone: '{name}' is not an IANA time zone name")
    return name


def time_zone_names() -> list[str]:
    return sorted(available_timezones() - {"localtime", "Factory"})


def school_settings() -> SchoolSettings:
    """The stored defaults, or the configuration's (unsaved) when none are stored."""
    row = db.session.get(SchoolSettings, SCHOOL_ROW)
    if row is not None:
        return row
    return SchoolSettings(id=SCHOOL_ROW,
                          default_locale=current_app.config["BABEL_DEFAULT_LOCALE"],
                          time_zone=current_app.config["BABEL_DEFAULT_TIMEZONE"])


def school_defaults() -> SchoolDefaults:
    """The school's language and zone, read from the database at most every
    DEFAULTS_SECONDS per process (not once per page)."""
    cached = current_app.extensions.get("relay_school_defaults")
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    try:
        row = school_settings()
    except OperationalError:  # the database is down: the 503 page still needs a language
        db.session.rollback()
        return SchoolDefaults(current_app.config["BABEL_DEFAULT_LOCALE"],
                              current_app.config["BABEL_DEFAULT_TIMEZONE"])
    defaults = SchoolDefaults(row.default_locale, row.time_zone)
    current_app.extensions["relay_school_defaults"] = (time.monotonic() + DEFAULTS_SECONDS,
                                                       defaults)
    return defaults


def update_school_settings(default_locale: str, time_zone: str) -> SchoolSettings:
    check_locale(default_locale)
    check_time_zone(time_zone)
    row = db.session.get(SchoolSettings, SCHOOL_ROW)
    if row is None:
        row = SchoolSettings(id=SCHOOL_ROW, default_locale=default_locale, time_zone=time_zone)
        db.session.add(row)
    row.default_locale, row.time_zone = default_locale, time_zone
    db.session.commit()
    current_app.extensions.pop("relay_school_defaults", None)
    return row


def locale_of(user: User | None) -> str:
    """The language to write to this person in: theirs, else the school's."""
    if user is not None and user.locale in languages():
        return user.locale
    return school_defaults().default_locale


def time_zone_of(user: User | None) -> ZoneInfo:
    """The zone this person reads times in: theirs, else the school's."""
    for name in ((user.time_zone if user is not None else None), school_defaults().time_zone):
        if name:
            try:
                return ZoneInfo(name)
            except (KeyError, ValueError):  # a zone the system no longer knows
                continue
    return ZoneInfo("UTC")


def local_day(moment: datetime, user: User | None = None) -> date:
    """The calendar day a stored (naive UTC) moment falls on where this person is: in
    their zone, else the school's (user None: the school's)."""
    return moment.replace(tzinfo=UTC).astimezone(time_zone_of(user)).date()


def local_today(user: User | None = None) -> date:
    """Today on the calendar of this person's zone, else the school's (user None).

    A due date is a day in the school's zone: a course is overdue once the school's day
    is past it, so due dates, overdue badges, reminders, survey cycles and the API ask
    local_today(). A report is cut off at the end of its reader's day and counts overdue
    against that day: local_today(reader). Times stay stored in UTC."""
    return local_day(clock.utcnow(), user)


def set_preferences(user: User, locale: str, time_zone: str | None) -> None:
    """A person's own language, and their zone (None or "": the school's)."""
    user.locale = check_locale(locale)
    user.time_zone = check_time_zone(time_zone) if time_zone else None
    db.session.commit()


def remember_locale(user: User, locale: str) -> None:
    """On first use, keep the language the person is reading in, so that emails
    reach them in it too. A language they chose already is never overwritten."""
    if user.locale is None and locale in languages():
        user.locale = locale
        db.session.commit()


def remember_time_zone(user: User, browser_zone: str | None) -> bool:
    """At sign-in, keep the zone the browser reports for someone without one, so their
    times and report days are theirs from the first page on (as many LMSs do at first
    sign-in; without JavaScript nothing is reported and the school's zone applies).

    A zone the person chose is never overwritten. The school's own zone is not stored:
    they keep following the school's, should it move. Anything that is not an IANA name
    is ignored (the value comes from the client). One edge: someone who picks "the
    school's time zone" while their browser is elsewhere gets the browser's back at the
    next sign-in; picking the school's zone by name keeps it. True when saved."""
    if user.time_zone or not browser_zone:
        return False
    try:
        name = check_time_zone(browser_zone)
    except PreferenceError:
        return False
    if name == school_defaults().time_zone:
        return False
    user.time_zone = name
    db.session.commit()
    return True
