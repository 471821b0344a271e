"""Quiz files (YAML) to validated sources, and sources to database rows with revisions.

Content import and the web editor both save questions through `save_question`,
so validation, Markdown rendering and revision rules are the same for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from courses.models import SLUG, TITLE_MAX
from courses.rendering import render_markdown
from courses.yamlfile import YamlError, line_of, load_yaml
from extensions import db
from quizzes.models import Question, QuestionRevision, Quiz, QuizCase
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
    if not isinstance(raw, dict):
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
    return QuizSource(slug, title.strip(), settings, questions), []


def _parse_entries(entries: Any, line: int, fail) -> list[QuestionSource]:  # type: ignore[no-untyped-def]
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


def _parse_question(raw: Any, fail, case: CaseSource | None) -> list[QuestionSource]:  # type: ignore[no-untyped-def]
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


def apply_quiz(quiz: Quiz, source: QuizSource, author_id: int | None = None) -> int:
    """Bring a quiz's rows in line with a source (no commit); returns revisions made."""
    quiz.title, quiz.settings = source.title, source.settings
    cases = _apply_cases(quiz, source)
    existing = {q.key: q for q in quiz.questions}
    revised = 0
    for position, src in enumerate(source.questions):
        question = existing.pop(src.key, None)
        if question is None:
            question = Question(quiz=quiz, key=src.key)
            db.session.add(question)
        question.position, question.retired = position, False
        question.case = cases.get(id(src.case)) if src.case else None
        revised += save_question(question, src, author_id)
    for gone in existing.values():
        gone.retired = True  # past attempts still point at its revisions
    return revised


def _apply_cases(quiz: Quiz, source: QuizSource) -> dict[int, QuizCase]:
    """Reuse case rows in order, so unchanged cases keep their ids."""
    wanted: list[CaseSource] = []
    for question in source.questions:
        if question.case is not None and all(question.case is not c for c in wanted):
            wanted.append(question.case)
    rows = sorted(quiz.cases, key=lambda c: c.id)
    mapping: dict[int, QuizCase] = {}
    for index, case in enumerate(wanted):
        row = rows[index] if index < len(rows) else QuizCase()
        if index >= len(rows):
            quiz.cases.append(row)
        if (row.title, row.source) != (case.title, case.text):
            row.title, row.source, row.html = case.title, case.text, render_markdown(case.text)
        mapping[id(case)] = row
    return mapping


def save_question(question: Question, src: QuestionSource, author_id: int | None = None) -> int:
    """Content files publish at once: a new revision when the content changed (no commit).

    Returns 1 if a revision was made, else 0; a pending web draft is superseded.
    """
    if question.draft is None and question.current is not None and _revision_content(
            question.current) == src.content():
        return 0
    question.current = add_question_revision(question, src, author_id)
    question.draft = None
    return 1


def add_question_revision(question: Question, src: QuestionSource,
                          author_id: int | None = None) -> QuestionRevision:
    """Append an immutable revision (no commit); publishing it is the caller's choice."""
    latest = None
    if question.id is not None:
        latest = db.session.scalar(select(func.max(QuestionRevision.revision)).where(
            QuestionRevision.question_id == question.id))
    revision = QuestionRevision(
        question=question, revision=(latest or 0) + 1, type_id=src.type_id, prompt=src.prompt,
        prompt_html=render_markdown(src.prompt), data=src.data, points=src.points,
        tags=src.tags, feedback=src.feedback, author_id=author_id)
    db.session.add(revision)
    db.session.flush()
    return revision


def _revision_content(revision: QuestionRevision) -> tuple:
    return (revision.type_id, revision.prompt, revision.data, float(revision.points),
            list(revision.tags or []), revision.feedback)


def get_quiz_by_slug(slug: str) -> Quiz | None:
    return db.session.scalar(select(Quiz).where(Quiz.slug == slug))
