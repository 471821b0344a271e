"""Fixtures: app, client, runner, auth, data factories (make_user, make_course, ...), smtp.

Every test that takes `app` runs once on SQLite and once on PostgreSQL. The
PostgreSQL run uses RELAY_TEST_POSTGRES_URL, else 127.0.0.1:5432/test (trust
auth); when neither answers it is skipped with the reason. The schema is built
by the real Alembic migrations, once per backend, in a database created for
the run (dropped at its end).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from datetime import date
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import clock  # noqa: E402
from app import create_app  # noqa: E402
from extensions import db  # noqa: E402
from tests.factories import Factories  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_KIB": 1024,
    "RATELIMIT_ENABLED": False,
    "SERVER_NAME": None,
}


def postgres_url() -> tuple[str | None, str]:
    """The PostgreSQL URL to test against, or None and why not.

    Something listening on 5432 is not enough: the role, its authentication and the
    database must let us in too, or every PostgreSQL test would error instead of skip.
    """
    url = os.environ.get("RELAY_TEST_POSTGRES_URL")
    if url:
        where = "RELAY_TEST_POSTGRES_URL"
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    else:
        try:
            socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        except OSError:
            return None, ("PostgreSQL not reachable at 127.0.0.1:5432 "
                          "and RELAY_TEST_POSTGRES_URL unset")
        url, where = DEFAULT_PG, DEFAULT_PG
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # refused, unknown role, password wanted, no such database
        return None, (f"PostgreSQL at {where} does not let the tests in "
                      f"({_first_line(error)}); set RELAY_TEST_POSTGRES_URL to a server, "
                      "role and database that do")
    finally:
        engine.dispose()
    return url, ""


def _first_line(error: Exception) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def _migrate(uri: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": uri})
    app.instance_path = str(instance)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="head")
        db.engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory):
    """A migrated schema: a template SQLite file, or a PostgreSQL database."""
    base = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        template = base / "template.db"
        _migrate(f"sqlite:///{template}", base)
        yield ("sqlite", template)
        return
    url, reason = postgres_url()
    if url is None:
        pytest.skip(reason)
    try:
        url = _private_database(url)
    except Exception as error:  # e.g. the role may not create databases
        pytest.skip(f"cannot create a test database on PostgreSQL ({_first_line(error)})")
    _migrate(url, base)
    yield ("postgresql", url)
    _drop_database(url)


def _private_database(url: str) -> str:
    """A database of this run's own, so concurrent test runs never drop each other's tables."""
    name = f"relay_test_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def _fresh_uri(database, tmp_path: Path) -> str:
    kind, where = database
    if kind == "sqlite":
        target = tmp_path / "relay.db"
        shutil.copy(where, target)
        return f"sqlite:///{target}"
    engine = create_engine(where)
    with engine.begin() as connection:
        tables = connection.execute(text(
            "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")).scalar()
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return where


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, session and transaction, as in production.

    The test's own session is committed first: its open transaction would otherwise
    hold SQLite's write lock (BEGIN IMMEDIATE) while the request waits for it.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app_factory(database, tmp_path):
    """Make an app on a clean database, with extra settings (e.g. CSRF on)."""
    uri = _fresh_uri(database, tmp_path)
    made = []

    def make(**overrides):
        app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": uri, **overrides})
        app.instance_path = str(tmp_path / "instance")
        app.test_client_class = IsolatedClient
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app) -> Factories:
    return Factories()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = "correct-horse-battery", **extra):
        return self._client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def today() -> date:
    return clock.today()


class Inbox:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 try again later"
        self.received.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's ready check cannot use 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      MAIL_FROM="relay@example.com")
    yield inbox
    controller.stop()
