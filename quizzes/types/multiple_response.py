"""multiple_response: tick any number of options; each carries a weight in percent."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l

from quizzes.types.base import (
    AUTHORED_INDEXES,
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
    display_order,
    is_index,
    join_feedback,
    option_extras,
    path_of,
    reject_duplicates,
    values_of,
)
from quizzes.types.forms import (
    WeightedOptionRow,
    WeightedRowsForm,
    option_rows,
)
from quizzes.types.single_choice import choice_review, pick_wrong

# Moodle accepts positive weights whose sum rounds to 100 %, so GIFT files with
# three options at %33.333% import; grading divides by the actual sum.
SUM_TOLERANCE = 0.5


class MultipleResponseForm(WeightedRowsForm):
    rows_key = "options"
    type_id = "multiple_response"
    options = option_rows(
        WeightedOptionRow,
        _l("Options"),
        _l("Two or more. Give wrong options a zero or negative weight; empty rows are ignored."),
    )


class MultipleResponse(QuestionType):
    type_id = "multiple_response"
    label = _l("Multiple response")
    form_class = MultipleResponseForm

    def validate(self, data: Any) -> dict[str, Any]:
        data = as_mapping(data, "")
        check_keys(data, "", ("options",))
        options = []
        for i, raw in enumerate(as_list(data["options"], "options", min_len=2)):
            here = path_of("options", i)
            raw = as_mapping(raw, here)
            check_keys(raw, here, ("text", "weight"), ("feedback", "misconception"))
            options.append(
                {
                    "text": as_text(raw["text"], path_of(here, "text")),
                    "weight": as_number(raw["weight"], path_of(here, "weight"), -100, 100),
                    **option_extras(raw, here),
                }
            )
        reject_duplicates([o["text"] for o in options], "options", "text")
        total = positive_total(options)
        if abs(total - 100) >= SUM_TOLERANCE:
            raise QuestionDataError("options", f"positive weights must sum to 100, not {total:g}")
        return {"options": options}

    def option_count(self, data: Mapping[str, Any]) -> int:
        return len(data["options"])

    def normalise(
        self, data: Mapping[str, Any], raw: Mapping[str, Sequence[str]],
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> list[int] | None:
        check_raw_keys(raw, [""])
        count = len(data["options"])
        chosen = {tokens.index("option", v.strip(), count) for v in values_of(raw, "")
                  if v.strip()}
        return sorted(chosen) or None

    def form_values(self, data: Mapping[str, Any], answer: Any,
                    tokens: OptionTokens = AUTHORED_INDEXES) -> dict[str, list[str]]:
        return {} if answer is None else {"": [tokens.token("option", i) for i in answer]}

    def grade(self, data: Mapping[str, Any], answer: Any) -> Grade:
        if answer is None:
            return Grade(0.0)
        options = data["options"]
        if not isinstance(answer, list) or not all(is_index(a, len(options)) for a in answer):
            raise AnswerError(SAVED_ANSWER_UNFIT)
        chosen = [options[i] for i in sorted(set(answer))]
        score = sum(o["weight"] for o in chosen) / positive_total(options)
        return Grade(
            min(1.0, max(0.0, score)),
            join_feedback(o["feedback"] for o in chosen),
            tuple(o["misconception"] for o in chosen if o["weight"] <= 0 and o["misconception"]),
        )

    def correct_answer(self, data: Mapping[str, Any]) -> str:
        return "; ".join(o["text"] for o in data["options"] if o["weight"] > 0)

    def right_answer(self, data: Mapping[str, Any]) -> list[int]:
        return [i for i, option in enumerate(data["options"]) if option["weight"] > 0]

    def wrong_answer(self, data: Mapping[str, Any], rng: random.Random) -> list[int] | None:
        options = data["options"]
        choice = pick_wrong(options, [i for i, o in enumerate(options) if o["weight"] <= 0], rng)
        return None if choice is None else [choice]

    def render_context(
        self, data: Mapping[str, Any], option_order: list[int] | None,
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> dict[str, Any]:
        options = data["options"]
        return {
            "options": [
                {"value": tokens.token("option", i), "index": i, "text": options[i]["text"]}
                for i in display_order(len(options), option_order)
            ]
        }

    def review_context(
        self, data: Mapping[str, Any], answer: Any, option_order: list[int] | None
    ) -> dict[str, Any]:
        options = data["options"]
        order = display_order(len(options), option_order)
        return {"kind": "choices", "multiple": True,
                "options": choice_review(options, set(answer or ()), order)}


def positive_total(options: Sequence[Mapping[str, Any]]) -> float:
    return sum(o["weight"] for o in options if o["weight"] > 0)
