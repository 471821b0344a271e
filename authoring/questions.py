"""Authoring rules for quizzes: settings, question drafts, trying answers, restoring."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from sqlalchemy import select

from accounts.models import User
from audit.service import record
from authoring.service import AuthoringError, StaleEdit
from extensions import db
from quizzes.content import question_from_dict
from quizzes.models import Question, QuestionRevision, Quiz
from quizzes.service import add_question_revision
from quizzes.settings import SettingsError, validate_settings
from quizzes.types import AnswerError, Grade, QuestionDataError, UnknownQuestionType, get_type


def settings_fingerprint(quiz: Quiz) -> str:
    """Stands in for a version number: the settings form carries the one it was opened on."""
    text = json.dumps([quiz.title, quiz.settings], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def update_settings(actor: User, quiz: Quiz, raw: dict[str, Any], title: str,
                    fingerprint: str) -> None:
    if fingerprint != settings_fingerprint(quiz):
        raise StaleEdit()
    try:
        settings = validate_settings(raw)
    except SettingsError as error:
        raise AuthoringError(str(error)) from None
    quiz.settings, quiz.title = settings, title.strip() or quiz.title
    record(actor.id, "quiz.settings", "quiz", quiz.id, quiz.slug)
    db.session.commit()


def question_of(quiz: Quiz, question_id: int) -> Question | None:
    question = db.session.get(Question, question_id)
    return question if question is not None and question.quiz_id == quiz.id else None


def save_question_draft(actor: User, quiz: Quiz, question: Question | None,
                        base_revision_id: int | None, raw: dict[str, Any]) -> Question:
    """Validate through the type, then store a draft revision (new or edited question).

    `base_revision_id` is the revision the form was opened on; a newer one means
    another trainer saved meanwhile (StaleEdit).
    """
    if question is not None and (question.latest.id if question.latest else None) != (
            base_revision_id):
        raise StaleEdit()
    try:
        source = question_from_dict(raw)
    except (QuestionDataError, UnknownQuestionType, ValueError) as error:
        raise AuthoringError(str(error)) from None
    if question is None:
        if any(q.key == source.key for q in quiz.questions):
            raise AuthoringError(f"key: this quiz already has a question '{source.key}'")
        position = max((q.position for q in quiz.questions), default=-1) + 1
        question = Question(quiz=quiz, key=source.key, position=position)
        db.session.add(question)
    question.draft = add_question_revision(question, source, actor.id)
    record(actor.id, "question.save", "question", question.id, f"{quiz.slug}/{question.key}",
           revision=question.draft.revision)
    db.session.commit()
    return question


def retire_question(actor: User, question: Question) -> None:
    """Out of future attempts at once; past attempts keep their revisions and grades."""
    question.retired = True
    record(actor.id, "question.delete", "question", question.id, question.key)
    db.session.commit()


def revision_text(revision: QuestionRevision) -> str:
    """A revision as readable YAML, for line diffs between any two revisions."""
    return yaml.safe_dump({"type": revision.type_id, "prompt": revision.prompt,
                           "points": revision.points, "tags": revision.tags,
                           "feedback": revision.feedback, "data": revision.data},
                          allow_unicode=True, sort_keys=False, width=100)


def revisions(question: Question) -> list[QuestionRevision]:
    return list(db.session.scalars(select(QuestionRevision).where(
        QuestionRevision.question_id == question.id).order_by(QuestionRevision.revision)))


def restore_question(actor: User, question: Question, number: int) -> QuestionRevision:
    old = next((r for r in revisions(question) if r.revision == number), None)
    if old is None:
        raise AuthoringError(f"revision: {number} does not exist")
    source = question_from_dict({"key": question.key, "type": old.type_id, "prompt": old.prompt,
                                 "points": old.points, "tags": old.tags,
                                 "feedback": old.feedback, "data": old.data})
    question.draft = add_question_revision(question, source, actor.id)
    record(actor.id, "question.restore", "question", question.id, question.key, old=number,
           new=question.draft.revision)
    db.session.commit()
    return question.draft


def try_answer(revision: QuestionRevision, raw: Mapping[str, Sequence[str]]) -> Grade:
    """Grade a trainer's trial answer exactly as a learner's would be; nothing is stored."""
    question_type = get_type(revision.type_id)
    try:
        answer = question_type.normalise(revision.data, raw)
    except AnswerError as error:
        raise AuthoringError(str(error)) from None
    return question_type.grade(revision.data, answer)
