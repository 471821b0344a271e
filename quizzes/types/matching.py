"""matching: pair each left item with one of the right-hand choices.

The answer holds, per left item, an index into the combined rights list (the
pairs' rights, then the distractors) or None. Two pairs may share a right
text; a choice is judged by its text, so either copy counts.

In a page, each row's select is named by a "row" token and each choice's value
is a "choice" token: two lists of tokens, so a row's name never matches the
value of its own right choice.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

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
    as_text,
    check_keys,
    check_raw_keys,
    display_order,
    is_index,
    join_feedback,
    option_extras,
    path_of,
    reject_duplicates,
    single_value,
)
from quizzes.types.forms import (
    QuestionDataForm,
    RowForm,
    entries_of,
    feedback_field,
    field_lines,
    field_text,
    misconception_field,
    option_initial,
    option_rows,
    row_extras,
    texts_of,
)


def rights(data: Mapping[str, Any]) -> list[str]:
    return [p["right"] for p in data["pairs"]] + list(data["distractors"])


class PairRow(RowForm):
    left = StringField(_l("Left item"))
    right = StringField(_l("Matching right item"))
    feedback = feedback_field()
    misconception = misconception_field(
        _l(
            "Optional kebab-case tag recorded when a learner pairs this wrongly, "
            "e.g. passes-the-blame."
        )
    )


class MatchingForm(QuestionDataForm):
    type_id = "matching"
    pairs = option_rows(
        PairRow,
        _l("Pairs"),
        _l("Two or more. Learners match each left item to its right item; empty rows are ignored."),
    )
    distractors = TextAreaField(
        _l("Distractors"),
        description=_l("Optional extra right items that match nothing, one per line."),
        render_kw={"rows": 3},
    )

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "pairs": [option_initial(p, "left", "right") for p in entries_of(data, "pairs")],
            "distractors": texts_of(data, "distractors"),
        }

    def build_data(self) -> dict[str, Any]:
        pairs = self.rows(
            "pairs",
            lambda row, entry: {
                "left": field_text(row.left),
                "right": field_text(row.right),
                **row_extras(row),
            },
        )
        found = field_lines(self.distractors)
        self.line_targets("distractors", self.distractors, [n for n, _ in found])
        return {"pairs": pairs, "distractors": [line for _, line in found]}


class Matching(QuestionType):
    type_id = "matching"
    label = _l("Matching")
    form_class = MatchingForm

    def validate(self, data: Any) -> dict[str, Any]:
        data = as_mapping(data, "")
        check_keys(data, "", ("pairs",), ("distractors",))
        pairs = []
        for i, raw in enumerate(as_list(data["pairs"], "pairs", min_len=2)):
            here = path_of("pairs", i)
            raw = as_mapping(raw, here)
            check_keys(raw, here, ("left", "right"), ("feedback", "misconception"))
            pairs.append(
                {
                    "left": as_text(raw["left"], path_of(here, "left")),
                    "right": as_text(raw["right"], path_of(here, "right")),
                    **option_extras(raw, here),
                }
            )
        reject_duplicates([p["left"] for p in pairs], "pairs", "left")
        raw_distractors = data.get("distractors") or []
        distractors = [
            as_text(d, path_of("distractors", i))
            for i, d in enumerate(as_list(raw_distractors, "distractors"))
        ]
        answers = {p["right"] for p in pairs}
        for i, text in enumerate(distractors):
            if text in answers:
                raise QuestionDataError(path_of("distractors", i), "is also a correct right item")
        reject_duplicates(distractors, "distractors")
        return {"pairs": pairs, "distractors": distractors}

    def option_count(self, data: Mapping[str, Any]) -> int:
        return len(rights(data))

    def normalise(
        self, data: Mapping[str, Any], raw: Mapping[str, Sequence[str]],
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> list[int | None] | None:
        rows = [tokens.token("row", i) for i in range(len(data["pairs"]))]
        check_raw_keys(raw, rows)
        texts = rights(data)
        answer: list[int | None] = []
        for row in rows:
            value = single_value(raw, row)
            # A duplicated right text is stored as its first copy, which is the
            # one the form shows, so a saved answer pre-fills correctly.
            answer.append(None if value is None else
                          texts.index(texts[tokens.index("choice", value, len(texts))]))
        return None if all(a is None for a in answer) else answer

    def form_values(self, data: Mapping[str, Any], answer: Any,
                    tokens: OptionTokens = AUTHORED_INDEXES) -> dict[str, list[str]]:
        return {tokens.token("row", i): [tokens.token("choice", a)]
                for i, a in enumerate(answer or ()) if a is not None}

    def grade(self, data: Mapping[str, Any], answer: Any) -> Grade:
        if answer is None:
            return Grade(0.0)
        pairs, texts = data["pairs"], rights(data)
        if not isinstance(answer, list) or len(answer) != len(pairs):
            raise AnswerError(SAVED_ANSWER_UNFIT)
        if not all(a is None or is_index(a, len(texts)) for a in answer):
            raise AnswerError(SAVED_ANSWER_UNFIT)
        # Pair feedback and misconceptions explain a wrong pairing, so they are
        # reported only for lefts that were answered and answered wrongly.
        answered = [(p, texts[a]) for p, a in zip(pairs, answer, strict=True) if a is not None]
        wrong = [p for p, text in answered if text != p["right"]]
        return Grade(
            (len(answered) - len(wrong)) / len(pairs),
            join_feedback(p["feedback"] for p in wrong),
            tuple(p["misconception"] for p in wrong if p["misconception"]),
        )

    def correct_answer(self, data: Mapping[str, Any]) -> str:
        return "; ".join(f"{p['left']} → {p['right']}" for p in data["pairs"])

    def right_answer(self, data: Mapping[str, Any]) -> list[int]:
        texts = rights(data)
        return [texts.index(pair["right"]) for pair in data["pairs"]]

    def wrong_answer(self, data: Mapping[str, Any], rng: random.Random) -> list[int]:
        answer = self.right_answer(data)
        first, second = rng.sample(range(len(answer)), 2)  # two pairs mixed up
        answer[first], answer[second] = answer[second], answer[first]
        return answer

    def review_context(
        self, data: Mapping[str, Any], answer: Any, option_order: list[int] | None
    ) -> dict[str, Any]:
        texts = rights(data)
        rows = []
        for i, pair in enumerate(data["pairs"]):
            given = None if answer is None or answer[i] is None else texts[answer[i]]
            rows.append({"label": pair["left"], "given": given, "expected": pair["right"],
                         "right": given == pair["right"]})
        return {"kind": "pairs", "rows": rows}

    def render_context(
        self, data: Mapping[str, Any], option_order: list[int] | None,
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> dict[str, Any]:
        texts = rights(data)
        # Without a stored order the authored order would give the answer away
        # (pairs' rights come first, in pair order); sort by text instead.
        if option_order is None:
            order = sorted(range(len(texts)), key=lambda i: (texts[i].casefold(), i))
        else:
            order = display_order(len(texts), option_order)
        choices, shown = [], set()
        for i in order:
            if texts[i] not in shown:
                shown.add(texts[i])
                first = texts.index(texts[i])
                choices.append({"value": tokens.token("choice", first), "index": first,
                                "text": texts[i]})
        rows = [{"name": tokens.token("row", i), "index": i, "left": p["left"]}
                for i, p in enumerate(data["pairs"])]
        return {"rows": rows, "choices": choices}
