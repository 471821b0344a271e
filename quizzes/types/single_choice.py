"""single_choice: pick exactly one option; full marks for the correct one.

A wrong option may carry partial ``credit`` (a percentage above 0 and below 100),
as Moodle's single-answer multiple choice does (GIFT ``~%50%almost``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from quizzes.types.base import (
    AUTHORED_INDEXES,
    SAVED_ANSWER_UNFIT,
    AnswerError,
    Grade,
    OptionTokens,
    QuestionDataError,
    QuestionType,
    as_bool,
    as_list,
    as_mapping,
    as_number,
    as_text,
    check_keys,
    check_raw_keys,
    display_order,
    is_index,
    option_extras,
    path_of,
    reject_duplicates,
    single_value,
    tags_if_wrong,
)
from quizzes.types.forms import (
    OptionRow,
    QuestionDataForm,
    entries_of,
    field_text,
    option_initial,
    option_rows,
    row_extras,
)


def validate_choice_options(value: Any, path: str) -> list[dict[str, Any]]:
    """Options with ``correct`` flags, exactly one true (also used by cloze gaps)."""
    options = []
    for i, raw in enumerate(as_list(value, path, min_len=2)):
        here = path_of(path, i)
        raw = as_mapping(raw, here)
        check_keys(raw, here, ("text", "correct"), ("feedback", "misconception", "credit"))
        options.append(
            {
                "text": as_text(raw["text"], path_of(here, "text")),
                "correct": as_bool(raw["correct"], path_of(here, "correct")),
                **option_extras(raw, here),
                **option_credit(raw, here),
            }
        )
    reject_duplicates([o["text"] for o in options], path, "text")
    correct = sum(o["correct"] for o in options)
    if correct != 1:
        raise QuestionDataError(path, f"exactly one option must be correct, found {correct}")
    return options


def option_credit(raw: Mapping[str, Any], path: str) -> dict[str, Any]:
    """A wrong option's partial credit in percent; absent (or 0) means none."""
    credit = raw.get("credit")
    if credit is None or credit == 0:
        return {}
    here = path_of(path, "credit")
    if raw.get("correct") is True:
        raise QuestionDataError(here, "only a wrong option takes partial credit")
    value = as_number(credit, here, 0, 100)
    if value == 100:
        raise QuestionDataError(here, "must be below 100 (full marks are the correct option's)")
    return {"credit": value}


def right_choice(options: Sequence[Mapping[str, Any]]) -> int:
    return next(i for i, option in enumerate(options) if option["correct"])


def wrong_choice(options: Sequence[Mapping[str, Any]], rng: random.Random) -> int | None:
    return pick_wrong(options, [i for i, o in enumerate(options) if not o["correct"]], rng)


def pick_wrong(options: Sequence[Mapping[str, Any]], wrong: list[int],
               rng: random.Random) -> int | None:
    """One of the wrong options, preferring those tagged with a misconception."""
    tagged = [i for i in wrong if options[i]["misconception"]]
    return rng.choice(tagged or wrong) if wrong else None


def choice_review(options: Sequence[Mapping[str, Any]], chosen: set[int],
                  order: Sequence[int]) -> list[dict[str, Any]]:
    """Each option in the order the learner saw: its text, chosen, and whether it is right."""
    return [{"text": options[i]["text"], "chosen": i in chosen, "correct": is_right(options[i])}
            for i in order]


def is_right(option: Mapping[str, Any]) -> bool:
    """A right option: ``correct`` (single choice, cloze) or a positive weight."""
    return bool(option.get("correct")) or option.get("weight", 0) > 0


def grade_choice(options: Sequence[Mapping[str, Any]], answer: Any) -> Grade:
    """1 for the correct option, a wrong one's credit (else 0); its feedback either way."""
    if answer is None:
        return Grade(0.0)
    if not is_index(answer, len(options)):
        raise AnswerError(SAVED_ANSWER_UNFIT)
    chosen = options[answer]
    tags = tags_if_wrong(chosen, not chosen["correct"])
    fraction = 1.0 if chosen["correct"] else chosen.get("credit", 0) / 100
    return Grade(fraction, chosen["feedback"], tags)


class SingleChoiceForm(QuestionDataForm):
    """Option rows plus one radio group, ``correct``, whose value is a row index."""

    type_id = "single_choice"
    options = option_rows(
        OptionRow,
        _l("Options"),
        _l("Two or more. Mark the correct one; empty rows are ignored."),
    )
    correct = StringField(_l("Correct option"))

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        options = entries_of(data, "options")
        correct = next((str(i) for i, o in enumerate(options) if o.get("correct") is True), None)
        return {"options": [option_initial(o, "text") for o in options], "correct": correct}

    @classmethod
    def clean_formdata(cls, formdata: Any, prefix: str) -> MultiDict:
        # wtforms renumbers posted rows 0..n-1, so the radio's value must follow.
        clean = super().clean_formdata(formdata, prefix)
        rows = prefix + "options-"
        posted: set[int] = set()
        for key in clean:
            part = key[len(rows) :].split("-")[0] if key.startswith(rows) else ""
            if part.isdigit():
                posted.add(int(part))
        chosen = clean.get(prefix + "correct")
        order = sorted(posted)
        position = next((str(i) for i, row in enumerate(order) if str(row) == chosen), "")
        clean.setlist(prefix + "correct", [position])
        return clean

    def build_data(self) -> dict[str, Any]:
        chosen = field_text(self.correct)
        self.target("correct", self.correct)
        options = self.rows(
            "options",
            lambda row, entry: {
                "text": field_text(row.text),
                "correct": str(entry.index) == chosen,
                **row_extras(row),
            },
        )
        return {"options": options}


class SingleChoice(QuestionType):
    type_id = "single_choice"
    label = _l("Single choice")
    form_class = SingleChoiceForm

    def validate(self, data: Any) -> dict[str, Any]:
        data = as_mapping(data, "")
        check_keys(data, "", ("options",))
        return {"options": validate_choice_options(data["options"], "options")}

    def option_count(self, data: Mapping[str, Any]) -> int:
        return len(data["options"])

    def normalise(self, data: Mapping[str, Any], raw: Mapping[str, Sequence[str]],
                  tokens: OptionTokens = AUTHORED_INDEXES) -> int | None:
        check_raw_keys(raw, [""])
        value = single_value(raw)
        return None if value is None else tokens.index("option", value, len(data["options"]))

    def form_values(self, data: Mapping[str, Any], answer: Any,
                    tokens: OptionTokens = AUTHORED_INDEXES) -> dict[str, list[str]]:
        return {} if answer is None else {"": [tokens.token("option", answer)]}

    def grade(self, data: Mapping[str, Any], answer: Any) -> Grade:
        return grade_choice(data["options"], answer)

    def correct_answer(self, data: Mapping[str, Any]) -> str:
        return next(o["text"] for o in data["options"] if o["correct"])

    def right_answer(self, data: Mapping[str, Any]) -> int:
        return right_choice(data["options"])

    def wrong_answer(self, data: Mapping[str, Any], rng: random.Random) -> int | None:
        return wrong_choice(data["options"], rng)

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
        chosen = set() if answer is None else {answer}
        order = display_order(len(options), option_order)
        return {"kind": "choices", "options": choice_review(options, chosen, order)}
