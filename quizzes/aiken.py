"""Aiken import: Moodle's simplest text format, single-choice questions only.

    What does an internal customer receive?
    A. Nothing
    B. Your work
    ANSWER: B

Options may be written ``A.`` or ``A)``; full-width ``Ａ．``/``A、`` and
``ANSWER：B`` typed on a Chinese keyboard are accepted too. A file with any
error is rejected whole, with every error listed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from quizzes import question_type_name
from quizzes.types import QuestionDataError, get_type

OPTION_RE = re.compile(r"([A-Za-zＡ-Ｚａ-ｚ])(?:[.)]\s+|[．）、]\s*)(\S.*)")
ANSWER_RE = re.compile(r"ANSWER\s*[:：]\s*(\S*)", re.IGNORECASE)


def ascii_letter(letter: str) -> str:
    """Ｂ typed on a Chinese keyboard is B (only the letter: option text stays as written)."""
    return unicodedata.normalize("NFKC", letter).upper()


class AikenError(ValueError):
    """An Aiken file was rejected; ``errors`` lists (line number, message)."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = sorted(errors)
        super().__init__("; ".join(f"line {n}: {m}" for n, m in self.errors))


@dataclass
class Draft:
    """A question being read: prompt lines, then options, then ANSWER."""

    line: int = 0
    prompt: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    broken: bool = False  # an error was reported; skip to its ANSWER line

    @property
    def started(self) -> bool:
        return bool(self.prompt or self.options)


def parse_aiken(text: str) -> list[dict[str, Any]]:
    """Parse an Aiken file into single_choice question dicts, or raise AikenError."""
    questions: list[dict[str, Any]] = []
    errors: list[tuple[int, str]] = []
    draft = Draft()
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            # A blank line ends a broken question, so the next one is still checked;
            # it cannot sit between the options and ANSWER.
            if draft.options and not draft.broken:
                errors.append((draft.line, _l("question has no ANSWER line")))
            if draft.options or draft.broken:
                draft = Draft()
            elif draft.prompt:
                draft.prompt.append("")
            continue
        answer = ANSWER_RE.fullmatch(line)
        if answer:
            if not draft.broken:
                finish(draft, answer.group(1), number, questions, errors)
            draft = Draft()
            continue
        if not draft.broken:
            read_line(draft, line, number, errors)
    if draft.started and not draft.broken:
        errors.append((draft.line, _l("question has no ANSWER line")))
    if errors:
        raise AikenError(errors)
    return questions


def read_line(draft: Draft, line: str, number: int, errors: list[tuple[int, str]]) -> None:
    option = OPTION_RE.fullmatch(line) if draft.prompt else None
    if option:
        expected = chr(ord("A") + len(draft.options))
        if ascii_letter(option.group(1)) != expected:
            fail(draft, errors, number, _l("option %(letter)s should be %(expected)s",
                                           letter=option.group(1), expected=expected))
        else:
            draft.options.append(option.group(2).strip())
    elif draft.options:
        fail(draft, errors, number, _l("expected the next option or an ANSWER: line"))
    else:
        draft.line = draft.line or number
        draft.prompt.append(line)


def finish(
    draft: Draft,
    letter: str,
    number: int,
    questions: list[dict[str, Any]],
    errors: list[tuple[int, str]],
) -> None:
    if not draft.options:
        errors.append((number, _l("ANSWER: line without a question and options before it")))
        return
    letter = ascii_letter(letter)
    index = ord(letter) - ord("A") if len(letter) == 1 else -1
    if not 0 <= index < len(draft.options):
        last = chr(ord("A") + len(draft.options) - 1)
        errors.append((number, _l("ANSWER must be one letter from A to %(last)s, not %(letter)s",
                                  last=last, letter=repr(letter))))
        return
    options = [{"text": t, "correct": i == index} for i, t in enumerate(draft.options)]
    try:
        data = get_type("single_choice").validate({"options": options})
    except QuestionDataError as exc:
        errors.append((draft.line, _l("%(type)s: %(problem)s",
                                      type=question_type_name("single_choice"), problem=exc)))
        return
    questions.append(
        {
            "key": f"aiken-{len(questions) + 1}",
            "type": "single_choice",
            "title": "",
            "prompt": "\n".join(draft.prompt).strip(),
            "points": 1,
            "tags": [],
            "feedback": "",
            "data": data,
            "category": None,
            "line": draft.line,
        }  # fmt: skip
    )


def fail(draft: Draft, errors: list[tuple[int, str]], number: int, message: str) -> None:
    errors.append((number, message))
    draft.broken = True
