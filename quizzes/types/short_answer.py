"""short_answer: type a word or phrase, compared leniently with the accepted answers."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField

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
    as_number,
    as_text,
    check_keys,
    check_raw_keys,
    option_extras,
    optional_text,
    path_of,
    text_answer,
    weighted_grade,
)
from quizzes.types.forms import (
    RowForm,
    WeightedRowsForm,
    feedback_field,
    field_text,
    misconception_field,
    number_field,
    option_rows,
    shown,
)

# NFKC already folds full-width ASCII (，！？：；（）) to ASCII; these CJK marks
# have no compatibility mapping, so learners typing on a Chinese keyboard would
# otherwise fail on punctuation alone.
PUNCTUATION = str.maketrans(
    {
        "。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'",
        "「": '"', "」": '"', "『": '"', "』": '"', "【": "[", "】": "]",
        "《": "<", "》": ">", "〈": "<", "〉": ">", "〔": "(", "〕": ")",
        "—": "-", "–": "-", "−": "-", "〜": "~", "・": "·",
    }
)  # fmt: skip


def normalise_text(text: str) -> str:
    """The form both sides are compared in: NFKC, CJK punctuation, casefold, spaces."""
    text = unicodedata.normalize("NFKC", text).translate(PUNCTUATION).casefold()
    return " ".join(text.split())


def pattern_segments(pattern: str) -> list[str]:
    """Split a normalised pattern at its wildcards; ``\\*`` stays a literal star."""
    segments, current, i = [], [], 0
    while i < len(pattern):
        if pattern.startswith("\\*", i):
            current.append("*")
            i += 2
            continue
        if pattern[i] == "*":
            segments.append("".join(current))
            current = []
        else:
            current.append(pattern[i])
        i += 1
    segments.append("".join(current))
    return segments


def wildcard_match(pattern: str, text: str) -> bool:
    """Glob match without regex, so many stars cannot backtrack exponentially."""
    segments = pattern_segments(normalise_text(pattern))
    text = normalise_text(text)
    if len(segments) == 1:
        return text == segments[0]
    first, *middle, last = segments
    if not text.startswith(first):
        return False
    position = len(first)
    for segment in middle:
        found = text.find(segment, position)
        if found < 0:
            return False
        position = found + len(segment)
    return len(text) - len(last) >= position and text.endswith(last)


def validate_answers(value: Any, path: str) -> list[dict[str, Any]]:
    """Accepted answers with weights 0..100, at least one worth full marks."""
    answers = []
    for i, raw in enumerate(as_list(value, path, min_len=1)):
        here = path_of(path, i)
        raw = as_mapping(raw, here)
        check_keys(raw, here, ("text", "weight"), ("feedback", "misconception"))
        answers.append(
            {
                "text": as_text(raw["text"], path_of(here, "text")),
                "weight": as_number(raw["weight"], path_of(here, "weight"), 0, 100),
                **option_extras(raw, here),
            }
        )
    if not any(a["weight"] == 100 for a in answers):
        raise QuestionDataError(path, "at least one answer needs weight 100")
    return answers


def best_match(answers: Sequence[Mapping[str, Any]], text: str) -> Mapping[str, Any] | None:
    """The highest-weighted matching answer; the first one written wins a tie."""
    best = None
    for answer in answers:
        better = best is None or answer["weight"] > best["weight"]
        if better and wildcard_match(answer["text"], text):
            best = answer
    return best


def grade_text(answers: Sequence[Mapping[str, Any]], answer: Any) -> Grade:
    if answer is None:
        return Grade(0.0)
    if not isinstance(answer, str):
        raise AnswerError(SAVED_ANSWER_UNFIT)
    return weighted_grade(best_match(answers, answer))


def literal_text(answers: Sequence[Mapping[str, Any]]) -> str:
    """The first full-marks answer as a learner would type it: each * matching nothing."""
    text = next(a["text"] for a in answers if a["weight"] == 100)
    return "*".join(part.replace("*", "") for part in text.split("\\*"))


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern.replace("\\*", "")


def review_answer(answers: Sequence[Mapping[str, Any]], display: str = "") -> dict[str, Any]:
    """What a learner's review shows as the accepted answer: never a raw pattern.

    The author's display answer if given; else the first full-marks answer as a learner
    would type it (each * matching nothing), flagged ``by_pattern`` when it came from
    a wildcard; an empty ``expected`` when the pattern leaves nothing to show.
    """
    if display:
        return {"expected": display, "by_pattern": False}
    pattern = next(a["text"] for a in answers if a["weight"] == 100)
    return {"expected": literal_text(answers).strip(), "by_pattern": has_wildcard(pattern)}


def accepted_text(answers: Sequence[Mapping[str, Any]]) -> str:
    return " / ".join(a["text"].replace("\\*", "*") for a in answers if a["weight"] == 100)


class AnswerRow(RowForm):
    text = StringField(
        _l("Accepted answer"),
        description=_l("* matches any characters; write \\* for a literal star."),
    )
    weight = number_field(_l("Weight (%)"), _l("From 0 to 100. At least one answer needs 100."))
    feedback = feedback_field()
    misconception = misconception_field()


class ShortAnswerForm(WeightedRowsForm):
    rows_key = "answers"
    type_id = "short_answer"
    answers = option_rows(
        AnswerRow,
        _l("Accepted answers"),
        _l("Compared ignoring case, spacing and punctuation width; empty rows are ignored."),
    )
    display = StringField(
        _l("Answer shown in the review"),
        description=_l("Optional. Learners see this after submitting; without it, the first "
                       "full-marks answer with its * removed."),
    )

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {**super().initial(data), "display": shown(data.get("display"))}

    def build_data(self) -> dict[str, Any]:
        self.target("display", self.display)
        display = field_text(self.display)  # kept out when empty, as validate() does
        return {**super().build_data(), **({"display": display} if display else {})}


class ShortAnswer(QuestionType):
    type_id = "short_answer"
    label = _l("Short answer")
    form_class = ShortAnswerForm

    def validate(self, data: Any) -> dict[str, Any]:
        data = as_mapping(data, "")
        check_keys(data, "", ("answers",), ("display",))
        clean: dict[str, Any] = {"answers": validate_answers(data["answers"], "answers")}
        # Optional and kept out when empty, so older revisions' data stays equal.
        display = optional_text(data, "display", "")
        if display:
            clean["display"] = display
        return clean

    def normalise(self, data: Mapping[str, Any], raw: Mapping[str, Sequence[str]],
                  tokens: OptionTokens = AUTHORED_INDEXES) -> str | None:
        check_raw_keys(raw, [""])
        return text_answer(raw, "", MAX_TEXT_ANSWER)

    def form_values(self, data: Mapping[str, Any], answer: Any,
                    tokens: OptionTokens = AUTHORED_INDEXES) -> dict[str, list[str]]:
        return {} if answer is None else {"": [answer]}

    def grade(self, data: Mapping[str, Any], answer: Any) -> Grade:
        return grade_text(data["answers"], answer)

    def correct_answer(self, data: Mapping[str, Any]) -> str:
        return accepted_text(data["answers"])

    def right_answer(self, data: Mapping[str, Any]) -> str:
        return literal_text(data["answers"])

    def render_context(
        self, data: Mapping[str, Any], option_order: list[int] | None,
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> dict[str, Any]:
        return {"max_length": MAX_TEXT_ANSWER}

    def review_context(
        self, data: Mapping[str, Any], answer: Any, option_order: list[int] | None
    ) -> dict[str, Any]:
        return {"kind": "text", "given": answer,
                **review_answer(data["answers"], data.get("display", ""))}
