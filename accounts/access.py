"""Route guards: every view says who may open it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str) -> Callable:
    """Login, then 403 unless the user holds one of the roles."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our name.
    ("//host" and "/\\host" are other sites to a browser.)"""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback
