"""essay: free text that a trainer grades by hand.

Word limits are shown to the learner but not enforced in ``normalise``:
autosave must keep a half-written draft. ``word_count`` lets the submit step
warn about them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from quizzes.types.base import (
    AUTHORED_INDEXES,
    Grade,
    OptionTokens,
    QuestionDataError,
    QuestionType,
    as_mapping,
    check_keys,
    check_raw_keys,
    optional_int,
    optional_text,
    text_answer,
)
from quizzes.types.forms import QuestionDataForm, field_text, shown, to_optional_number

MAX_ESSAY = 50_000
# Chinese and Japanese are written without spaces, so each of their characters
# counts as a word (as word processors count them); other text splits on spaces.
CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD_RE = re.compile(rf"[{CJK}]|[^\s{CJK}]+")


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text))


# What learners might write, for the demo company's attempts (a trainer grades them).
SAMPLE_ESSAY = ("我每周把销售数据交给财务部。交接前两天我会提醒对方，交接时当面核对数字，"
                "交完后第二天再确认他们是否用得上。")
WEAK_ESSAY = "我把表格发到群里，对方应该会看。"


class EssayForm(QuestionDataForm):
    type_id = "essay"
    min_words = StringField(
        _l("Minimum words"),
        description=_l("Optional. Each Chinese character counts as a word."),
        render_kw={"size": 6, "inputmode": "numeric"},
    )
    max_words = StringField(
        _l("Maximum words"),
        description=_l("Optional. Shown to the learner; not enforced while they write."),
        render_kw={"size": 6, "inputmode": "numeric"},
    )
    rubric = TextAreaField(
        _l("Rubric"),
        description=_l("Optional. Shown to the trainer who grades the essay. Markdown."),
        render_kw={"rows": 5},
    )

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {key: shown(data.get(key)) for key in ("min_words", "max_words", "rubric")}

    def build_data(self) -> dict[str, Any]:
        for name in ("min_words", "max_words", "rubric"):
            self.target(name, self[name])
        return {
            "min_words": to_optional_number(self.min_words.data, integer=True),
            "max_words": to_optional_number(self.max_words.data, integer=True),
            "rubric": field_text(self.rubric),
        }


class Essay(QuestionType):
    type_id = "essay"
    label = _l("Essay")
    form_class = EssayForm

    def validate(self, data: Any) -> dict[str, Any]:
        data = as_mapping(data if data is not None else {}, "")
        check_keys(data, "", (), ("min_words", "max_words", "rubric"))
        low = optional_int(data, "min_words", "", 0)
        high = optional_int(data, "max_words", "", 1)
        if low is not None and high is not None and high < low:
            raise QuestionDataError("max_words", "must not be below min_words")
        return {"min_words": low, "max_words": high, "rubric": optional_text(data, "rubric", "")}

    def normalise(self, data: Mapping[str, Any], raw: Mapping[str, Sequence[str]],
                  tokens: OptionTokens = AUTHORED_INDEXES) -> str | None:
        check_raw_keys(raw, [""])
        return text_answer(raw, "", MAX_ESSAY)

    def form_values(self, data: Mapping[str, Any], answer: Any,
                    tokens: OptionTokens = AUTHORED_INDEXES) -> dict[str, list[str]]:
        return {} if answer is None else {"": [answer]}

    def grade(self, data: Mapping[str, Any], answer: Any) -> Grade:
        # Nothing to wait for when nothing was written.
        return Grade(0.0, pending=answer is not None)

    def correct_answer(self, data: Mapping[str, Any]) -> str:
        return data["rubric"]

    def right_answer(self, data: Mapping[str, Any]) -> str:
        return SAMPLE_ESSAY

    def wrong_answer(self, data: Mapping[str, Any], rng: random.Random) -> str:
        return WEAK_ESSAY

    def review_context(
        self, data: Mapping[str, Any], answer: Any, option_order: list[int] | None
    ) -> dict[str, Any]:
        # the rubric is the marking guide the trainer grades by
        return {"kind": "essay", "given": answer, "rubric": data["rubric"]}

    def render_context(
        self, data: Mapping[str, Any], option_order: list[int] | None,
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> dict[str, Any]:
        return {
            "min_words": data["min_words"],
            "max_words": data["max_words"],
            "max_length": MAX_ESSAY,
        }
