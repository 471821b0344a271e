"""Flask extensions, created unbound here and bound in create_app.

Every package imports its extensions from this module, never from app.py. How SQLite
transactions begin and take the write lock is sqlite_concurrency.py's business; who
commits them is written in docs/development.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase
from werkzeug.routing import IntegerConverter, Map

from sqlite_concurrency import RoutingSession

# Alembic names constraints from this convention, identically on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:
        # Every model maps one Table (none maps a join or a select), which
        # DeclarativeBase types only as a FromClause.
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})

# Models subclass Model, not db.Model: a type checker takes a class, never an instance's
# attribute, as a base. At run time it is db.Model; to the checker, the declarative Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)


def login_account_key() -> str:
    """The per-account login budget: the email typed, from whatever address. (The
    client address is request.remote_addr, which ProxyFix sets from X-Forwarded-For
    only through the TRUSTED_PROXIES the settings name.)"""
    email = (request.form.get("email") or "").strip().casefold()
    return f"account:{email}" if email else get_remote_address()


class SharedRateLimitsNeeded(RuntimeError):
    """Several worker processes would each count rate limits apart."""


def check_rate_limit_storage(config: Any, workers: int) -> None:
    """Refuse to serve with several workers and in-memory counts, unless told to.

    With memory:// every gunicorn worker keeps its own counts, so 4 workers let an
    attacker try 4 times the configured passwords per minute. With rate limits off
    (RATELIMIT_ENABLED false: benchmarks) there are no counts to share.
    """
    if (workers > 1 and config.get("RATELIMIT_ENABLED", True) and str(config["RATELIMIT_STORAGE_URI"]).startswith("memory://")
            and not config["RATELIMIT_ALLOW_MEMORY_WITH_WORKERS"]):
        raise SharedRateLimitsNeeded(
            f"{workers} workers with RATELIMIT_STORAGE_URI=memory:// would each count rate "
            "limits apart: set RATELIMIT_STORAGE_URI=redis://host:6379/0 (shared by every "
            "worker and host), or RATELIMIT_ALLOW_MEMORY_WITH_WORKERS=1 to accept it")


# The largest id our integer columns hold (32-bit on PostgreSQL).
MAX_ID = 2_147_483_647


class IdConverter(IntegerConverter):
    """<int:...> in every route: a number too big for an id is a 404, not an overflow
    deep in the database driver."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


# The highest ?page= any list pages to: the API's bound too (beyond it, offsets overflow).
MAX_PAGE = 1_000_000


def page_arg(name: str = "page") -> int:
    """A page number from the address bar, clamped to 1..MAX_PAGE (junk reads as 1)."""
    return min(max(request.args.get(name, 1, type=int), 1), MAX_PAGE)
