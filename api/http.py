"""HTTP glue shared by the API views: JSON errors, token auth, query parameters, pages.

Every error under /api/v1 is `{"error": {"code", "message"[, "details"]}}` with a
stable code. Errors raised inside an API view reach the blueprint's handlers;
requests that match no API route (404, 405) never reach the blueprint, so an
app-level hook rewrites those answers for paths under the API prefix.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial, wraps
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request, url_for
from flask_limiter.util import get_remote_address
from sqlalchemy import Select, func, select
from werkzeug.exceptions import HTTPException

from api import tokens
from api.models import ApiToken
from extensions import MAX_PAGE, db, limiter

PREFIX = "/api/v1"
CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_failed",
    429: "rate_limited", 500: "internal_error",
}
PUBLIC_ENDPOINTS = {"api.openapi_document"}
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str,
                 details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.headers = details, headers or {}


def error_response(status: int, code: str, message: str,
                   details: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def invalid(field: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", f"{field}: {message}",
                    [{"field": field, "message": message}])


# --- errors -------------------------------------------------------------------------------

def setup_blueprint(bp: Blueprint,
                    known_parameters: Callable[[], Mapping[str, frozenset[str]]]) -> None:
    """Once, at import: auth first, JSON errors, and the per-token rate limit.

    `known_parameters()` maps each endpoint name to the query parameters it accepts (the
    OpenAPI document is that list; it is built on this module, so it is passed in).
    """
    bp.before_request(partial(before_api_request, known_parameters))
    bp.register_error_handler(ApiError, _api_error)
    # Flask prefers the app's handler for a status code over a blueprint's handler for
    # a class, so each code the app renders as HTML is claimed here by code too.
    for status in CODES:
        bp.register_error_handler(status, _http_error)
    bp.register_error_handler(HTTPException, _http_error)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(bp)


def register_app_hooks(app: Flask) -> None:
    app.after_request(_json_errors_outside_routes)


def _api_error(error: ApiError) -> Response:
    return error_response(error.status, error.code, error.message, error.details, error.headers)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {}
    if status == 429:
        headers["Retry-After"] = str(_retry_after())
        message = f"rate limit exceeded ({error.description}); retry later"
    elif status == 405:
        headers["Allow"] = ", ".join(getattr(error, "valid_methods", None) or [])
        message = "this method is not allowed on this resource"
    elif status == 404:
        message = "not found"
    elif status == 500:
        message = "internal error"
    else:
        message = error.description or error.name
    return error_response(status, CODES.get(status, f"http_{status}"), message, headers=headers)


def _retry_after() -> int:
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def _json_errors_outside_routes(response: Response) -> Response:
    """A 404 or 405 for an API path that matched no route is answered in JSON too."""
    if (response.status_code < 400 or request.blueprint is not None
            or not (request.path == PREFIX or request.path.startswith(PREFIX + "/"))
            or response.mimetype == "application/json"):
        return response
    status = response.status_code
    message = {404: "no such API resource", 405: "this method is not allowed on this resource"}
    replaced = error_response(status, CODES.get(status, f"http_{status}"),
                              message.get(status, "request failed"))
    if "Allow" in response.headers:
        replaced.headers["Allow"] = response.headers["Allow"]
    return replaced


# --- authentication -----------------------------------------------------------------------

def current_token() -> ApiToken | None:
    """The token the request carries, checked once per request (sessions never count)."""
    if "api_token_checked" not in g:
        g.api_token_checked = True
        g.api_token = None
        scheme, _, secret = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() == "bearer" and secret.strip():
            g.api_token = tokens.authenticate(secret.strip())
    return g.api_token


def rate_limit_key() -> str:
    token = current_token()
    return f"api-token:{token.id}" if token is not None else f"api-ip:{get_remote_address()}"


def before_api_request(known_parameters: Callable[[], Mapping[str, frozenset[str]]]) -> None:
    """Before every API view: no NUL characters anywhere, only the query parameters the
    endpoint knows, then a usable bearer token, or 401."""
    if "\x00" in request.path:
        raise ApiError(400, "invalid_parameter", "the path contains a NUL character")
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            raise invalid(name.replace("\x00", ""), "contains a NUL character")
    if request.endpoint is None:
        return
    known = known_parameters().get(request.endpoint.split(".", 1)[1], frozenset())
    unknown = sorted(set(request.args) - known)
    if unknown:
        raise invalid(unknown[0], "unknown query parameter"
                      + (f" (known: {', '.join(sorted(known))})" if known else ""))
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    if current_token() is None:
        raise ApiError(401, "unauthorized", "a valid API token is required "
                       "(Authorization: Bearer <token>)",
                       headers={"WWW-Authenticate": 'Bearer realm="relay"'})


def require_scope(scope: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        # read by the OpenAPI test; a function's own attribute, which Callable does not type
        view.required_scope = scope  # type: ignore[attr-defined]

        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            token = current_token()
            if token is None or scope not in token.scope_set:
                raise ApiError(403, "insufficient_scope", f"this token lacks the scope {scope}",
                               headers={"WWW-Authenticate":
                                        f'Bearer realm="relay", error="insufficient_scope", '
                                        f'scope="{scope}"'})
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- query parameters and bodies ----------------------------------------------------------

def int_param(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not WHOLE_NUMBER.fullmatch(raw):
        raise invalid(name, "must be a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise invalid(name, f"must be from {low} to {high}")
    return value


def bool_param(name: str, default: bool | None) -> bool | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    if raw not in ("true", "false"):
        raise invalid(name, "must be true or false")
    return raw == "true"


def choice_param(name: str, choices: Sequence[str]) -> str | None:
    raw = request.args.get(name)
    if raw is not None and raw not in choices:
        raise invalid(name, f"must be one of {', '.join(choices)}")
    return raw


def str_param(name: str, max_length: int = 320) -> str | None:
    raw = request.args.get(name)
    if raw is not None and not 1 <= len(raw) <= max_length:
        raise invalid(name, f"must have 1 to {max_length} characters")
    return raw


def datetime_param(name: str) -> datetime | None:
    raw = request.args.get(name)
    return None if raw is None else parse_datetime(raw, name)


def parse_datetime(raw: str, field: str) -> datetime:
    """ISO 8601 date-time (RFC 3339) as naive UTC; a value without offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(raw.strip())
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise invalid(field, "must be an ISO 8601 date-time, e.g. 2026-01-31T08:00:00Z") from None
    return value


def json_body() -> Any:
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "invalid_json", "the body is not valid JSON")
    return data


# --- pages ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int


def paginate(query: Select, *, scalars: bool = True) -> Page:
    page = int_param("page", 1, 1, MAX_PAGE) or 1
    per_page = int_param("per_page", current_app.config["API_PAGE_SIZE"], 1,
                         current_app.config["API_MAX_PAGE_SIZE"]) or 1
    total = db.session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery())) or 0
    window = query.limit(per_page).offset((page - 1) * per_page)
    rows = db.session.scalars(window).all() if scalars else db.session.execute(window).all()
    return Page(list(rows), page, per_page, total)


def page_response(page: Page, data: list[dict[str, Any]]) -> Response:
    pages = max(1, math.ceil(page.total / page.per_page))

    def link(number: int) -> str | None:
        if not 1 <= number <= pages or number == page.page:
            return None
        args: dict[str, Any] = {**request.args.to_dict(), "page": number}
        return url_for(request.endpoint or "", **(request.view_args or {}), **args)

    return jsonify({
        "data": data,
        "meta": {"page": page.page, "per_page": page.per_page, "total": page.total,
                 "pages": pages},
        "links": {"next": link(page.page + 1), "prev": link(page.page - 1)},
    })
