"""The xAPI 1.0.3 statement rules the tests hold Relay's statements to.

Written from the specification (Part Two: Experience API Data): required
properties, one inverse functional identifier per agent, IRIs, UUIDs, ISO 8601
timestamps and durations, score ranges, language maps.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlsplit

ADL_VERBS = {
    "abandoned", "answered", "asked", "attempted", "attended", "commented", "completed",
    "exited", "experienced", "failed", "imported", "initialized", "interacted", "launched",
    "mastered", "passed", "preferred", "progressed", "registered", "responded", "resumed",
    "satisfied", "scored", "shared", "suspended", "terminated", "voided", "waived",
}
STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                  "authority", "version", "attachments"}
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
CONTEXT_KEYS = {"registration", "instructor", "team", "contextActivities", "revision",
                "platform", "language", "statement", "extensions"}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$")
TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


def is_iri(value: Any) -> bool:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def is_uuid(value: Any) -> bool:
    try:
        parsed = uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return str(parsed) == value and parsed.variant == uuid.RFC_4122


def check_statement(statement: dict[str, Any]) -> list[str]:
    """Every rule the statement breaks (an empty list: it is a valid xAPI 1.0.3 statement)."""
    problems: list[str] = []
    unknown = set(statement) - STATEMENT_KEYS
    if unknown:
        problems.append(f"unknown properties {sorted(unknown)}")
    for key in ("id", "actor", "verb", "object", "timestamp"):
        if key not in statement:
            problems.append(f"{key} is required")
    if "id" in statement and not is_uuid(statement["id"]):
        problems.append("id is not a UUID")
    for key in ("timestamp", "stored"):
        if key in statement and not TIMESTAMP.match(str(statement[key])):
            problems.append(f"{key} is not an ISO 8601 timestamp with a time zone")
    problems += _agent(statement.get("actor"), "actor")
    problems += _verb(statement.get("verb"))
    problems += _activity(statement.get("object"), "object")
    if "result" in statement:
        problems += _result(statement["result"])
    if "context" in statement:
        problems += _context(statement["context"])
    return problems


def _language_map(value: Any, where: str) -> list[str]:
    if not isinstance(value, dict) or not value:
        return [f"{where} is not a language map"]
    return [f"{where} has a bad language tag {k!r}" for k, v in value.items()
            if not LANGUAGE_TAG.match(k) or not isinstance(v, str)]


def _agent(agent: Any, where: str) -> list[str]:
    if not isinstance(agent, dict):
        return [f"{where} is not an object"]
    problems = []
    if agent.get("objectType", "Agent") != "Agent":
        problems.append(f"{where}.objectType must be Agent")
    present = [key for key in IFIS if key in agent]
    if len(present) != 1:
        problems.append(f"{where} needs exactly one identifier, has {present}")
    if "mbox" in agent and not re.match(r"^mailto:[^@\s]+@[^@\s]+$", str(agent["mbox"])):
        problems.append(f"{where}.mbox is not a mailto: IRI")
    if "account" in agent:
        account = agent["account"]
        if not (isinstance(account, dict) and is_iri(account.get("homePage"))
                and isinstance(account.get("name"), str) and account["name"]):
            problems.append(f"{where}.account needs homePage (IRL) and name")
    if "name" in agent and not isinstance(agent["name"], str):
        problems.append(f"{where}.name is not a string")
    return problems


def _verb(verb: Any) -> list[str]:
    if not isinstance(verb, dict) or not is_iri(verb.get("id")):
        return ["verb.id is not an IRI"]
    problems = []
    prefix = "http://adlnet.gov/expapi/verbs/"
    if not verb["id"].startswith(prefix) or verb["id"][len(prefix):] not in ADL_VERBS:
        problems.append(f"verb {verb['id']} is not in the ADL vocabulary")
    if "display" in verb:
        problems += _language_map(verb["display"], "verb.display")
    return problems


def _activity(activity: Any, where: str) -> list[str]:
    if not isinstance(activity, dict):
        return [f"{where} is not an object"]
    problems = []
    if activity.get("objectType", "Activity") != "Activity":
        problems.append(f"{where}.objectType must be Activity")
    if not is_iri(activity.get("id")):
        problems.append(f"{where}.id is not an IRI")
    definition = activity.get("definition")
    if definition is not None:
        if "type" in definition and not is_iri(definition["type"]):
            problems.append(f"{where}.definition.type is not an IRI")
        for key in ("name", "description"):
            if key in definition:
                problems += _language_map(definition[key], f"{where}.definition.{key}")
        problems += _interaction(definition, f"{where}.definition")
    return problems


INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching",
                     "performance", "sequencing", "likert", "numeric", "other"}
# which component lists each interaction type may have (Data 4.1.4.1, Table 4.1.4.1.3)
COMPONENTS = {"choice": {"choices"}, "sequencing": {"choices"}, "likert": {"scale"},
              "matching": {"source", "target"}, "performance": {"steps"}}


def _interaction(definition: dict[str, Any], where: str) -> list[str]:
    kind = definition.get("interactionType")
    lists = {"choices", "scale", "source", "target", "steps"} & set(definition)
    if kind is None:
        return [f"{where} has {sorted(lists)} without interactionType"] if lists else []
    if kind not in INTERACTION_TYPES:
        return [f"{where}.interactionType {kind!r} is not an xAPI interaction type"]
    problems = [f"{where}.{name} is not allowed for {kind}"
                for name in lists - COMPONENTS.get(kind, set())]
    for name in lists:
        ids = []
        for index, component in enumerate(definition[name]):
            here = f"{where}.{name}[{index}]"
            if not isinstance(component.get("id"), str) or " " in component["id"]:
                problems.append(f"{here}.id is not an identifier")
            ids.append(component.get("id"))
            if "description" in component:
                problems += _language_map(component["description"], f"{here}.description")
        if len(set(ids)) != len(ids):
            problems.append(f"{where}.{name} repeats an id")
    pattern = definition.get("correctResponsesPattern", [])
    if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
        problems.append(f"{where}.correctResponsesPattern is not a list of strings")
    return problems


def _extensions(value: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where} is not an object"]
    return [f"{where} key {k!r} is not an IRI" for k in value if not is_iri(k)]


def _result(result: Any) -> list[str]:
    if not isinstance(result, dict):
        return ["result is not an object"]
    problems = [f"result has unknown {k}" for k in result if k not in RESULT_KEYS]
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            problems.append(f"result.{key} is not a boolean")
    if "response" in result and not isinstance(result["response"], str):
        problems.append("result.response is not a string")
    if "duration" in result and not DURATION.match(str(result["duration"])):
        problems.append(f"result.duration {result['duration']!r} is not an ISO 8601 duration")
    if "extensions" in result:
        problems += _extensions(result["extensions"], "result.extensions")
    if "score" in result:
        problems += _score(result["score"])
    return problems


def _score(score: Any) -> list[str]:
    if not isinstance(score, dict) or not score:
        return ["result.score is not an object"]
    problems = [f"result.score has unknown {k}" for k in score
                if k not in ("scaled", "raw", "min", "max")]
    numbers = {k: v for k, v in score.items() if k in ("scaled", "raw", "min", "max")}
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in numbers.values()):
        return [*problems, "result.score values must be numbers"]
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        problems.append("result.score.scaled is outside -1..1")
    if "min" in numbers and "max" in numbers and not numbers["min"] < numbers["max"]:
        problems.append("result.score.min is not below max")
    if "raw" in numbers:
        if "min" in numbers and numbers["raw"] < numbers["min"]:
            problems.append("result.score.raw is below min")
        if "max" in numbers and numbers["raw"] > numbers["max"]:
            problems.append("result.score.raw is above max")
    return problems


def _context(context: Any) -> list[str]:
    if not isinstance(context, dict):
        return ["context is not an object"]
    problems = [f"context has unknown {k}" for k in context if k not in CONTEXT_KEYS]
    if "registration" in context and not is_uuid(context["registration"]):
        problems.append("context.registration is not a UUID")
    if "platform" in context and not isinstance(context["platform"], str):
        problems.append("context.platform is not a string")
    activities = context.get("contextActivities", {})
    if not isinstance(activities, dict):
        return [*problems, "context.contextActivities is not an object"]
    for key, value in activities.items():
        if key not in CONTEXT_ACTIVITY_KEYS:
            problems.append(f"contextActivities has unknown {key}")
            continue
        for index, activity in enumerate(value if isinstance(value, list) else [value]):
            problems += _activity(activity, f"context.contextActivities.{key}[{index}]")
    if "extensions" in context:
        problems += _extensions(context["extensions"], "context.extensions")
    return problems
