"""Moodle GIFT export: questions back to GIFT text, each one proven to round-trip.

See quizzes/gift.py for the format notes; what GIFT cannot hold rides in a
``// [relay:{...}]`` comment line, and a question that would not parse back
the same is reported as skipped, never silently changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from quizzes.gift import (
    ANY_NUMBER,
    BLANK,
    UNSUPPORTED,
    WEIGHT_RE,
    GiftError,
    parse_gift,
    to_number,
)
from quizzes.gift_moodle import CATEGORY_TAG, tag_slug
from quizzes.types import QuestionDataError, get_type
from quizzes.types.base import path_of


def export_gift(questions: list[dict[str, Any]]) -> tuple[str, list[tuple[str, str]]]:
    """GIFT text for the questions, and (key, reason) for each one left out."""
    blocks: list[str] = []
    skipped: list[tuple[str, str]] = []
    category = None
    for question in questions:
        try:
            block = export_question(question)
        except ValueError as exc:
            skipped.append((str(question.get("key") or ""), str(exc)))
            continue
        wanted = question.get("category") or category_of(question.get("tags") or [])
        if wanted and wanted != category:
            category = wanted
            blocks.append("$CATEGORY: " + " ".join(str(category).split()))
        blocks.append(block)
    return ("\n\n".join(blocks) + "\n" if blocks else ""), skipped


def export_question(question: dict[str, Any]) -> str:
    """One question's GIFT, proven by parsing it back; ValueError says why not."""
    type_id = str(question.get("type"))
    if type_id in UNSUPPORTED:
        raise ValueError(UNSUPPORTED[type_id])
    try:
        data = get_type(type_id).validate(question.get("data"))
    except (LookupError, QuestionDataError) as exc:
        raise ValueError(f"invalid question: {exc}") from None
    title = escape(str(question.get("title") or question.get("key") or ""))
    prompt = str(question.get("prompt") or "").replace("\r\n", "\n").strip()
    feedback = str(question.get("feedback") or "").replace("\r\n", "\n").strip()
    block = answer_block(type_id, data, feedback)
    before, blank, after = prompt.partition(BLANK)
    if blank and after.strip():  # a missing-word question: the block goes where ____ was
        text = escape(before) + block + escape(after)
    else:
        text = escape(prompt) + block
    body = f"::{title}::[markdown]{text}"
    meta: dict[str, Any] = {}
    if (points := question.get("points", 1)) != 1:
        try:  # the database may hand over a Decimal, which JSON cannot write
            meta["points"] = to_number(number_text(float(points)))
        except (TypeError, ValueError):
            raise ValueError(f"points {points!r} is not a number") from None
    moodle_tags: list[str] = []
    other_tags: list[str] = []
    for tag in question.get("tags") or []:
        if tag.startswith(CATEGORY_TAG):
            continue  # written as the $CATEGORY: line before the question
        (moodle_tags if tag_slug(tag) == tag else other_tags).append(tag)
    if other_tags:
        meta["tags"] = other_tags
    if patch := data_diff(data, reparse(body)["data"]):
        meta["data"] = patch
    if meta:
        body = f"// [relay:{json.dumps(meta, ensure_ascii=False, sort_keys=True)}]\n{body}"
    tokens = [f"[tag:{tag}]" for tag in moodle_tags]  # Moodle reads tags from this comment
    key = str(question.get("key") or "")
    if key and tag_slug(str(question.get("title") or key)) != key:  # the title gives it
        tokens.insert(0, f"[id:{key.replace(']', chr(92) + ']')}]")  # the key comes back
    if tokens:
        body = " ".join(tokens).join(("// ", "\n")) + body
    parsed = reparse(body)
    wanted = {"type": type_id, "prompt": prompt, "feedback": feedback, "data": data}
    for name, want in wanted.items():
        if parsed[name] != want:
            raise ValueError(f"its {name} cannot be written in GIFT exactly")
    return body


def category_of(tags: list[str]) -> str | None:
    """The Moodle category a ``category-...`` tag came from (see gift.category_tags)."""
    found = next((t for t in tags if t.startswith(CATEGORY_TAG)), None)
    return f"$course$/{found[len(CATEGORY_TAG):]}" if found else None


def reparse(text: str) -> dict[str, Any]:
    try:
        return parse_gift(text)[0]
    except GiftError as exc:
        raise ValueError(f"GIFT would misread it ({exc})") from None


def escape(text: str) -> str:
    text = re.sub(r"[\\~=#{}:]", lambda m: "\\" + m.group(), text)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def number_text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() and abs(number) < 1e15 else repr(number)


def answer_line(marker: str, weight: float | None, text: str, feedback: str) -> str:
    if weight is None and WEIGHT_RE.match(text):
        weight = 100 if marker == "=" else 0  # so text like "%5% off" is not read as a weight
    prefix = "" if weight is None else f"%{number_text(weight)}%"
    return f"\t{marker}{prefix}{escape(text)}" + (f"#{escape(feedback)}" if feedback else "")


def answer_block(type_id: str, data: dict[str, Any], general: str) -> str:
    lines = WRITERS[type_id](data)
    tail = f"####{escape(general)}" if general else ""
    if isinstance(lines, str):
        return "{" + lines + tail + "}"
    head = "{#\n" if lines[0] == "#" else "{\n"  # numerical, as Moodle writes it
    lines = lines[1:] if lines[0] == "#" else lines
    return head + "\n".join(lines) + ("\n\t" + tail if tail else "") + "\n}"


def write_true_false(data: dict[str, Any]) -> str:
    right = data["feedback_true"] if data["answer"] else data["feedback_false"]
    wrong = data["feedback_false"] if data["answer"] else data["feedback_true"]
    comment = f"#{escape(wrong)}" if wrong or right else ""
    comment += f"#{escape(right)}" if right else ""
    return ("TRUE" if data["answer"] else "FALSE") + comment


def write_short_answer(data: dict[str, Any]) -> list[str]:
    return [answer_line("=", None if a["weight"] == 100 else a["weight"], a["text"], a["feedback"])
            for a in data["answers"]]  # fmt: skip


def write_matching(data: dict[str, Any]) -> list[str]:
    pairs = [answer_line("=", None, f"{p['left']} -> {p['right']}", p["feedback"])
             for p in data["pairs"]]  # fmt: skip
    return pairs + [answer_line("=", None, f" -> {d}", "") for d in data["distractors"]]


def write_numerical(data: dict[str, Any]) -> str | list[str]:
    lines = []
    for a in data["answers"]:
        comment = f"#{escape(a['feedback'])}" if a["feedback"] else ""
        if "value" in a:
            spec = number_text(a["value"])
            spec += f":{number_text(a['tolerance'])}" if a["tolerance"] else ""
        else:
            spec = f"{number_text(a['min'])}..{number_text(a['max'])}"
        if {k: a.get(k) for k in ANY_NUMBER} == ANY_NUMBER and a["weight"] == 0:
            lines.append(f"\t~{comment or '#'}")
        elif len(data["answers"]) == 1 and a["weight"] == 100:
            return "#" + spec + comment
        else:
            weight = "" if a["weight"] == 100 else f"%{number_text(a['weight'])}%"
            lines.append(f"\t={weight}{spec}{comment}")
    return ["#", *lines]


WRITERS: dict[str, Callable[[dict[str, Any]], str | list[str]]] = {
    "essay": lambda data: "",
    "true_false": write_true_false,
    "single_choice": lambda data: [
        answer_line("=" if o["correct"] else "~", o.get("credit"), o["text"], o["feedback"])
        for o in data["options"]
    ],
    "multiple_response": lambda data: [
        answer_line("~", o["weight"], o["text"], o["feedback"]) for o in data["options"]
    ],
    "short_answer": write_short_answer,
    "matching": write_matching,
    "numerical": write_numerical,
}


def data_diff(want: Any, got: Any, path: str = "") -> dict[str, Any]:
    """Leaf fields where ``got`` differs from ``want``: what a relay comment must set."""
    pairs: list[tuple[str | int, Any, Any]] = []
    if isinstance(want, dict) and isinstance(got, dict) and want.keys() == got.keys():
        pairs = [(key, want[key], got[key]) for key in want]
    elif isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        pairs = [(i, w, g) for i, (w, g) in enumerate(zip(want, got, strict=True))]
    elif isinstance(want, dict | list) or isinstance(got, dict | list):
        return {}  # a shape GIFT cannot hold: the final comparison reports it
    else:
        same = want == got and isinstance(want, bool) == isinstance(got, bool)
        return {} if same else {path: want}
    return {k: v for key, w, g in pairs for k, v in data_diff(w, g, path_of(path, key)).items()}
