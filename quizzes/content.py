"""Quiz files (YAML) to validated sources, every problem named by file and line.

Parsing only: content import, banks and the web editor save what this returns through
quizzes.service (`apply_quiz`, `save_question`), where the revision rules live.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from courses.models import SLUG, TITLE_MAX
from courses.yamlfile import LineDict, YamlError, line_of, load_yaml
from quizzes.settings import SettingsError, validate_settings
from quizzes.types import QuestionDataError, UnknownQuestionType, get_type

MAX_POINTS = 1000
QUESTION_FIELDS = {"key", "type", "prompt", "points", "tags", "feedback", "data", "title"}


@dataclass
class CaseSource:
    title: str
    text: str


@dataclass
class QuestionSource:
    key: str
    type_id: str
    prompt: str
    data: dict[str, Any]
    points: float = 1.0
    tags: list[str] = field(default_factory=list)
    feedback: str = ""
    case: CaseSource | None = None

    def content(self) -> tuple:
        """What makes two revisions equal."""
        return (self.type_id, self.prompt, self.data, float(self.points), list(self.tags),
                self.feedback)


@dataclass
class QuizSource:
    slug: str
    title: str
    settings: dict[str, Any]
    questions: list[QuestionSource]


def parse_quiz_file(text: str, filename: str) -> tuple[QuizSource | None, list[str]]:
    """Validate a quiz file; return the source, or None and every error as 'file: line N: ...'."""
    try:
        raw = load_yaml(text)
    except YamlError as error:
        return None, [f"{filename}: {error}"]
    if not isinstance(raw, LineDict):  # every mapping load_yaml makes is one
        return None, [f"{filename}: line 1: a quiz file must be a mapping"]
    errors: list[str] = []

    def fail(line: int, message: str) -> None:
        errors.append(f"{filename}: line {line}: {message}")

    slug, title = raw.get("slug"), raw.get("title")
    if not (isinstance(slug, str) and SLUG.match(slug)):
        fail(raw.line, "slug: required, lower-case letters, digits and dashes")
    if not (isinstance(title, str) and title.strip()):
        fail(raw.line, "title: required")
    elif len(title.strip()) > TITLE_MAX:
        fail(raw.line, f"title: at most {TITLE_MAX} characters")
    try:
        settings = validate_settings(raw.get("settings"))
    except SettingsError as error:
        fail(line_of(raw.get("settings"), raw.line), str(error))
        settings = {}
    questions = _parse_entries(raw.get("questions"), raw.line, fail)
    if errors:
        return None, errors
    assert isinstance(slug, str) and isinstance(title, str)  # else fail() above
    return QuizSource(slug, title.strip(), settings, questions), []


def _parse_entries(entries: Any, line: int, fail) -> list[QuestionSource]:
    if not isinstance(entries, list) or not entries:
        fail(line, "questions: at least one question is required")
        return []
    questions: list[QuestionSource] = []
    for entry in entries:
        if isinstance(entry, dict) and "case" in entry:
            case = CaseSource(str(entry.get("title") or ""), str(entry["case"]))
            for sub in entry.get("questions") or []:
                questions.extend(_parse_question(sub, fail, case))
            if not entry.get("questions"):
                fail(line_of(entry), "case: needs a list of questions")
        else:
            questions.extend(_parse_question(entry, fail, None))
    keys = [q.key for q in questions]
    for key in {k for k in keys if keys.count(k) > 1}:
        fail(line, f"questions: key '{key}' is used more than once")
    return questions


def _parse_question(raw: Any, fail, case: CaseSource | None) -> list[QuestionSource]:
    line = line_of(raw)
    if not isinstance(raw, dict):
        fail(line, "a question must be a mapping")
        return []
    where = f"question '{raw.get('key', '?')}'"
    unknown = set(raw) - QUESTION_FIELDS
    if unknown:
        fail(line, f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if not (isinstance(raw.get("key"), str) and SLUG.match(raw["key"])):
        fail(line, f"{where}: key: required, lower-case letters, digits and dashes")
        return []
    try:
        question = question_from_dict(raw, case)
    except (QuestionDataError, UnknownQuestionType, ValueError) as error:
        fail(line, f"{where}: {error}")
        return []
    return [question]


def valid_points(points: Any) -> bool:
    """A number above 0, at most MAX_POINTS (the comparison also refuses NaN and infinity)."""
    return (not isinstance(points, bool) and isinstance(points, int | float)
            and 0 < points <= MAX_POINTS)


def question_from_dict(raw: dict[str, Any], case: CaseSource | None = None) -> QuestionSource:
    """Validate one question dict (from YAML, GIFT or a form); raise naming the bad field."""
    question_type = get_type(str(raw.get("type")))
    prompt = raw.get("prompt")
    if not (isinstance(prompt, str) and prompt.strip()):
        raise QuestionDataError("prompt", "required")
    points = raw.get("points", 1)
    if not valid_points(points):
        raise QuestionDataError("points", f"must be a number above 0, at most {MAX_POINTS}")
    tags = raw.get("tags") or []
    if not (isinstance(tags, list) and all(isinstance(t, str) and SLUG.match(t) for t in tags)):
        raise QuestionDataError("tags", "must be a list of kebab-case concept tags")
    data = raw.get("data") or {}
    if not isinstance(data, dict):
        raise QuestionDataError("data", "must be a mapping of the type's fields")
    data = question_type.validate(dict(data))
    return QuestionSource(raw["key"], question_type.type_id, prompt.strip(), data,
                          float(points), list(tags), str(raw.get("feedback") or ""), case)


