"""Moodle GIFT import and export.

``parse_gift`` turns a GIFT file into quiz-file question dicts, validated by
their question types; any bad question rejects the whole file, with every
problem listed. ``quizzes.gift_export.export_gift`` writes questions back. What GIFT cannot hold
(misconception tags, essay limits, points, tags) rides in a ``// [relay:{...}]``
comment line, which Moodle ignores, and every exported question is parsed
back to prove it round-trips: a question that would not is reported, never
silently dropped or changed.

Moodle's own files read as Moodle reads them: ``[html]``/``[plain]``/``[moodle]``/
``[markdown]`` before a question's text, an answer or a feedback (``[plain]`` is
shown literally, ``[moodle]`` keeps its line breaks); ``::name::`` becomes the
key; Moodle's ``// [id:...]`` comment gives the key instead and ``[tag:...]`` the
tags; a ``$CATEGORY:`` becomes a ``category-...`` tag (written back as a
``$CATEGORY:`` line on export). ``parse_gift(..., skip_unsupported=True)``
leaves out only the questions Relay cannot express, and names them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from quizzes import question_type_name
from quizzes.content import MAX_POINTS, valid_points
from quizzes.gift_moodle import apply_format, category_tags, parse_moodle_comments, tag_slug
from quizzes.types import QuestionDataError, get_type
from quizzes.types.base import is_finite

# Escaped characters become private-use placeholders while parsing, so the
# grammar only ever sees unescaped special characters (Moodle does the same
# with "&&058;"). An escaped newline gets one too, so counting "\n" still
# gives line numbers.
PLACEHOLDERS = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003",
                "{": "\ue004", "}": "\ue005", ":": "\ue006", "n": "\ue007"}  # fmt: skip
RESTORE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in PLACEHOLDERS.items()})
RESERVED_RE = re.compile("[\ue000-\ue007]")
ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)
FORMAT_RE = re.compile(r"\s*\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
WEIGHT_RE = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
RELAY_RE = re.compile(r"//\s*\[relay:(.*)\]\s*$")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
ANY_NUMBER = {"min": -1e308, "max": 1e308}  # what Moodle's "~#feedback" answer matches
BLANK = "____"  # stands where a missing-word answer block sat in the text
UNSUPPORTED = {
    "ordering": "ordering questions cannot be written in GIFT",
    "cloze": "cloze questions cannot be written in GIFT",
}


class GiftError(ValueError):
    """A GIFT file was rejected; ``errors`` lists (line number, message)."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = sorted(errors)
        super().__init__("; ".join(f"line {n}: {m}" for n, m in self.errors))


class BadQuestion(Exception):  # noqa: N818 - internal, always collected into a GiftError
    """`message` may be a lazy string, shown translated; `unsupported`: valid GIFT that
    Relay cannot express (skippable), not a typo."""

    def __init__(self, line: int, message: Any, unsupported: bool = False) -> None:
        super().__init__(message)
        self.line, self.message, self.unsupported = line, message, unsupported


@dataclass
class GiftRead:
    questions: list[dict[str, Any]]
    skipped: list[tuple[int, str]]  # (line, why): only with skip_unsupported


@dataclass
class Chunk:
    """One blank-line separated block: its lines, and its comment lines apart."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)
    text: str = ""

    def line_at(self, pos: int) -> int:
        return self.lines[min(self.text.count("\n", 0, pos), len(self.lines) - 1)][0]


@dataclass
class Answer:
    marker: str
    weight: int | float | None
    text: str
    feedback: str
    line: int

    def score(self) -> int | float:
        return self.weight if self.weight is not None else (100 if self.marker == "=" else 0)


# --- parsing ---------------------------------------------------------------


def parse_gift(text: str) -> list[dict[str, Any]]:
    """Parse a GIFT file into question dicts, or raise GiftError listing every problem."""
    return read_gift(text).questions


def read_gift(text: str, skip_unsupported: bool = False) -> GiftRead:
    """Parse a GIFT file; with skip_unsupported, the questions Relay cannot express are
    left out and named in `skipped`, and only real errors reject the file."""
    questions: list[dict[str, Any]] = []
    errors: list[tuple[int, str]] = []
    skipped: list[tuple[int, str]] = []
    category: str | None = None
    for chunk in split_chunks(text.lstrip("\ufeff")):
        try:
            category, question = parse_chunk(chunk, category)
        except BadQuestion as exc:
            if skip_unsupported and exc.unsupported:
                skipped.append((exc.line, str(exc.message)))  # named now, in this locale
            else:
                errors.append((exc.line, exc.message))
            continue
        if question is not None:
            name = question.pop("idnumber") or question["title"]
            question["key"] = question_key(name, len(questions) + 1, questions)
            questions.append(question)
    if errors:
        raise GiftError(errors)
    return GiftRead(questions, skipped)


def split_chunks(text: str) -> list[Chunk]:
    chunks, current = [], Chunk()
    # Only \n, \r\n and \r end lines: str.splitlines() would also split on U+2028 etc.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            chunks.append(current)
            current = Chunk()
        elif line.lstrip().startswith("//"):
            current.comments.append((number, line.strip()))
        else:
            current.lines.append((number, line))
    chunks.append(current)
    return [c for c in chunks if c.lines]


def restore(text: str) -> str:
    return text.translate(RESTORE).strip()


def parse_chunk(chunk: Chunk, category: str | None) -> tuple[str | None, dict[str, Any] | None]:
    for number, line in chunk.lines:
        if RESERVED_RE.search(line):
            raise BadQuestion(number,
                _l("contains a reserved private-use character (U+E000-U+E007)"))
    raw = "\n".join(line for _, line in chunk.lines)
    chunk.text = ESCAPE_RE.sub(lambda m: PLACEHOLDERS.get(m.group(1), m.group(0)), raw)
    text, start = chunk.text, 0
    if text.lstrip().startswith("$CATEGORY:"):
        start = text.find("\n") + 1 or len(text)
        category = restore(text[:start].split(":", 1)[1]) or None
        if not text[start:].strip():
            return category, None
    first = chunk.line_at(start)
    tags, points, patch = parse_relay(chunk)
    idnumber, moodle_tags = parse_moodle_comments(
        "\n".join(line for _, line in chunk.comments if not RELAY_RE.match(line)))
    title, start = parse_title(chunk, start)
    marker = FORMAT_RE.match(text, start)
    prompt, body, body_at = split_block(chunk, marker.end() if marker else start)
    prompt = apply_format(prompt, marker.group(1) if marker else None)
    type_id, data, general = parse_block(body, lambda pos: chunk.line_at(body_at + pos))
    try:
        data = get_type(type_id).validate(data)
        if patch:
            data = get_type(type_id).validate(apply_patch(data, patch, first))
    except QuestionDataError as exc:
        raise BadQuestion(chunk.line_at(body_at), _l(
            "%(type)s: %(problem)s", type=question_type_name(type_id), problem=exc),
            unsupported=not patch) from None
    tags = list(dict.fromkeys([*tags, *moodle_tags, *category_tags(category)]))
    question = {"key": "", "type": type_id, "title": title, "prompt": prompt, "points": points,
                "tags": tags, "feedback": general, "data": data, "category": category,
                "line": first, "idnumber": idnumber}  # fmt: skip
    return category, question


def formatted(raw: str) -> str:
    """A feedback's text: restored, its leading format marker honoured."""
    marker = FORMAT_RE.match(raw)
    return apply_format(restore(raw[marker.end():] if marker else raw),
                        marker.group(1) if marker else None)


def without_marker(raw: str) -> str:
    """An answer's text: a leading format marker dropped (answers are plain text here)."""
    marker = FORMAT_RE.match(raw)
    return raw[marker.end():] if marker else raw


def parse_relay(chunk: Chunk) -> tuple[list[str], int | float, dict[str, Any]]:
    """Our ``// [relay:{json}]`` comment: points, tags and data GIFT cannot hold."""
    tags, points, patch = [], 1, {}
    for number, line in chunk.comments:
        if not (match := RELAY_RE.match(line)):
            continue  # any other comment, e.g. Moodle's "// question: 12  name: x"
        try:
            meta = json.loads(match.group(1))
        except ValueError:
            raise BadQuestion(number, _l("relay comment is not valid JSON")) from None
        if not isinstance(meta, dict) or set(meta) - {"points", "tags", "data"}:
            raise BadQuestion(number, _l("relay comment holds only points, tags and data"))
        points, tags, patch = meta.get("points", 1), meta.get("tags", []), meta.get("data", {})
        if not valid_points(points):
            raise BadQuestion(number, _l("relay points must be above 0, at most %(max)s",
                                         max=MAX_POINTS))
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise BadQuestion(number, _l("relay tags must be a list of text"))
        if not isinstance(patch, dict):
            raise BadQuestion(number, _l("relay data must map field paths to values"))
    return tags, points, patch


def parse_title(chunk: Chunk, start: int) -> tuple[str, int]:
    text = chunk.text
    at = len(text) - len(text[start:].lstrip())
    if not text.startswith("::", at):
        return "", start
    end = text.find("::", at + 2)
    if end < 0:
        raise BadQuestion(chunk.line_at(at), _l("title has no closing ::"))
    return restore(text[at + 2 : end]), end + 2


def split_block(chunk: Chunk, start: int) -> tuple[str, str, int]:
    """Find the one ``{...}`` block; text after it makes a missing-word prompt."""
    text = chunk.text
    opening, closing = text.find("{", start), text.find("}", start)
    if opening < 0 and closing < 0:
        raise BadQuestion(chunk.line_at(start), "no answer block {...}: a description, which "
                          "Relay does not import (a literal { is \\{)", unsupported=True)
    if opening < 0:
        raise BadQuestion(chunk.line_at(start), _l("no answer block {...} (a literal { is \\{)"))
    if closing < opening:
        at = opening if closing < 0 else closing
        raise BadQuestion(chunk.line_at(at), _l("braces do not pair up (a literal } is \\})"))
    nested, extra = text.find("{", opening + 1, closing), re.search(r"[{}]", text[closing + 1 :])
    if nested >= 0 or extra:
        at = nested if nested >= 0 or extra is None else closing + 1 + extra.start()
        several = nested < 0 and extra is not None and extra.group() == "{"
        raise BadQuestion(chunk.line_at(at), _l("one answer block {...} per question"),
                          unsupported=several)
    before, after = text[start:opening], text[closing + 1 :]
    prompt = restore(before + BLANK + after if after.strip() else before)
    if not prompt:
        raise BadQuestion(chunk.line_at(start), _l("question text is empty"))
    return prompt, text[opening + 1 : closing], opening + 1


def parse_block(body: str, line_at: Callable[[int], int]) -> tuple[str, dict[str, Any], str]:
    """Tell the type from the block's shape, in Moodle's order, and parse it."""
    general = ""
    if (split := body.rfind("####")) >= 0:
        body, general = body[:split], formatted(body[split + 4 :])
    content = body.strip()
    if not content:
        return "essay", {}, general
    if content.startswith("#"):
        return "numerical", parse_numerical(body, line_at), general
    if "~" in content:
        return (*parse_choice(split_answers(body, line_at)), general)
    if "=" in content and "->" in content:
        return "matching", parse_matching(split_answers(body, line_at)), general
    if "=" not in content:
        head, _, comment = content.partition("#")
        if head.strip().upper() not in TRUE_FALSE:
            raise BadQuestion(line_at(0), _l("cannot tell the question type of {%(head)s}",
                                             head=restore(head)))
        return "true_false", parse_true_false(TRUE_FALSE[head.strip().upper()], comment), general
    answers = [{"text": restore(a.text), "weight": a.score(), "feedback": a.feedback}
               for a in split_answers(body, line_at)]  # fmt: skip
    return "short_answer", {"answers": answers}, general


def split_answers(body: str, line_at: Callable[[int], int]) -> list[Answer]:
    marks = list(re.finditer(r"[=~]", body))
    if not marks or body[: marks[0].start()].strip():
        raise BadQuestion(line_at(0), _l("answers must start with = or ~"))
    answers = []
    for mark, after in zip(marks, [*marks[1:], None], strict=True):
        raw = body[mark.end() : after.start() if after else len(body)]
        weight = WEIGHT_RE.match(raw)
        text, _, feedback = raw[weight.end() if weight else 0 :].partition("#")
        value = to_number(weight.group(1)) if weight else None
        answers.append(Answer(mark.group(), value, without_marker(text), formatted(feedback),
                              line_at(mark.start())))
    return answers


def parse_choice(answers: list[Answer]) -> tuple[str, dict[str, Any]]:
    """Moodle's rule: a block with an ``=`` answer is single choice; one with only
    ``~`` answers is multiple response, ``~%50%`` giving weights in percent."""
    if all(a.marker == "~" for a in answers):
        options = [{"text": restore(a.text), "weight": a.score(), "feedback": a.feedback}
                   for a in answers]  # fmt: skip
        return "multiple_response", {"options": options}
    for a in answers:  # wrong options may give partial credit, as in Moodle
        if (a.marker == "=" and a.score() != 100) or not 0 <= a.score() <= 100 or (
                a.marker == "~" and a.score() == 100):
            raise BadQuestion(a.line, _l(
                "a block with = is single choice: an = answer gives 100%% and a ~ answer "
                "0 to 99%%, not %(score)s%%", score=f"{a.score():g}"), unsupported=True)
    options = [{"text": restore(a.text), "correct": a.marker == "=", "feedback": a.feedback,
                **({"credit": a.score()} if a.marker == "~" and a.score() else {})}
               for a in answers]  # fmt: skip
    return "single_choice", {"options": options}


def parse_matching(answers: list[Answer]) -> dict[str, Any]:
    pairs, distractors = [], []
    for a in answers:
        left, arrow, right = a.text.partition("->")
        if not arrow:
            raise BadQuestion(a.line, _l("every matching answer needs 'left -> right'"))
        if left.strip():
            pairs.append({"left": restore(left), "right": restore(right), "feedback": a.feedback})
        else:  # Moodle's "= -> extra": a right item that matches no left one
            distractors.append(restore(right))
    return {"pairs": pairs, "distractors": distractors}


def parse_true_false(answer: bool, comment: str) -> dict[str, Any]:
    # Moodle: {TRUE#shown when answered wrongly#shown when answered rightly}.
    wrong, _, right = (formatted(part) for part in comment.partition("#"))
    return {"answer": answer, "feedback_true": right if answer else wrong,
            "feedback_false": wrong if answer else right}  # fmt: skip


def parse_numerical(body: str, line_at: Callable[[int], int]) -> dict[str, Any]:
    rest_at = body.index("#") + 1
    rest = body[rest_at:]
    if re.search(r"[=~]", rest) and not rest.lstrip().startswith(("=", "~")):
        rest, rest_at = "=" + rest, rest_at - 1  # {#3:2~#wrong}: the first answer is 100%
    if re.search(r"[=~]", rest):
        answers = split_answers(rest, lambda pos: line_at(rest_at + pos))
    else:
        spec, _, feedback = rest.partition("#")
        answers = [Answer("=", None, spec, formatted(feedback), line_at(rest_at))]
    entries = []
    for a in answers:
        if a.marker == "~" and not a.text.strip():
            # Moodle writes the feedback for any other number as "~#feedback".
            entries.append({**ANY_NUMBER, "weight": 0, "feedback": a.feedback})
        else:
            entry = numeric_spec(restore(a.text), a.line)
            entries.append({**entry, "weight": a.score(), "feedback": a.feedback})
    return {"answers": entries}


def numeric_spec(spec: str, line: int) -> dict[str, Any]:
    if ".." in spec:
        low, high = spec.split("..", 1)
        return {"min": parse_number(low, line), "max": parse_number(high, line)}
    value, _, tolerance_text = spec.partition(":")
    tolerance = parse_number(tolerance_text, line) if tolerance_text.strip() else 0
    return {"value": parse_number(value, line), "tolerance": tolerance}


def parse_number(text: str, line: int) -> int | float:
    text = text.strip()
    if not NUMBER_RE.fullmatch(text):
        raise BadQuestion(line, _l("%(text)s is not a number", text=repr(text[:30])))
    number = to_number(text)
    if not is_finite(number):  # e.g. an integer literal with hundreds of digits
        raise BadQuestion(line, _l("%(text)s is too large", text=repr(text[:30])))
    return number


def to_number(text: str) -> int | float:
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)


def apply_patch(data: dict[str, Any], patch: dict[str, Any], line: int) -> dict[str, Any]:
    """Set the fields a relay comment carries, e.g. ``options.1.misconception``."""
    for path, value in patch.items():
        *parents, last = str(path).split(".")
        target: Any = data
        try:
            for part in parents:
                # a str index fails on a list (TypeError, below)
                index: Any = int(part) if part.isdigit() else part
                target = target[index] if isinstance(target, list) else target[part]
            if not isinstance(target, dict) or last not in target:
                raise KeyError(last)
        except (KeyError, IndexError, ValueError, TypeError):
            raise BadQuestion(line, _l("relay comment names unknown field %(path)s",
                                       path=repr(path))) from None
        target[last] = value
    return data


def question_key(title: str, number: int, questions: list[dict[str, Any]]) -> str:
    base = tag_slug(title) or f"gift-{number}"
    taken = {q["key"] for q in questions}
    key, suffix = base, 2
    while key in taken:
        key, suffix = f"{base}-{suffix}", suffix + 1
    return key
