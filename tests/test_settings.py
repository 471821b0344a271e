"""Settings: environment overrides, the generated secret key, locale outside requests,
the gunicorn config."""

from __future__ import annotations

import gc
import runpy
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask_babel import gettext
from gunicorn.config import Config

from app import create_app
from extensions import db
from settings import SettingsError, load_settings
from sqlite_concurrency import INLINE_CHECKPOINT_PAGES
from tests.conftest import TEST_SETTINGS


def fresh_app(tmp_path) -> Flask:
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    load_settings(app, None)
    return app


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = fresh_app(tmp_path).config["SECRET_KEY"]
    key_file = tmp_path / "instance" / "secret_key"
    assert len(first) == 64 and key_file.read_text() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert fresh_app(tmp_path).config["SECRET_KEY"] == first  # reused, not regenerated


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/relay")
    monkeypatch.setenv("MAIL_USE_TLS", "0")
    app = fresh_app(tmp_path)
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/relay"
    assert app.config["MAIL_USE_TLS"] is False
    assert not (tmp_path / "instance" / "secret_key").exists()
    assert app.config["SESSION_COOKIE_SECURE"] is False  # plain http on 127.0.0.1 works
    monkeypatch.setenv("MAIL_USE_TLS", "True")
    monkeypatch.setenv("COOKIE_SECURE", "1")
    secure = fresh_app(tmp_path).config
    assert secure["MAIL_USE_TLS"] is True
    assert secure["SESSION_COOKIE_SECURE"] and secure["REMEMBER_COOKIE_SECURE"]


def test_translations_work_outside_a_request(tmp_path):
    # CLI commands (reminders, imports) translate without a request or a logged-in user.
    app = create_app({**TEST_SETTINGS,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    with app.app_context():
        assert gettext("Reports") == "Reports"


def test_gunicorn_workers_checkpoint_in_the_background_and_freeze_start_up(tmp_path):
    """gunicorn.conf.py (which gunicorn reads itself), as a worker runs it once its app
    is loaded: WAL checkpoints leave the request path, start-up's objects the GC's."""
    hooks = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    Config().set("post_worker_init", hooks["post_worker_init"])  # gunicorn checks the hook
    app = create_app({**TEST_SETTINGS,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'relay.db'}"})
    gc.unfreeze()
    try:
        hooks["post_worker_init"](SimpleNamespace(wsgi=app, cfg=SimpleNamespace(workers=1)))
        assert gc.get_freeze_count() > 0
        with app.app_context(), db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() \
                == INLINE_CHECKPOINT_PAGES
    finally:
        gc.unfreeze()


def test_trusted_proxies_must_be_a_whole_number(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "two")
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    with pytest.raises(SettingsError, match="TRUSTED_PROXIES must be a whole number"):
        load_settings(app, {"SECRET_KEY": "x"})
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    load_settings(app, {"SECRET_KEY": "x"})
    assert app.config["TRUSTED_PROXIES"] == 2


def test_postgresql_pools_ping_and_time_out(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    load_settings(app, {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "postgresql://u@h/relay"})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True and options["connect_args"]["connect_timeout"] > 0
    assert (tmp_path / "instance").is_dir()  # made although the key was given
