"""The OpenAPI 3.1 document served at /api/v1/openapi.json.

Each operation's `operationId` is its view's endpoint name in the `api` blueprint;
tests/api/test_openapi_contract.py checks that every route is described here, that
every operation described exists, and that the scopes written here are the ones
the views require.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from accounts.models import ROLES
from api.openapi_schemas import (
    BOOLEAN,
    DATETIME,
    ENROLLMENT_FILTER_STATUSES,
    INTEGER,
    SCHEMAS,
    STRING,
    ref,
    text,
)
from api.tokens import SCOPES
from courses.models import COURSE_STATUSES
from extensions import MAX_PAGE

ERRORS = {
    "400": "a query parameter or the body is malformed (code invalid_parameter, invalid_json)",
    "401": "no token, or an unknown, revoked or expired one (code unauthorized)",
    "403": "the token lacks the scope (code insufficient_scope)",
    "404": "no such resource (code not_found)",
    "409": "a concurrent request changed the same rows; nothing was written (code conflict)",
    "415": "the body is not application/json (code unsupported_media_type)",
    "422": "the body breaks a rule; nothing was written (code validation_failed, details)",
    "429": "too many requests for this token (code rate_limited); see Retry-After",
}
DESCRIPTION = """\
Relay's API for other systems: roster sync from an HR system, course and
assignment data, enrollment and completion reports, xAPI statements, and the
aggregate results of internal-customer surveys.

**Authentication**: `Authorization: Bearer <token>`. Tokens are created by an
admin (Admin > API tokens, or `flask api token create --name N --scope S`),
shown once, stored hashed, scoped and revocable. Browser sessions do not
authenticate here.

**Errors** are JSON: `{"error": {"code": "...", "message": "..."}}`; `code` is
stable. Validation errors list `details`, one entry per row and field.

**Pages**: `page` (from 1) and `per_page`; answers carry `meta` (total, pages)
and `links` (next, prev).

**Incremental pulls**: enrollments take `updated_since` (inclusive). Keep the
largest `updated_at` you saw and ask again from a little before it: rows are
stamped when their transaction runs, not when it commits.
"""


def _param(name: str, where: str, schema: dict[str, Any], description: str,
           required: bool = False, example: Any = None) -> dict[str, Any]:
    param = {"name": name, "in": where, "required": required or where == "path",
             "schema": schema, "description": description}
    if example is not None:
        param["example"] = example
    return param


PAGE = [
    _param("page", "query", {**INTEGER, "minimum": 1, "maximum": MAX_PAGE, "default": 1},
           "page number, from 1"),
    _param("per_page", "query", {**INTEGER, "minimum": 1, "maximum": 200, "default": 50},
           "items per page"),
]
DEPARTMENT_FILTER = [
    _param("department", "query", text(64),
           "department code"),
    _param("include_subtree", "query", {**BOOLEAN, "default": True},
           "with `department`: include the departments below it"),
]
USER_ID = _param("user_id", "path", {**INTEGER, "minimum": 1, "maximum": 2147483647},
                 "user id", example=1)
COURSE = _param("course", "query", text(100), "course slug")


def _operation(op_id: str, summary: str, scope: str | None, ok: tuple[str, str, str], *,
               params: list[dict[str, Any]] | None = None, body: str | None = None,
               description: str | None = None) -> dict[str, Any]:
    status, schema, ok_text = ok
    responses: dict[str, Any] = {status: {"description": ok_text, "content": {
        "application/json": {"schema": ref(schema)}}}}
    codes = ["400"] if params or body else []
    if scope is not None:
        codes += ["401", "403"]
    if any(p["in"] == "path" for p in params or []):
        codes.append("404")
    if body:
        codes += ["409", "415", "422"]
    codes.append("429")
    for code in sorted(set(codes)):
        responses[code] = {"description": ERRORS[code],
                           "content": {"application/json": {"schema": ref("Error")}}}
    operation: dict[str, Any] = {"operationId": op_id, "summary": summary,
                                 "responses": responses}
    if description:
        operation["description"] = description
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": ref(body)}}}
    if scope is None:
        operation["security"] = []
    else:
        operation["security"] = [{"bearerToken": [scope]}]
        operation["x-required-scope"] = scope
    return operation


def _paths() -> dict[str, Any]:
    return {
        "/openapi.json": {"get": _operation(
            "openapi_document", "This document", None, ("200", "OpenApi", "the document"))},
        "/departments": {
            "get": _operation("list_departments", "List departments", "roster:read",
                              ("200", "DepartmentPage", "a page of departments"), params=[
                                  _param("parent", "query",
                                         text(64),
                                         "only the children of this department code"),
                                  *PAGE]),
            "put": _operation("upsert_departments", "Create or update departments by code",
                              "roster:write", ("200", "BulkResult", "all rows applied"),
                              body="DepartmentUpsert",
                              description="All rows or none. A parent may be another row."),
        },
        "/departments/{code}": {"get": _operation(
            "get_department", "One department", "roster:read",
            ("200", "Department", "the department"),
            params=[_param("code", "path", text(64),
                           "department code", example="ops")])},
        "/users": {
            "get": _operation("list_users", "List users", "roster:read",
                              ("200", "UserPage", "a page of users"), params=[
                                  *DEPARTMENT_FILTER,
                                  _param("active", "query", BOOLEAN,
                                         "only active (true) or deactivated (false) users"),
                                  _param("role", "query", {**STRING, "enum": list(ROLES)},
                                         "only users holding this role"),
                                  _param("email", "query",
                                         text(320),
                                         "exact email (case-insensitive)"),
                                  *PAGE]),
            "put": _operation(
                "upsert_users", "Roster sync: create or update users by email", "roster:write",
                ("200", "BulkResult", "all rows applied (emails per outcome)"),
                body="UserUpsert",
                description="All rows or none: a bad row writes nothing and is reported in "
                            "`details` with its index, email and field. A changed "
                            "department is a transfer. `active: false` deactivates a leaver."),
        },
        "/users/{user_id}": {"get": _operation(
            "get_user", "One user", "roster:read", ("200", "User", "the user"),
            params=[USER_ID])},
        "/users/{user_id}/deactivate": {"post": _operation(
            "deactivate_user", "Deactivate a leaver", "roster:write",
            ("200", "User", "the user, deactivated"), params=[USER_ID],
            description="Ends their sessions and stops new enrollments; keeps every "
                        "enrollment, attempt, grade and statement. Idempotent. Admin accounts "
                        "are refused (403 `admin_account`).")},
        "/users/{user_id}/transcript": {"get": _operation(
            "user_transcript", "A learner's transcript", "reports:read",
            ("200", "Transcript", "every enrolled course with progress and quiz grades"),
            params=[USER_ID])},
        "/courses": {"get": _operation(
            "list_courses", "List courses", "courses:read",
            ("200", "CoursePage", "a page of courses"), params=[
                _param("status", "query", {**STRING, "enum": list(COURSE_STATUSES)},
                       "only courses with this status"), *PAGE])},
        "/courses/{slug}": {"get": _operation(
            "get_course", "A course and its outline", "courses:read",
            ("200", "CourseDetail", "the course with its ordered outline"),
            params=[_param("slug", "path", text(100),
                           "course slug", example="course-a")])},
        "/assignments": {
            "get": _operation("list_assignments", "List assignments", "courses:read",
                              ("200", "AssignmentPage", "a page of assignments"), params=[
                                  COURSE,
                                  _param("department", "query",
                                         text(64),
                                         "assignments made to this department code"),
                                  _param("everyone", "query", BOOLEAN,
                                         "true: only assignments to everyone"),
                                  *PAGE]),
            "post": _operation("create_assignment", "Assign a course", "assignments:write",
                               ("201", "AssignmentCreated", "assigned; members enrolled"),
                               body="AssignmentInput",
                               description="Enrolls every active member now; people who "
                                           "join or transfer later are enrolled then."),
        },
        "/enrollments": {"get": _operation(
            "list_enrollments", "List enrollments", "reports:read",
            ("200", "EnrollmentPage", "a page of enrollments"), params=[
                *DEPARTMENT_FILTER, COURSE,
                _param("status", "query", {**STRING, "enum": ENROLLMENT_FILTER_STATUSES},
                       "progress status; overdue: past due and not completed"),
                _param("updated_since", "query", DATETIME,
                       "only enrollments changed at or after this time (UTC if no offset)"),
                _param("user_id", "query", {**INTEGER, "minimum": 1, "maximum": 2147483647},
                       "only this learner"),
                *PAGE])},
        "/completions": {"get": _operation(
            "list_completions", "List completions", "reports:read",
            ("200", "CompletionPage", "a page of completions, oldest first"), params=[
                *DEPARTMENT_FILTER, COURSE,
                _param("since", "query", DATETIME, "completed at or after this time"),
                _param("until", "query", DATETIME, "completed before this time"),
                *PAGE],
            description="`department` filters by the department the learner was in when "
                        "completing, so history stays true after transfers.")},
        "/surveys/cycles": {"get": _operation(
            "list_survey_cycles", "Survey cycles (opened ones)", "surveys:read",
            ("200", "SurveyCycleList", "every cycle that has opened, newest first"),
            description="Departments carry their name and code as they were when the "
                        "cycle opened.")},
        "/surveys/cycles/{cycle_id}/results": {"get": _operation(
            "survey_results", "A survey cycle's aggregate results", "surveys:read",
            ("200", "SurveyResults", "matrix, scorecards and response rates"),
            params=[_param("cycle_id", "path", {**INTEGER, "minimum": 1,
                                                "maximum": 2147483647},
                           "survey cycle id", example=1)],
            description="Closed cycles only (404 before): figures that move while people "
                        "answer would tell who said what. Aggregates only. Every figure of "
                        "a group smaller than "
                        "`privacy_threshold` respondents is null; comments are not sent. "
                        "Nothing identifies a respondent: answers are stored apart from who "
                        "answered.")},
        "/xapi/statements": {"get": _operation(
            "list_statements", "xAPI statements from the outbox", "statements:read",
            ("200", "StatementResult", "an xAPI StatementResult, oldest first"), params=[
                _param("since", "query", DATETIME, "only statements stored after this time"),
                _param("after", "query", {**INTEGER, "minimum": 0, "maximum": 2147483647},
                       "continue after this position (the `more` link sets it)"),
                _param("limit", "query", {**INTEGER, "minimum": 1, "maximum": 500,
                                          "default": 100}, "statements per page"),
            ],
            description="xAPI 1.0.3 statements, written in the same transaction as the "
                        "learning event. Statement ids are UUIDs: deduplicate by id.")},
    }


@cache
def query_parameters() -> dict[str, frozenset[str]]:
    """operationId (= endpoint name) -> the query parameters it accepts."""
    return {operation["operationId"]: frozenset(
        p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
        for item in _paths().values() for operation in item.values()}


def openapi_document() -> dict[str, Any]:
    schemas = {**SCHEMAS, "OpenApi": {"type": "object", "required": ["openapi", "paths"]}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Relay API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "tags": [],
        "paths": _paths(),
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerToken": {
                "type": "http", "scheme": "bearer",
                "description": "Scopes: " + "; ".join(f"`{k}` {v}" for k, v in SCOPES.items()),
            }},
        },
        "security": [{"bearerToken": []}],
    }
