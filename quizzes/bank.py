"""Question banks in and out of a quiz: GIFT (Moodle) and Aiken, all-or-nothing.

`plan_import` validates and reports (the dry run a trainer sees); `apply_import`
writes a plan that had no rejections. Both the CLI and the web upload use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from audit.service import record
from extensions import db
from quizzes.aiken import AikenError, parse_aiken
from quizzes.content import QuestionSource, question_from_dict
from quizzes.gift import GiftError, read_gift
from quizzes.gift_export import export_gift
from quizzes.models import Question, Quiz
from quizzes.service import add_question_revision
from quizzes.types import QuestionDataError, UnknownQuestionType


@dataclass
class ImportPlan:
    added: list[QuestionSource] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # "line N: message"
    skipped: list[str] = field(default_factory=list)  # unsupported, left out when asked

    @property
    def ok(self) -> bool:
        return not self.rejected and bool(self.added)


def plan_import(quiz: Quiz, text: str, fmt: str = "gift",
                skip_unsupported: bool = False) -> ImportPlan:
    """With skip_unsupported, GIFT questions Relay cannot express are left out (named in
    `skipped`) instead of rejecting the file."""
    plan = ImportPlan()
    try:
        if fmt == "gift":
            read = read_gift(text, skip_unsupported=skip_unsupported)
            dicts = read.questions
            plan.skipped = [f"line {line}: {message}" for line, message in read.skipped]
        else:
            dicts = parse_aiken(text)
    except (GiftError, AikenError) as error:
        plan.rejected = [_("line %(line)s: %(problem)s", line=line, problem=message)
                         for line, message in error.errors]
        return plan
    taken = {q.key for q in quiz.questions}
    for parsed in dicts:
        raw = {k: v for k, v in parsed.items() if k not in ("line", "category", "title")}
        raw["key"] = _free_key(raw.get("key") or "q", taken)
        try:
            plan.added.append(question_from_dict(raw))
        except (QuestionDataError, UnknownQuestionType, ValueError) as error:
            plan.rejected.append(_("line %(line)s: %(problem)s", line=parsed.get("line", "?"),
                                   problem=error))
    if not dicts and not plan.skipped:
        plan.rejected.append(_("line %(line)s: %(problem)s", line=1,
                               problem=_("no questions found")))
    return plan


def _free_key(key: str, taken: set[str]) -> str:
    candidate, number = key, 2
    while candidate in taken:
        candidate, number = f"{key}-{number}", number + 1
    taken.add(candidate)
    return candidate


def apply_import(quiz: Quiz, plan: ImportPlan, author_id: int | None = None,
                 publish: bool = True) -> int:
    """Add the planned questions; published at once (CLI), or as drafts (web editor)."""
    if not plan.ok:
        raise ValueError("a plan with rejected questions is never applied")
    position = max((q.position for q in quiz.questions), default=-1) + 1
    for offset, source in enumerate(plan.added):
        question = Question(quiz=quiz, key=source.key, position=position + offset)
        db.session.add(question)
        revision = add_question_revision(question, source, author_id)
        if publish:
            question.current = revision
        else:
            question.draft = revision
    record(author_id, "quiz.import", "quiz", quiz.id, f"{len(plan.added)} question(s)",
           name=quiz.slug, questions=len(plan.added))
    db.session.commit()
    return len(plan.added)


def quiz_question_dicts(quiz: Quiz) -> list[dict[str, Any]]:
    """The quiz's current questions in the content-file shape."""
    return [
        {"key": q.key, "type": q.current.type_id, "title": q.key, "prompt": q.current.prompt,
         "points": q.current.points, "tags": list(q.current.tags or []),
         "feedback": q.current.feedback, "data": q.current.data}
        for q in quiz.questions if not q.retired and q.current is not None
    ]


def export_quiz_gift(quiz: Quiz) -> tuple[str, list[tuple[str, str]]]:
    """GIFT text, and (key, reason) for questions GIFT cannot express."""
    return export_gift(quiz_question_dicts(quiz))
