"""cloze: a text with numbered gaps {{1}}, {{2}}, each a choice or a short answer.

Sub-fields are named by gap index from 0 (``q7-0`` is gap {{1}}), like the
other types' sub-fields (the gaps stand in the text's order anyway); a drop-down
gap's options post their tokens, one list per gap.

The editor form (ClozeForm, below) writes each gap's options or answers as
lines of text; ``format_line`` documents the format.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, SelectChoice, SelectField, TextAreaField

from quizzes.types.base import (
    AUTHORED_INDEXES,
    MAX_TEXT_ANSWER,
    SAVED_ANSWER_UNFIT,
    AnswerError,
    Grade,
    OptionTokens,
    QuestionDataError,
    QuestionType,
    as_list,
    as_mapping,
    as_text,
    check_keys,
    check_raw_keys,
    display_order,
    join_feedback,
    path_of,
    single_value,
    text_answer,
)
from quizzes.types.forms import (
    MAX_ROWS,
    QuestionDataForm,
    RowForm,
    entries_of,
    field_lines,
    field_text,
    shown,
    to_number,
)
from quizzes.types.short_answer import (
    accepted_text,
    grade_text,
    literal_text,
    review_answer,
    validate_answers,
)
from quizzes.types.single_choice import (
    grade_choice,
    right_choice,
    validate_choice_options,
    wrong_choice,
)

GAP_RE = re.compile(r"\{\{\s*(\d+)\s*\}\}")
KINDS = ("choice", "short")


def validate_gap(raw: Any, here: str) -> dict[str, Any]:
    raw = as_mapping(raw, here)
    kind = raw.get("kind")
    if kind == "choice":
        check_keys(raw, here, ("kind", "options"))
        options = validate_choice_options(raw["options"], path_of(here, "options"))
        return {"kind": kind, "options": options}
    if kind == "short":
        check_keys(raw, here, ("kind", "answers"))
        answers = validate_answers(raw["answers"], path_of(here, "answers"))
        return {"kind": kind, "answers": answers}
    raise QuestionDataError(path_of(here, "kind"), f"must be one of {', '.join(KINDS)}")


def check_markers(text: str, gap_count: int) -> None:
    """Every gap appears exactly once in the text, and no marker lacks a gap."""
    numbers = [int(m) for m in GAP_RE.findall(text)]
    for number in numbers:
        if not 1 <= number <= gap_count:
            raise QuestionDataError("text", f"{{{{{number}}}}} has no entry in gaps")
        if numbers.count(number) > 1:
            raise QuestionDataError("text", f"{{{{{number}}}}} appears more than once")
    missing = sorted(set(range(1, gap_count + 1)) - set(numbers))
    if missing:
        raise QuestionDataError("text", f"gap {{{{{missing[0]}}}}} is missing from the text")


def grade_gap(gap: Mapping[str, Any], value: Any) -> Grade:
    if gap["kind"] == "choice":
        if isinstance(value, str):
            raise AnswerError(SAVED_ANSWER_UNFIT)
        return grade_choice(gap["options"], value)
    if value is not None and not isinstance(value, str):
        raise AnswerError(SAVED_ANSWER_UNFIT)
    return grade_text(gap["answers"], value)


def gap_orders(gaps: Sequence[Mapping[str, Any]], option_order: list[int] | None
               ) -> dict[int, list[int]]:
    """Each drop-down gap's option indexes in display order.

    The attempt stores one shuffled permutation over all drop-down options (numbered
    gap after gap); each gap shows its own options in the order they appear in it.
    """
    choice = [(i, len(g["options"])) for i, g in enumerate(gaps) if g["kind"] == "choice"]
    order = display_order(sum(count for _, count in choice), option_order)
    orders, offset = {}, 0
    for index, count in choice:
        orders[index] = [n - offset for n in order if offset <= n < offset + count]
        offset += count
    return orders


def gap_token_kind(index: int) -> str:
    """Each drop-down gap's options are a token list of their own."""
    return f"gap{index}"


def gap_review(gap: Mapping[str, Any], value: Any, number: int) -> dict[str, Any]:
    """One gap of the review: what the learner gave, the right answer, right or not."""
    fraction = grade_gap(gap, value).fraction
    if gap["kind"] == "choice":
        options = gap["options"]
        given = None if value is None else options[value]["text"]
        return {"number": number, "given": given, "expected": gap_answer(gap),
                "by_pattern": False, "right": fraction == 1}
    return {"number": number, "given": value, "right": fraction == 1,
            **review_answer(gap["answers"])}


def gap_answer(gap: Mapping[str, Any]) -> str:
    if gap["kind"] == "choice":
        return next(o["text"] for o in gap["options"] if o["correct"])
    return accepted_text(gap["answers"])


# --- the editor form -------------------------------------------------------
#
# A gap's options (choice) or accepted answers (short) are edited as lines:
#
#     [mark]text [| feedback [| misconception-tag]]
#
# mark: "=" for the correct option / an answer worth 100 %; "%50%" for a short
# answer worth 50 %; none for a wrong option / an answer worth 0.
# Escapes: \| a literal bar, \n a line break (in feedback), \\ a backslash
# before one of these, \= and \% a literal = or % at the start of the text.
# Any other backslash is literal, so a short answer's \* stays as written.

ESCAPES = {"\\": "\\", "|": "|", "n": "\n", "=": "=", "%": "%"}
WEIGHT_MARK = re.compile(r"%([^%\s]*)%")


def escape_part(value: str, first: bool = False) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for i, char in enumerate(value):
        after = value[i + 1 : i + 2]
        if char == "\\":
            out.append("\\\\" if after and (after in ESCAPES or after == "\n") else "\\")
        elif char == "|":
            out.append("\\|")
        elif char == "\n":
            out.append("\\n")
        elif first and i == 0 and char in "=%":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def format_line(mark: str, text_: str, feedback: str = "", tag_: str = "") -> str:
    """One option or answer as a line; parse_line() reads it back."""
    parts = [escape_part(text_, first=True)]
    if feedback or tag_:
        parts.append(escape_part(feedback))
    if tag_:
        parts.append(escape_part(tag_))
    return mark + " | ".join(parts)


def parse_line(line: str) -> tuple[str | None, str, str, str | None]:
    """(mark, text, feedback, tag): mark is "=", a weight's text, or None."""
    line = line.strip()
    mark = None
    if line.startswith("="):
        mark, line = "=", line[1:]
    elif match := WEIGHT_MARK.match(line):
        mark, line = match.group(1), line[match.end() :]
    parts, current, i = [], [], 0
    while i < len(line):
        char = line[i]
        if char == "\\" and line[i + 1 : i + 2] in ESCAPES:
            current.append(ESCAPES[line[i + 1]])
            i += 2
            continue
        if char == "|":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    parts = [part.strip() for part in parts]
    feedback = parts[1] if len(parts) > 1 else ""
    return mark, parts[0], feedback, "|".join(parts[2:]) or None


def weight_mark(weight: Any) -> str:
    if isinstance(weight, int | float) and not isinstance(weight, bool) and weight in (0, 100):
        return "=" if weight == 100 else ""
    return f"%{shown(weight)}%"


def gap_lines(gap: Mapping[str, Any]) -> str:
    if gap.get("kind") == "short":
        entries = [(weight_mark(a.get("weight")), a) for a in entries_of(gap, "answers")]
    else:
        entries = [("=" if o.get("correct") is True else "", o) for o in entries_of(gap, "options")]
    return "\n".join(
        format_line(mark, *(shown(e.get(key)) for key in ("text", "feedback", "misconception")))
        for mark, e in entries
    )


def gap_data(kind: str, found: list[tuple[int, str]]) -> dict[str, Any]:
    parsed = [parse_line(line) for _, line in found]
    if kind == "choice":
        options = []
        for mark, text_, feedback, tag_ in parsed:
            option = {"text": text_, "correct": mark == "=", "feedback": feedback}
            option["misconception"] = tag_
            if mark not in (None, "="):  # weights are for short gaps: validate() says so
                option["weight"] = to_number(mark, percent=True)
            options.append(option)
        return {"kind": kind, "options": options}
    if kind == "short":
        answers = []
        for mark, text_, feedback, tag_ in parsed:
            weight = 100 if mark == "=" else 0 if mark is None else to_number(mark, percent=True)
            answers.append(
                {"text": text_, "weight": weight, "feedback": feedback, "misconception": tag_}
            )
        return {"kind": kind, "answers": answers}
    return {"kind": kind or None}


class GapRow(RowForm):
    always_set = ("kind",)
    kind = SelectField(
        _l("Gap type"),
        validate_choice=False,
        choices=[
            SelectChoice("choice", _l("Drop-down choice")),
            SelectChoice("short", _l("Short answer")),
        ],
        default="choice",
    )
    lines = TextAreaField(
        _l("Options or answers, one per line"),
        description=_l(
            "Start the correct option, or an answer worth 100%, with =. Give a short "
            "answer partial credit with a weight such as %50%. Lines without a mark are "
            "wrong options, or answers worth 0. Optionally add | feedback | "
            "misconception-tag; write \\| for a literal bar and \\n for a line break."
        ),
        render_kw={"rows": 4},
    )


class ClozeForm(QuestionDataForm):
    type_id = "cloze"
    text = TextAreaField(
        _l("Text"),
        description=_l("Mark the gaps {{1}}, {{2}} … in the order of the gap rows. Plain text."),
        render_kw={"rows": 6},
    )
    gaps = FieldList(
        FormField(GapRow),
        label=_l("Gaps"),
        description=_l(
            "Row 1 is gap {{1}}, row 2 is {{2}} and so on. Empty rows at the end are ignored."
        ),
        max_entries=MAX_ROWS,
    )

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        gaps = [
            {"kind": shown(g.get("kind")) or "choice", "lines": gap_lines(g)}
            for g in entries_of(data, "gaps")
        ]
        return {"text": shown(data.get("text")), "gaps": gaps}

    def build_data(self) -> dict[str, Any]:
        self.target("text", self.text)
        self.target("gaps", self.gaps)
        # A blank gap between filled ones keeps its place, so row n stays {{n}}
        # (validate() then reports it as empty); only trailing blanks go.
        entries = list(self.gaps.entries)
        while entries and entries[-1].form.is_blank():
            entries.pop()
        gaps = []
        for i, entry in enumerate(entries):
            row, here = entry.form, f"gaps.{i}"
            found = field_lines(row.lines)
            numbers = [n for n, _ in found]
            self.target(here, row.lines)
            self.target(f"{here}.kind", row.kind)
            self.line_targets(f"{here}.options", row.lines, numbers)
            self.line_targets(f"{here}.answers", row.lines, numbers)
            gaps.append(gap_data(field_text(row.kind), found))
        return {"text": field_text(self.text), "gaps": gaps}


class Cloze(QuestionType):
    type_id = "cloze"
    label = _l("Cloze (fill in the gaps)")
    form_class = ClozeForm

    def validate(self, data: Any) -> dict[str, Any]:
        data = as_mapping(data, "")
        check_keys(data, "", ("text", "gaps"))
        text = as_text(data["text"], "text")
        raw_gaps = as_list(data["gaps"], "gaps", min_len=1)
        gaps = [validate_gap(g, path_of("gaps", i)) for i, g in enumerate(raw_gaps)]
        check_markers(text, len(gaps))
        return {"text": text, "gaps": gaps}

    def normalise(
        self, data: Mapping[str, Any], raw: Mapping[str, Sequence[str]],
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> list[int | str | None] | None:
        gaps = data["gaps"]
        check_raw_keys(raw, [str(i) for i in range(len(gaps))])
        answer: list[int | str | None] = []
        for i, gap in enumerate(gaps):
            if gap["kind"] == "choice":
                value = single_value(raw, str(i))
                answer.append(None if value is None else tokens.index(
                    gap_token_kind(i), value, len(gap["options"])))
            else:
                answer.append(text_answer(raw, str(i), MAX_TEXT_ANSWER))
        return None if all(a is None for a in answer) else answer

    def form_values(self, data: Mapping[str, Any], answer: Any,
                    tokens: OptionTokens = AUTHORED_INDEXES) -> dict[str, list[str]]:
        values = {}
        for i, (gap, value) in enumerate(zip(data["gaps"], answer or (), strict=False)):
            if value is not None:
                values[str(i)] = [tokens.token(gap_token_kind(i), value)
                                  if gap["kind"] == "choice" else value]
        return values

    def grade(self, data: Mapping[str, Any], answer: Any) -> Grade:
        gaps = data["gaps"]
        if answer is None:
            return Grade(0.0)
        if not isinstance(answer, list) or len(answer) != len(gaps):
            raise AnswerError(SAVED_ANSWER_UNFIT)
        grades = [grade_gap(g, a) for g, a in zip(gaps, answer, strict=True)]
        return Grade(
            sum(g.fraction for g in grades) / len(grades),
            join_feedback(g.feedback for g in grades),
            tuple(tag for g in grades for tag in g.misconceptions),
        )

    def correct_answer(self, data: Mapping[str, Any]) -> str:
        gaps = data["gaps"]
        return GAP_RE.sub(lambda m: f"[{gap_answer(gaps[int(m.group(1)) - 1])}]", data["text"])

    def right_answer(self, data: Mapping[str, Any]) -> list[int | str]:
        return [right_choice(gap["options"]) if gap["kind"] == "choice"
                else literal_text(gap["answers"]) for gap in data["gaps"]]

    def wrong_answer(self, data: Mapping[str, Any], rng: random.Random) -> list[Any]:
        return [wrong_choice(gap["options"], rng) if gap["kind"] == "choice" else None
                for gap in data["gaps"]]

    def option_count(self, data: Mapping[str, Any]) -> int:
        """All drop-down options of all gaps, numbered gap after gap."""
        return sum(len(g["options"]) for g in data["gaps"] if g["kind"] == "choice")

    def review_context(
        self, data: Mapping[str, Any], answer: Any, option_order: list[int] | None
    ) -> dict[str, Any]:
        gaps = data["gaps"]
        values = answer or [None] * len(gaps)
        return {"kind": "cloze", "gaps": [gap_review(gap, value, i + 1) for i, (gap, value)
                                          in enumerate(zip(gaps, values, strict=True))]}

    def render_context(
        self, data: Mapping[str, Any], option_order: list[int] | None,
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> dict[str, Any]:
        segments: list[dict[str, Any]] = []
        text, gaps, start = data["text"], data["gaps"], 0
        orders = gap_orders(gaps, option_order)
        for match in GAP_RE.finditer(text):
            segments.append({"kind": "text", "text": text[start : match.start()]})
            index = int(match.group(1)) - 1
            segment = {"kind": gaps[index]["kind"], "gap": index, "number": index + 1}
            if gaps[index]["kind"] == "choice":
                options = gaps[index]["options"]
                kind = gap_token_kind(index)
                segment["options"] = [{"value": tokens.token(kind, j), "index": j,
                                       "text": options[j]["text"]} for j in orders[index]]
            segments.append(segment)
            start = match.end()
        segments.append({"kind": "text", "text": text[start:]})
        return {"segments": segments, "max_length": MAX_TEXT_ANSWER}
