"""numerical: type a number; it matches a value within a tolerance or a range."""

from __future__ import annotations

import math
import re
import unicodedata
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
    check_keys,
    check_raw_keys,
    option_extras,
    path_of,
    single_value,
    weighted_grade,
)
from quizzes.types.forms import (
    QuestionDataForm,
    RowForm,
    entries_of,
    feedback_field,
    field_text,
    misconception_field,
    number_field,
    option_initial,
    option_rows,
    row_extras,
    to_number,
    to_optional_number,
)

# float() alone is too lenient: it takes "1_000", "nan", "infinity" and
# digits from other scripts. re.ASCII keeps \d to 0-9 after NFKC folding.
NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# Tolerances are written in decimal but compared in binary floating point:
# 0.1 + 0.2 must still count as 0.3 with tolerance 0.
RELATIVE_SLACK = 1e-9


def parse_number(text: str) -> float:
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    if not NUMBER_RE.fullmatch(text):
        raise AnswerError(_l("“%(value)s” is not a number. Write digits, for example 12.5.",
                             value=text[:20]))
    value = float(text)
    if not math.isfinite(value):
        raise AnswerError(_l("“%(value)s” is too large.", value=text[:20]))
    return value


def validate_answer(raw: Any, here: str) -> dict[str, Any]:
    """One accepted answer: either ``value`` with ``tolerance`` or a ``min``/``max`` range."""
    raw = as_mapping(raw, here)
    optional = ("feedback", "misconception")
    if "value" in raw:
        check_keys(raw, here, ("value", "weight"), ("tolerance", *optional))
        tolerance = raw.get("tolerance")
        tolerance = 0 if tolerance is None else tolerance
        entry = {
            "value": as_number(raw["value"], path_of(here, "value")),
            "tolerance": as_number(tolerance, path_of(here, "tolerance"), 0),
        }
    else:
        check_keys(raw, here, ("min", "max", "weight"), optional)
        entry = {
            "min": as_number(raw["min"], path_of(here, "min")),
            "max": as_number(raw["max"], path_of(here, "max")),
        }
        if entry["min"] > entry["max"]:
            raise QuestionDataError(path_of(here, "max"), "must not be below min")
    entry["weight"] = as_number(raw["weight"], path_of(here, "weight"), 0, 100)
    return {**entry, **option_extras(raw, here)}


def matches(entry: Mapping[str, Any], value: float) -> bool:
    if "value" in entry:
        slack = entry["tolerance"] + RELATIVE_SLACK * max(1.0, abs(entry["value"]))
        return abs(value - entry["value"]) <= slack
    slack = RELATIVE_SLACK * max(1.0, abs(entry["min"]), abs(entry["max"]))
    return entry["min"] - slack <= value <= entry["max"] + slack


def fmt(number: float) -> str:
    # 15 significant digits: exact for anything typed, without float noise.
    return f"{number:.15g}"


def describe(entry: Mapping[str, Any]) -> str:
    if "value" in entry:
        if entry["tolerance"]:
            return f"{fmt(entry['value'])} ± {fmt(entry['tolerance'])}"
        return fmt(entry["value"])
    return f"{fmt(entry['min'])} – {fmt(entry['max'])}"


class NumericalRow(RowForm):
    value = number_field(_l("Value"))
    tolerance = number_field(_l("Tolerance (±)"), _l("Optional; 0 when empty."))
    min = number_field(_l("Minimum"))
    max = number_field(_l("Maximum"))
    weight = number_field(_l("Weight (%)"), _l("From 0 to 100. At least one answer needs 100."))
    feedback = feedback_field()
    misconception = misconception_field()


def numerical_entry(row: NumericalRow, entry: object) -> dict[str, Any]:
    """A value (with tolerance) unless only min/max were given, which make a range.

    Fields filled in for the other shape are passed on, so validate() can
    name them as unknown rather than have them ignored.
    """
    given = {key: field_text(row[key]) != "" for key in ("value", "tolerance", "min", "max")}
    result: dict[str, Any] = {}
    if given["value"] or not (given["min"] or given["max"]):
        result["value"] = to_number(row.value.data)
        extras = [key for key in ("tolerance", "min", "max") if given[key]]
    else:
        result["min"] = to_number(row.min.data)
        result["max"] = to_number(row.max.data)
        extras = ["tolerance"] if given["tolerance"] else []
    for key in extras:
        result[key] = to_optional_number(row[key].data)
    result["weight"] = to_number(row.weight.data, percent=True)
    return {**result, **row_extras(row)}


class NumericalForm(QuestionDataForm):
    type_id = "numerical"
    answers = option_rows(
        NumericalRow,
        _l("Accepted answers"),
        _l(
            "Give each answer either a value with an optional tolerance, or a minimum "
            "and maximum; empty rows are ignored."
        ),
    )

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        keys = ("value", "tolerance", "min", "max", "weight")
        return {"answers": [option_initial(a, *keys) for a in entries_of(data, "answers")]}

    def build_data(self) -> dict[str, Any]:
        return {"answers": self.rows("answers", numerical_entry)}


class Numerical(QuestionType):
    type_id = "numerical"
    label = _l("Numerical")
    form_class = NumericalForm

    def validate(self, data: Any) -> dict[str, Any]:
        data = as_mapping(data, "")
        check_keys(data, "", ("answers",))
        raw_answers = as_list(data["answers"], "answers", min_len=1)
        answers = [validate_answer(a, path_of("answers", i)) for i, a in enumerate(raw_answers)]
        if not any(a["weight"] == 100 for a in answers):
            raise QuestionDataError("answers", "at least one answer needs weight 100")
        return {"answers": answers}

    def normalise(self, data: Mapping[str, Any], raw: Mapping[str, Sequence[str]],
                  tokens: OptionTokens = AUTHORED_INDEXES) -> float | None:
        check_raw_keys(raw, [""])
        value = single_value(raw)
        return None if value is None else parse_number(value)

    def form_values(self, data: Mapping[str, Any], answer: Any,
                    tokens: OptionTokens = AUTHORED_INDEXES) -> dict[str, list[str]]:
        return {} if answer is None else {"": [fmt(answer)]}

    def grade(self, data: Mapping[str, Any], answer: Any) -> Grade:
        if answer is None:
            return Grade(0.0)
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            raise AnswerError(SAVED_ANSWER_UNFIT)
        best = None
        for entry in data["answers"]:
            if matches(entry, answer) and (best is None or entry["weight"] > best["weight"]):
                best = entry
        return weighted_grade(best)

    def correct_answer(self, data: Mapping[str, Any]) -> str:
        return " / ".join(describe(a) for a in data["answers"] if a["weight"] == 100)

    def right_answer(self, data: Mapping[str, Any]) -> float:
        entry = next(a for a in data["answers"] if a["weight"] == 100)
        return entry["value"] if "value" in entry else (entry["min"] + entry["max"]) / 2

    def render_context(
        self, data: Mapping[str, Any], option_order: list[int] | None,
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> dict[str, Any]:
        return {}

    def review_context(
        self, data: Mapping[str, Any], answer: Any, option_order: list[int] | None
    ) -> dict[str, Any]:
        given = None if answer is None else fmt(answer)
        return {"kind": "text", "given": given, "expected": self.correct_answer(data),
                "by_pattern": False}
