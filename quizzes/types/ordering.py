"""ordering: put the items in the right sequence.

The form gives every item a position select (works without JavaScript), named
by the item's token, never its authored position (which is its right place);
the answer is the list of item indexes in the learner's order.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, TextAreaField

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
    parse_index,
    path_of,
    reject_duplicates,
    single_value,
)
from quizzes.types.forms import QuestionDataForm, field_lines, field_text, shown, texts_of

SCORINGS = ("position", "longest_run")


def position_score(answer: Sequence[int]) -> float:
    """Share of items sitting in their own place."""
    return sum(1 for place, item in enumerate(answer) if place == item) / len(answer)


def longest_run_score(answer: Sequence[int]) -> float:
    """Longest stretch of items that follow each other as they should, over n.

    A lone item is no evidence of ordering, so runs of 1 score nothing.
    """
    best = run = 1
    for before, after in zip(answer, answer[1:], strict=False):
        run = run + 1 if after == before + 1 else 1
        best = max(best, run)
    return best / len(answer) if best >= 2 else 0.0


def is_permutation(answer: Any, count: int) -> bool:
    return (
        isinstance(answer, list)
        and all(is_index(a, count) for a in answer)
        and sorted(answer) == list(range(count))
    )


class OrderingForm(QuestionDataForm):
    type_id = "ordering"
    items = TextAreaField(
        _l("Items in the correct order"),
        description=_l("One per line, first to last; at least three. Learners see them shuffled."),
        render_kw={"rows": 6},
    )
    scoring = SelectField(
        _l("Scoring"),
        validate_choice=False,
        choices=[
            SelectChoice("position", _l("Position: the share of items in their right place")),
            SelectChoice("longest_run", _l("Longest run: the longest stretch in the right order")),
        ],
        default="position",
    )

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"items": texts_of(data, "items"), "scoring": shown(data.get("scoring")) or None}

    def build_data(self) -> dict[str, Any]:
        found = field_lines(self.items)
        self.line_targets("items", self.items, [n for n, _ in found])
        self.target("scoring", self.scoring)
        return {"items": [line for _, line in found], "scoring": field_text(self.scoring) or None}


class Ordering(QuestionType):
    type_id = "ordering"
    label = _l("Ordering")
    form_class = OrderingForm

    def validate(self, data: Any) -> dict[str, Any]:
        data = as_mapping(data, "")
        check_keys(data, "", ("items",), ("scoring",))
        raw_items = as_list(data["items"], "items", min_len=3)
        items = [as_text(t, path_of("items", i)) for i, t in enumerate(raw_items)]
        # Two equal items could swap places unnoticed, so the order is ambiguous.
        reject_duplicates(items, "items")
        scoring = data.get("scoring") or "position"
        if scoring not in SCORINGS:
            raise QuestionDataError("scoring", f"must be one of {', '.join(SCORINGS)}")
        return {"items": items, "scoring": scoring}

    def option_count(self, data: Mapping[str, Any]) -> int:
        return len(data["items"])

    def normalise(
        self, data: Mapping[str, Any], raw: Mapping[str, Sequence[str]],
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> list[int] | None:
        count = len(data["items"])
        names = [tokens.token("item", i) for i in range(count)]
        check_raw_keys(raw, names)
        positions = [single_value(raw, name) for name in names]
        if all(p is None for p in positions):
            return None
        if any(p is None for p in positions):
            raise AnswerError(_l("Give every item a position."))
        # Positions are shown 1..n; parse_index checks 0..n, so shift first.
        places = [parse_index(p, count + 1) - 1 for p in positions if p is not None]
        if min(places) < 0 or len(set(places)) != count:
            raise AnswerError(_l("Give every item a different position."))
        answer = [0] * count
        for item, place in enumerate(places):
            answer[place] = item
        return answer

    def form_values(self, data: Mapping[str, Any], answer: Any,
                    tokens: OptionTokens = AUTHORED_INDEXES) -> dict[str, list[str]]:
        return {tokens.token("item", item): [str(place + 1)]
                for place, item in enumerate(answer or ())}

    def grade(self, data: Mapping[str, Any], answer: Any) -> Grade:
        if answer is None:
            return Grade(0.0)
        count = len(data["items"])
        if not is_permutation(answer, count):
            raise AnswerError(SAVED_ANSWER_UNFIT)
        score = longest_run_score if data["scoring"] == "longest_run" else position_score
        return Grade(score(answer))

    def correct_answer(self, data: Mapping[str, Any]) -> str:
        return " → ".join(data["items"])

    def right_answer(self, data: Mapping[str, Any]) -> list[int]:
        return list(range(len(data["items"])))

    def wrong_answer(self, data: Mapping[str, Any], rng: random.Random) -> list[int]:
        answer = self.right_answer(data)
        step = rng.randrange(len(answer) - 1)  # two neighbouring steps swapped
        answer[step], answer[step + 1] = answer[step + 1], answer[step]
        return answer

    def review_context(
        self, data: Mapping[str, Any], answer: Any, option_order: list[int] | None
    ) -> dict[str, Any]:
        items = data["items"]
        rows = [{"label": place + 1,
                 "given": None if answer is None else items[answer[place]],
                 "expected": item, "right": answer is not None and answer[place] == place}
                for place, item in enumerate(items)]
        return {"kind": "order", "rows": rows}

    def render_context(
        self, data: Mapping[str, Any], option_order: list[int] | None,
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> dict[str, Any]:
        items = data["items"]
        # The authored order is the answer; without a stored shuffle fall back
        # to alphabetical so the page never simply shows the solution.
        if option_order is None:
            order = sorted(range(len(items)), key=lambda i: (items[i].casefold(), i))
        else:
            order = display_order(len(items), option_order)
        return {
            "items": [{"name": tokens.token("item", i), "index": i, "text": items[i]}
                      for i in order],
            "positions": list(range(1, len(items) + 1)),
        }
