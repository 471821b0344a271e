"""The JSON API under /api/v1: thin glue between HTTP and the services.

Each view states its scope with `require_scope`; the OpenAPI document in
api/openapi.py describes each one under its endpoint name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

import clock
from accounts import service as accounts
from accounts.models import ROLES, User
from api import assignments, http, queries, service, xapi
from api.http import (
    ApiError,
    bool_param,
    choice_param,
    datetime_param,
    int_param,
    json_body,
    page_response,
    paginate,
    require_scope,
    str_param,
)
from api.models import XapiStatement
from api.openapi import openapi_document as build_openapi
from api.openapi import query_parameters
from api.queries import iso
from courses.models import COURSE_STATUSES, Course
from extensions import db

bp = Blueprint("api", __name__, url_prefix=http.PREFIX)
http.setup_blueprint(bp, query_parameters)


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    return jsonify(build_openapi())


def _dept_filter() -> set[int] | None:
    """The ids the `department` (+ `include_subtree`) filter allows; empty for an unknown code."""
    code = str_param("department", 64)
    subtree = bool_param("include_subtree", True)
    if code is None:
        return None
    return queries.department_ids(code, bool(subtree)) or set()


def _course_id_filter() -> int | None:
    slug = str_param("course", 100)
    if slug is None:
        return None
    return db.session.scalar(select(Course.id).where(Course.slug == slug)) or -1


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


# --- departments and users ----------------------------------------------------------------

@bp.get("/departments")
@require_scope("roster:read")
def list_departments() -> ResponseReturnValue:
    parent = str_param("parent", 64)
    parent_ids = None
    if parent is not None:
        department = accounts.get_department_by_code(parent)
        parent_ids = {department.id} if department else set()
    page = paginate(queries.departments_query(parent_ids))
    codes = queries.department_codes()
    return page_response(page, [queries.department_json(d, codes) for d in page.items])


@bp.get("/departments/<code>")
@require_scope("roster:read")
def get_department(code: str) -> ResponseReturnValue:
    department = accounts.get_department_by_code(code) if len(code) <= 64 else None
    if department is None:
        abort(404)
    return jsonify(queries.department_json(department, queries.department_codes()))


@bp.put("/departments")
@require_scope("roster:write")
def upsert_departments() -> ResponseReturnValue:
    rows = _bulk_rows("departments")
    return _bulk(lambda: service.upsert_departments(rows, _max_rows()))


@bp.get("/users")
@require_scope("roster:read")
def list_users() -> ResponseReturnValue:
    query = queries.users_query(
        dept_ids=_dept_filter(), active=bool_param("active", None),
        role=choice_param("role", ROLES),
        email=str_param("email", 320))
    page = paginate(query)
    return page_response(page, [queries.user_json(u) for u in page.items])


@bp.put("/users")
@require_scope("roster:write")
def upsert_users() -> ResponseReturnValue:
    rows = _bulk_rows("users")
    return _bulk(lambda: service.upsert_users(rows, _max_rows()))


@bp.get("/users/<int(max=2147483647):user_id>")
@require_scope("roster:read")
def get_user(user_id: int) -> ResponseReturnValue:
    return jsonify(queries.user_json(_user_or_404(user_id)))


@bp.post("/users/<int(max=2147483647):user_id>/deactivate")
@require_scope("roster:write")
def deactivate_user(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    try:
        service.deactivate_user(user)
    except service.AdminAccountError as error:
        raise ApiError(403, "admin_account", str(error)) from None
    return jsonify(queries.user_json(user))


@bp.get("/users/<int(max=2147483647):user_id>/transcript")
@require_scope("reports:read")
def user_transcript(user_id: int) -> ResponseReturnValue:
    data = service.transcript(_user_or_404(user_id))
    courses = [{key: iso(value) if isinstance(value, date) else value
                for key, value in course.items()} for course in data["courses"]]
    return jsonify({"user": queries.user_json(data["user"]), "courses": courses})


def _max_rows() -> int:
    return int(current_app.config["API_BULK_MAX_ROWS"])


def _bulk_rows(key: str) -> Any:
    body = json_body()
    if not isinstance(body, dict) or key not in body or set(body) != {key}:
        raise ApiError(422, "validation_failed", f'the body must be {{"{key}": [rows]}}',
                       [{"index": -1, "key": None, "field": key,
                         "message": "expected an object with this one field"}])
    return body[key]


def _bulk(apply):
    try:
        result = apply()
    except service.BulkError as error:
        if str(error) == "conflict":
            raise ApiError(409, "conflict", "a concurrent request changed the same rows; "
                           "nothing was written, retry", error.errors) from None
        raise ApiError(422, "validation_failed",
                       f"{str(error)}: {len(error.errors)} problem(s); nothing was written",
                       error.errors) from None
    return jsonify(result.as_dict())


# --- courses and assignments --------------------------------------------------------------

@bp.get("/courses")
@require_scope("courses:read")
def list_courses() -> ResponseReturnValue:
    page = paginate(queries.courses_query(choice_param("status", COURSE_STATUSES)))
    return page_response(page, [queries.course_json(c) for c in page.items])


@bp.get("/courses/<slug>")
@require_scope("courses:read")
def get_course(slug: str) -> ResponseReturnValue:
    course = queries.get_course(slug) if len(slug) <= 100 else None
    if course is None:
        abort(404)
    return jsonify({**queries.course_json(course), "outline": queries.outline_json(course)})


@bp.get("/assignments")
@require_scope("courses:read")
def list_assignments() -> ResponseReturnValue:
    code = str_param("department", 64)
    department_id = None
    if code is not None:
        department = accounts.get_department_by_code(code)
        department_id = department.id if department else -1
    query = queries.assignments_query(_course_id_filter(), department_id,
                                      bool(bool_param("everyone", False)))
    page = paginate(query)
    codes = queries.department_codes()
    return page_response(page, [queries.assignment_json(a, codes) for a in page.items])


@bp.post("/assignments")
@require_scope("assignments:write")
def create_assignment() -> ResponseReturnValue:
    try:
        assignment, created = assignments.create_assignment(json_body())
    except service.BulkError as error:
        raise ApiError(422, "validation_failed", str(error), error.errors) from None
    response = jsonify({"assignment": queries.assignment_json(assignment,
                                                              queries.department_codes()),
                        "enrollments_created": created})
    response.status_code = 201
    return response


# --- enrollments, completions, statements -------------------------------------------------

@bp.get("/enrollments")
@require_scope("reports:read")
def list_enrollments() -> ResponseReturnValue:
    today = clock.today()
    query = queries.enrollments_query(
        dept_ids=_dept_filter(), course_id=_course_id_filter(),
        status=choice_param("status", queries.ENROLLMENT_STATUSES),
        updated_since=datetime_param("updated_since"),
        user_id=int_param("user_id", None, 1, 2147483647), today=today)
    page = paginate(query, scalars=False)
    codes = queries.department_codes()
    return page_response(page, [queries.enrollment_json(e, u, codes, today)
                                for e, u in page.items])


@bp.get("/completions")
@require_scope("reports:read")
def list_completions() -> ResponseReturnValue:
    query = queries.completions_query(
        dept_ids=_dept_filter(), course_id=_course_id_filter(),
        since=datetime_param("since"), until=datetime_param("until"))
    page = paginate(query, scalars=False)
    codes = queries.department_codes()
    return page_response(page, [queries.completion_json(e, u, codes) for e, u in page.items])


@bp.get("/xapi/statements")
@require_scope("statements:read")
def list_statements() -> ResponseReturnValue:
    since = datetime_param("since")
    after = int_param("after", None, 0, 2147483647)
    limit = int_param("limit", 100, 1, 500) or 100
    query = select(XapiStatement).order_by(XapiStatement.id).limit(limit + 1)
    if since is not None:
        query = query.where(XapiStatement.created_at > since)
    if after is not None:
        query = query.where(XapiStatement.id > after)
    rows = list(db.session.scalars(query))
    more = ""
    if len(rows) > limit:
        rows = rows[:limit]
        args: dict[str, Any] = {"after": rows[-1].id, "limit": limit}
        if since is not None:
            args["since"] = xapi.timestamp(since)
        more = url_for("api.list_statements", **args)
    response = jsonify({"statements": [{**row.payload, "stored": xapi.timestamp(row.created_at)}
                                       for row in rows], "more": more})
    response.headers["X-Experience-API-Version"] = "1.0.3"
    return response
