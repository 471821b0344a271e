"""Configuration: defaults, then the instance folder, then the environment, then overrides.

The secret key is the one value that must never be committed: when neither the
environment nor the caller gives one, a random key is generated once into the
instance folder and reused from then on, so sessions survive restarts.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_KEYS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_FROM",
    "MAIL_USE_TLS",
    "COOKIE_SECURE",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "RATELIMIT_STORAGE_URI",
    "XAPI_ENDPOINT",
    "XAPI_USERNAME",
    "XAPI_PASSWORD",
    "XAPI_ACTIVITY_BASE",
    "XAPI_ACTOR",
    "XAPI_ACCOUNT_HOMEPAGE",
    "API_RATE_LIMIT",
    "EXPORT_RUNNER",
    "EXPORT_REDIS_URL",
    "RATELIMIT_LOGIN",
    "RATELIMIT_LOGIN_PER_ACCOUNT",
    "RATELIMIT_ALLOW_MEMORY_WITH_WORKERS",
    "TRUSTED_PROXIES",
)


DATABASE_CONNECT_TIMEOUT = 5  # seconds

TRUE_WORDS = ("1", "true", "yes", "on")
BOOLEAN_KEYS = ("MAIL_USE_TLS", "COOKIE_SECURE", "RATELIMIT_ALLOW_MEMORY_WITH_WORKERS")


class Defaults:
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled with the instance SQLite file
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    SQLITE_BUSY_TIMEOUT_MS = 15_000
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh_CN")
    CONTENT_DIR = str(Path(__file__).parent / "content")
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # memory:// counts per process: several gunicorn workers need shared storage (Redis),
    # or RATELIMIT_ALLOW_MEMORY_WITH_WORKERS=1 to accept a budget per worker.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ALLOW_MEMORY_WITH_WORKERS = False
    RATELIMIT_LOGIN = "10 per minute"  # failed or not, per client address
    RATELIMIT_LOGIN_PER_ACCOUNT = "10 per minute"  # per email typed, from any address
    # How many proxies (load balancer, nginx) stand in front and append to
    # X-Forwarded-For. 0: the header is ignored, since anyone can send it.
    TRUSTED_PROXIES = 0
    PRIVACY_MIN_GROUP = 5
    QUIZ_PAGE_SIZE = 5
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_FROM = "relay@localhost"
    MAIL_USE_TLS = False
    COOKIE_SECURE = False  # set to 1 behind HTTPS
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    XAPI_ACTIVITY_BASE = "https://relay.example.com/xapi"
    # Exports (reports/jobs.py): a raw list longer than this becomes a background job
    EXPORT_STREAM_MAX_ROWS = 20_000
    EXPORT_KEEP_HOURS = 24  # a finished export file is deleted after this
    EXPORT_RUNNER = "process"  # process (a `flask reports work` child per job) | rq | none
    EXPORT_REDIS_URL: str | None = None  # for EXPORT_RUNNER=rq
    XLSX_SHEET_ROWS = 1_048_576  # Excel's limit per sheet, the header row included
    SCRATCH_MAX_AGE_HOURS = 12  # a scratch folder older than this is swept even if its
    # process looks alive (a reused pid, another machine's folder)


def load_settings(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill app.config in order: defaults, instance/config.py, environment, overrides."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if key in os.environ:
            app.config[key] = os.environ[key]
    for key in BOOLEAN_KEYS:  # "0" from the environment is false
        if isinstance(app.config.get(key), str):
            app.config[key] = app.config[key].strip().lower() in TRUE_WORDS
    if app.config.get("COOKIE_SECURE"):  # served over HTTPS: cookies never go out in clear
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    if app.config.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if overrides:
        app.config.update(overrides)
    _resolve_database_uri(app)
    app.config["TRUSTED_PROXIES"] = _whole_number(app.config["TRUSTED_PROXIES"], "TRUSTED_PROXIES")
    # SQLite's file, `flask db upgrade` and uploads live here, whoever gives the key.
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


class SettingsError(click.ClickException):
    """A setting that cannot work: one line on the command line, an error elsewhere."""


def _whole_number(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise SettingsError(f"{name} must be 0 or more, not {number}")
    return number


def _resolve_database_uri(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = "sqlite:///" + str(Path(app.instance_path) / "relay.db")
    # Heroku-style URLs name the scheme "postgres"; we always use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            uri = "postgresql+psycopg://" + uri[len(prefix):]
    try:
        make_url(uri)
    except ArgumentError:
        raise SettingsError(
            f"cannot read the database URL {uri!r}: set DATABASE_URL to e.g. "
            "postgresql://user@host/relay, or unset it for SQLite in the instance folder"
        ) from None
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if not uri.startswith("sqlite"):
        # After a database restart the pool holds dead connections: test each one as it
        # is lent out, so the first requests after an outage succeed instead of failing.
        # A server that does not answer fails a request in seconds, not minutes.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_pre_ping", True)
        if uri.startswith("postgresql+psycopg"):
            options["connect_args"] = {"connect_timeout": DATABASE_CONNECT_TIMEOUT,
                                       **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _instance_secret_key(instance: Path) -> str:
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


# --- scratch files: temporary files with personal data stay in the instance folder --------

SCRATCH = "scratch"


def private_folder(instance_path: str | Path, name: str) -> Path:
    """instance/<name>, created owner-only (0700) and kept so."""
    folder = Path(instance_path) / name
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


@contextmanager
def scratch_dir(instance_path: str | Path, purpose: str) -> Iterator[Path]:
    """A fresh owner-only folder under instance/scratch, removed when the block ends.

    Its name carries this machine and process (purpose.host.pid.token), so
    sweep_scratch can tell a folder whose process died (a SIGKILL, gunicorn's
    timeout) from one still being written. Files made in it (tempfile, or
    XlsxWriter's tmpdir) are 0600.
    """
    name = f"{purpose}.{socket.gethostname()}.{os.getpid()}.{secrets.token_hex(4)}"
    folder = private_folder(instance_path, SCRATCH) / name
    folder.mkdir(mode=0o700)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep_scratch(instance_path: str | Path, max_age_hours: float) -> list[str]:
    """Remove scratch folders left by a process that died, or older than max_age_hours.

    Returns the names removed. Safe to run at any time from any process: a living
    process's folder on this machine is kept until it is that old.
    """
    root = Path(instance_path) / SCRATCH
    if not root.is_dir():
        return []
    removed, host, oldest = [], socket.gethostname(), time.time() - max_age_hours * 3600
    for entry in root.iterdir():
        parts = entry.name.split(".")
        try:
            here = len(parts) >= 4 and ".".join(parts[1:-2]) == host
            owner = int(parts[-2]) if here else None
            stale = entry.lstat().st_mtime < oldest or (
                owner is not None and not _process_alive(owner))
        except (ValueError, FileNotFoundError):
            stale = False
        if stale or len(parts) < 4:  # not one of ours: nothing else belongs here
            _remove(entry)
            removed.append(entry.name)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)
