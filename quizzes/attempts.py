"""Attempt layout: which questions, in what order, with what option order; and
the tokens its pages name the options by.

Fixed once at start, from a stored seed, so a reload or a later edit of a
question never changes what the learner was given.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import select

from extensions import db
from quizzes.models import Question, Quiz
from quizzes.revisions import revision_facts
from quizzes.types import get_type
from quizzes.types.base import SignedTokens


class Drawn(NamedTuple):
    """A question as a layout needs it: its place, case and current revision's facts."""

    id: int
    case_id: int | None
    revision_id: int
    type_id: str  # then RevisionFacts' fields, in its order
    data: dict[str, Any]
    tags: list[str]


def draw_questions(quiz: Quiz, rng: random.Random) -> list[Drawn]:
    """The questions of one attempt, in quiz order before any shuffling.

    Rows, not ORM objects: a company-wide start builds thousands of layouts, and the
    revisions' facts come from the per-app cache (revisions are immutable)."""
    rows = db.session.execute(select(
        Question.id, Question.case_id, Question.current_revision_id)
        .where(Question.quiz_id == quiz.id, Question.retired.is_(False),
               Question.current_revision_id.is_not(None))
        .order_by(Question.position, Question.id)).all()
    facts = revision_facts(row.current_revision_id for row in rows)
    pool = [Drawn(row.id, row.case_id, row.current_revision_id, *facts[row.current_revision_id])
            for row in rows if row.current_revision_id in facts]
    draw = quiz.settings.get("draw")
    if isinstance(draw, int) and draw < len(pool):
        chosen = set(map(id, rng.sample(pool, draw)))
        return [q for q in pool if id(q) in chosen]
    if isinstance(draw, dict):
        chosen = set()
        for tag, count in draw.items():
            tagged = [q for q in pool if tag in q.tags and id(q) not in chosen]
            chosen.update(map(id, rng.sample(tagged, min(count, len(tagged)))))
        return [q for q in pool if id(q) in chosen]
    return pool


def order_questions(questions: list[Drawn], shuffle: bool,
                    rng: random.Random) -> list[Drawn]:
    """Shuffle in blocks: a case's questions stay together, in order, under their case."""
    blocks: list[list[Drawn]] = []
    for question in questions:
        if blocks and question.case_id and blocks[-1][0].case_id == question.case_id:
            blocks[-1].append(question)
        else:
            blocks.append([question])
    if shuffle:
        rng.shuffle(blocks)
    return [q for block in blocks for q in block]


def build_layout(quiz: Quiz, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    questions = order_questions(draw_questions(quiz, rng),
                                bool(quiz.settings.get("shuffle_questions")), rng)
    # Options are always shuffled, whatever `shuffle_options` says: in the authored
    # order a page would show where authors put the right answer (usually first).
    return [{"revision_id": q.revision_id,
             "options": get_type(q.type_id).option_order(q.data, rng)}
            for q in questions]


def option_tokens(attempt_id: int | str, slot: int, secret_key: str | None = None
                  ) -> SignedTokens:
    """The opaque names of one question's options in one attempt's pages (under the
    app's SECRET_KEY, unless a script outside the app names it). A str names a scope of
    its own instead of an attempt (a contest entry's)."""
    secret = str(secret_key or current_app.config["SECRET_KEY"]).encode()
    key = hashlib.sha256(b"relay option tokens\x00" + secret).digest()
    return SignedTokens(key, f"{attempt_id}:{slot}")
