"""What learners' requests read of question revisions, cached per app.

A revision is immutable (an edit adds a new one and an attempt keeps the one it was
given), so what a request needs of it, its type and data, can be kept for the life
of the process: an autosave of one answer then reads no revision row and builds no
ORM object. The cache lives on the app, not the module, so two apps (tests, a bench
beside a server) never share ids that mean different rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import select

from extensions import db
from quizzes.models import QuestionRevision

LIMIT = 50_000  # revisions kept; past it the cache starts afresh (a bound, not an LRU)


class RevisionFacts(NamedTuple):
    type_id: str
    data: dict[str, Any]
    tags: list[str]


def revision_facts(ids: Iterable[int]) -> dict[int, RevisionFacts]:
    """{revision id: its type and data}, one query for those not cached yet."""
    cache: dict[int, RevisionFacts] = current_app.extensions.setdefault(
        "quizzes.revision_facts", {})
    wanted = set(ids)
    missing = wanted - cache.keys()
    if missing:
        if len(cache) + len(missing) > LIMIT:
            cache.clear()
        rows = db.session.execute(select(
            QuestionRevision.id, QuestionRevision.type_id, QuestionRevision.data,
            QuestionRevision.tags)
            .where(QuestionRevision.id.in_(missing)))
        cache.update({row.id: RevisionFacts(row.type_id, row.data,
                                                    row.tags or []) for row in rows})
    return {i: cache[i] for i in wanted if i in cache}
