"""Answers a question refused, kept in the learner's session (a signed cookie) until
the question is saved validly or the attempt submitted: a reload shows what was typed
with its message, and the summary lists the question as not valid.

A draft carries the seq the page had when it was refused. Once the question is saved
from anywhere its seq moves on, and the stale draft is ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from quizzes.forms import SlotAnswers

KEY = "answer_drafts"
MAX_DRAFT = 600  # characters: a typed number or some positions; a cookie holds ~4 kB
MAX_DRAFTS = 8


def remember(session: MutableMapping[str, Any], attempt_id: int, answers: SlotAnswers,
             slots: Iterable[int]) -> None:
    drafts = {key: value for key, value in session.get(KEY, {}).items()
              if key.startswith(f"{attempt_id}:")}  # other attempts' drafts are dropped
    for slot in slots:
        raw, seq = answers[slot]
        if len(json.dumps(raw, ensure_ascii=False)) <= MAX_DRAFT:
            drafts[f"{attempt_id}:{slot}"] = {"seq": seq, "raw": raw}
    session[KEY] = dict(list(drafts.items())[-MAX_DRAFTS:])


def forget(session: MutableMapping[str, Any], attempt_id: int,
           slots: Iterable[int] | None = None) -> None:
    drafts = session.get(KEY)
    if not drafts:
        return
    keys = ({f"{attempt_id}:{slot}" for slot in slots} if slots is not None
            else {key for key in drafts if key.startswith(f"{attempt_id}:")})
    if keys & drafts.keys():
        session[KEY] = {key: value for key, value in drafts.items() if key not in keys}


def current(session: Mapping[str, Any], attempt_id: int,
            seqs: Mapping[int, int]) -> dict[int, dict[str, list[str]]]:
    """{slot: raw} of the drafts still newer than the saved answer (by seq)."""
    found = {}
    for key, draft in session.get(KEY, {}).items():
        owner, _, slot_text = key.partition(":")
        if owner != str(attempt_id) or not slot_text.isdigit():
            continue
        slot = int(slot_text)
        if slot in seqs and draft.get("seq") == seqs[slot]:
            found[slot] = draft["raw"]
    return found
