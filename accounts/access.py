"""Route guards: every view says who may open it, by asking the access policy."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user, login_required


def requires(question: Callable[[Any], bool]) -> Callable:
    """Login, then 403 unless the access policy's question (accounts.policy) says yes:
    `@requires(policy.may_author)`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not question(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next(target: str | None, fallback: str) -> str:
    r"""Only paths on this site: an open redirect would let a phishing link borrow our name.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    "/\t/evil.example" and "/\\evil.example" both lead to another host. Refuse any
    whitespace or control character outright (a newline would also break the
    Location header), then anything urlsplit finds a scheme or host in, as written
    and with backslashes read as slashes.
    """
    if not target or not target.startswith("/"):
        return fallback
    if any(char.isspace() or unicodedata.category(char).startswith("C") for char in target):
        return fallback
    for candidate in (target, target.replace("\\", "/")):
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc or candidate.startswith("//"):
            return fallback
    return target
