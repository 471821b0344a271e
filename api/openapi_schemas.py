"""JSON Schemas (OpenAPI 3.1, JSON Schema 2020-12) of the API's bodies."""

from __future__ import annotations

from typing import Any

from accounts.models import ROLES
from api.queries import ENROLLMENT_STATUSES
from api.service import API_ROLES
from courses.models import COURSE_STATUSES

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
# Patterns hold in ECMA-262 and in Python alike: \s differs between them on \x1c-\x1f
# and \x85 (spaces to Python's str.strip, which the roster rules use), so those are named.
NO_NUL = r"^[^\x00]*$"  # the API refuses NUL characters anywhere
CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"  # a new department's code (api.service.CODE_PATTERN)
_BLANK = r"\s\x00\x1c-\x1f\x85"
WORDS = rf"^[^\x00]*[^{_BLANK}][^\x00]*$"  # names: more than spaces
EMAIL = rf"^[^@{_BLANK}]+@[^@{_BLANK}]+\.[^@{_BLANK}]+$"  # accounts.roster.EMAIL_PATTERN


def text(max_length: int, pattern: str = NO_NUL, min_length: int = 1) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length,
            "pattern": pattern}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: list[str] | None = None, *,
        closed: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "required": list(properties) if required is None else required}
    if closed:
        schema["additionalProperties"] = False
    return schema


def page_of(item: str) -> dict[str, Any]:
    return obj({"data": {"type": "array", "items": ref(item)}, "meta": ref("PageMeta"),
                "links": ref("PageLinks")})


STATUS = {"type": "string", "enum": ["not_started", "in_progress", "completed"]}

SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": obj({
        "code": {**STRING, "description": "stable, machine-readable"},
        "message": {**STRING, "description": "for people; may change"},
        "details": {"type": "array", "items": {"type": "object"}},
    }, ["code", "message"])}),
    "PageMeta": obj({"page": {**INTEGER, "minimum": 1}, "per_page": {**INTEGER, "minimum": 1},
                     "total": {**INTEGER, "minimum": 0}, "pages": {**INTEGER, "minimum": 1}}),
    "PageLinks": obj({"next": nullable(STRING), "prev": nullable(STRING)}),
    "BulkResult": obj({
        "created": {"type": "array", "items": STRING},
        "updated": {"type": "array", "items": STRING},
        "unchanged": {"type": "array", "items": STRING},
    }),
    "RowError": obj({"index": {**INTEGER, "description": "0-based row; -1 for the request"},
                     "key": nullable(STRING), "field": STRING, "message": STRING}),
    "Department": obj({"id": INTEGER, "code": STRING, "name": STRING,
                       "parent": nullable(STRING)}),
    "DepartmentInput": obj({"code": text(64, CODE), "name": text(200, WORDS),
                            "parent": {**nullable(text(64, WORDS)),
                                       "description": "the parent's code; null: move to "
                                                      "the top of the tree; omitted: kept "
                                                      "(the top for a new department)"}},
                           ["code", "name"]),
    "DepartmentUpsert": obj({"departments": {"type": "array", "minItems": 1,
                                             "maxItems": 1000,
                                             "items": ref("DepartmentInput")}}),
    "User": obj({"id": INTEGER, "email": STRING, "name": STRING,
                 "department": nullable(STRING),
                 "roles": {"type": "array", "items": {**STRING, "enum": list(ROLES)}},
                 "hire_date": nullable(DATE), "active": BOOLEAN, "locale": nullable(STRING),
                 "created_at": nullable(DATETIME)}),
    "UserRef": obj({"id": INTEGER, "email": STRING, "name": STRING}),
    "UserInput": obj({
        "email": text(320, EMAIL, 5),
        "name": text(200, WORDS),
        "department": {**text(64, CODE), "description": "department code"},
        "hire_date": {**nullable(DATE), "description": "omitted: kept; null: cleared"},
        "roles": {"type": "array",
                  "items": {**STRING, "enum": [r for r in ROLES if r in API_ROLES]},
                  "description": "omitted: kept (learner for a new user); null is refused; "
                                 "admin accounts are neither made nor changed through the "
                                 "API"},
        "active": {**BOOLEAN, "description": "false deactivates a leaver; omitted: kept; "
                                             "null is refused"},
    }, ["email", "name", "department"]),
    "UserUpsert": obj({"users": {"type": "array", "minItems": 1, "maxItems": 1000,
                                 "items": ref("UserInput")}}),
    "Course": obj({"id": INTEGER, "slug": STRING, "title": STRING,
                   "title_en": nullable(STRING), "summary": STRING,
                   "status": {**STRING, "enum": list(COURSE_STATUSES)},
                   "estimated_minutes": INTEGER, "updated_at": nullable(DATETIME),
                   "activity_id": {**STRING, "format": "iri"}}),
    "OutlineItem": obj({"id": INTEGER, "position": INTEGER,
                        "kind": {**STRING, "enum": ["lesson", "quiz"]},
                        "slug": nullable(STRING), "title": STRING, "required": BOOLEAN,
                        "reading_minutes": nullable(INTEGER),
                        "pass_mark": {"type": ["number", "null"]},
                        "activity_id": nullable(STRING)}),
    "Assignment": obj({"id": INTEGER, "course": STRING, "department": nullable(STRING),
                       "include_subtree": BOOLEAN, "due_date": nullable(DATE),
                       "due_days": nullable(INTEGER),
                       "due_from": {**STRING, "enum": ["hire", "assignment"]},
                       "created_at": nullable(DATETIME)}),
    "AssignmentInput": obj({
        "course": {**text(100), "description": "course slug"},
        "department": {**nullable(text(64)),
                       "description": "department code; null or omitted: everyone"},
        "include_subtree": BOOLEAN,
        "due_date": nullable(DATE),
        "due_days": nullable({**INTEGER, "minimum": 0, "maximum": 3650}),
        "due_from": {**STRING, "enum": ["hire", "assignment"]},
    }, ["course"]),
    "AssignmentCreated": obj({"assignment": ref("Assignment"),
                              "enrollments_created": {**INTEGER, "minimum": 0}}),
    "Enrollment": obj({
        "id": INTEGER, "user": ref("UserRef"), "department": nullable(STRING),
        "course": STRING, "source": STRING, "status": STATUS, "overdue": BOOLEAN,
        "due_date": nullable(DATE), "enrolled_at": nullable(DATETIME),
        "started_at": nullable(DATETIME), "completed_at": nullable(DATETIME),
        "completed_department": {**nullable(STRING),
                                 "description": "the learner's department when completing"},
        "updated_at": nullable(DATETIME)}),
    "Completion": obj({"enrollment_id": INTEGER, "user": ref("UserRef"), "course": STRING,
                       "completed_at": DATETIME, "department": nullable(STRING)}),
    "TranscriptQuiz": obj({"slug": nullable(STRING), "title": nullable(STRING),
                           "required": BOOLEAN, "attempts": {**INTEGER, "minimum": 0},
                           "score": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
                           "passed": nullable(BOOLEAN)}),
    "TranscriptCourse": obj({
        "course": obj({"slug": STRING, "title": STRING, "title_en": nullable(STRING)}),
        "source": STRING, "status": STATUS, "overdue": BOOLEAN, "due_date": nullable(DATE),
        "enrolled_at": nullable(DATETIME), "started_at": nullable(DATETIME),
        "completed_at": nullable(DATETIME), "completed_department": nullable(STRING),
        "required_items": INTEGER, "required_done": INTEGER,
        "percent": {**INTEGER, "minimum": 0, "maximum": 100}, "lessons_read": INTEGER,
        "quizzes": {"type": "array", "items": ref("TranscriptQuiz")}}),
    "Transcript": obj({"user": ref("User"),
                       "courses": {"type": "array", "items": ref("TranscriptCourse")}}),
    "Statement": obj({
        "id": {**STRING, "format": "uuid"}, "actor": {"type": "object"},
        "verb": obj({"id": STRING, "display": {"type": "object"}}),
        "object": {"type": "object"}, "result": {"type": "object"},
        "context": {"type": "object"}, "timestamp": DATETIME, "stored": DATETIME,
    }, ["id", "actor", "verb", "object", "timestamp", "stored"], closed=False),
    "StatementResult": obj({"statements": {"type": "array", "items": ref("Statement")},
                            "more": {**STRING, "description": "next page's URL, or empty"}}),
}
for _name in ("Department", "User", "Course", "Assignment", "Enrollment", "Completion"):
    SCHEMAS[f"{_name}Page"] = page_of(_name)
FIGURE = obj({"n": {**INTEGER, "description": "answers behind the value (0 when hidden)"},
              "value": nullable({"type": "number"})})
SCHEMAS.update({
    "SurveyCycle": obj({"id": INTEGER, "title": STRING, "opens_on": DATE, "closes_on": DATE,
                        "status": {**STRING, "enum": ["scheduled", "open", "closed"]},
                        "departments": {"type": "array", "items": obj(
                            {"id": INTEGER, "code": STRING, "name": STRING},
                            )}}),
    "SurveyCycleList": obj({"cycles": {"type": "array", "items": ref("SurveyCycle")}}),
    "SurveyResults": obj({
        "cycle": ref("SurveyCycle"),
        "privacy_threshold": INTEGER,
        "matrix": {"type": "array", "items": obj({
            "supplier_id": INTEGER, "customer_id": nullable(INTEGER),
            "respondents": nullable(INTEGER), "overall": nullable({"type": "number"})})},
        "scorecards": {"type": "array", "items": obj({
            "department_id": INTEGER, "shown": BOOLEAN, "respondents": INTEGER,
            "overall": FIGURE, "loyalty": FIGURE, "nps": FIGURE,
            "factors": {"type": "object", "additionalProperties": FIGURE},
            "pledges": {"type": "array", "items": obj({"statement": STRING,
                                                       "figure": FIGURE})}})},
        "response_rates": {"type": "array", "items": obj({
            "department_id": INTEGER, "members": INTEGER, "answered": INTEGER})},
    }),
})
SCHEMAS["CourseDetail"] = {**SCHEMAS["Course"], "properties": {
    **SCHEMAS["Course"]["properties"],
    "outline": {"type": "array", "items": ref("OutlineItem")}},
    "required": [*SCHEMAS["Course"]["required"], "outline"]}

ENROLLMENT_FILTER_STATUSES = list(ENROLLMENT_STATUSES)
