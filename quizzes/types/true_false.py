"""true_false: a statement the learner marks true or false."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, TextAreaField

from quizzes.types.base import (
    AUTHORED_INDEXES,
    SAVED_ANSWER_UNFIT,
    AnswerError,
    Grade,
    OptionTokens,
    QuestionType,
    as_bool,
    as_mapping,
    check_keys,
    check_raw_keys,
    optional_tag,
    optional_text,
    single_value,
    tags_if_wrong,
)
from quizzes.types.forms import QuestionDataForm, field_tag, field_text, misconception_field, shown

# The form posts these words; anything else did not come from our template. They
# say nothing about the key: a true and a false statement render the same inputs.
CHOICES = {"true": True, "false": False}
# What the learner reads, in the UI language (对 / 错), never Python's True / False.
LABELS = {True: _l("True"), False: _l("False")}


class TrueFalseForm(QuestionDataForm):
    type_id = "true_false"
    answer = RadioField(
        _l("The statement is"),
        validate_choice=False,
        choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
    )
    feedback_true = TextAreaField(
        _l("Feedback for learners who answer True"),
        description=_l("Optional. Markdown."),
        render_kw={"rows": 3},
    )
    feedback_false = TextAreaField(
        _l("Feedback for learners who answer False"),
        description=_l("Optional. Markdown."),
        render_kw={"rows": 3},
    )
    misconception = misconception_field(
        _l(
            "Optional kebab-case tag recorded when a learner answers wrongly, "
            "e.g. passes-the-blame."
        )
    )

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        answer = data.get("answer")
        return {
            "answer": ("true" if answer else "false") if isinstance(answer, bool) else None,
            "feedback_true": shown(data.get("feedback_true")),
            "feedback_false": shown(data.get("feedback_false")),
            "misconception": shown(data.get("misconception")),
        }

    def build_data(self) -> dict[str, Any]:
        for name in ("answer", "feedback_true", "feedback_false", "misconception"):
            self.target(name, self[name])
        return {
            "answer": CHOICES.get(field_text(self.answer)),
            "feedback_true": field_text(self.feedback_true),
            "feedback_false": field_text(self.feedback_false),
            "misconception": field_tag(self.misconception),
        }


class TrueFalse(QuestionType):
    type_id = "true_false"
    label = _l("True/false")
    form_class = TrueFalseForm

    def validate(self, data: Any) -> dict[str, Any]:
        data = as_mapping(data, "")
        check_keys(data, "", ("answer",), ("feedback_true", "feedback_false", "misconception"))
        return {
            "answer": as_bool(data["answer"], "answer"),
            "feedback_true": optional_text(data, "feedback_true", ""),
            "feedback_false": optional_text(data, "feedback_false", ""),
            "misconception": optional_tag(data, "misconception", ""),
        }

    def normalise(self, data: Mapping[str, Any], raw: Mapping[str, Sequence[str]],
                  tokens: OptionTokens = AUTHORED_INDEXES) -> bool | None:
        check_raw_keys(raw, [""])
        value = single_value(raw)
        if value is None:
            return None
        if value.lower() not in CHOICES:
            raise AnswerError(_l("“%(value)s” is neither true nor false. Reload the page.",
                                 value=value[:20]))
        return CHOICES[value.lower()]

    def grade(self, data: Mapping[str, Any], answer: Any) -> Grade:
        if answer is None:
            return Grade(0.0)
        if not isinstance(answer, bool):
            raise AnswerError(SAVED_ANSWER_UNFIT)
        right = answer is data["answer"]
        # feedback_true is what a learner who chose "true" reads, right or wrong.
        feedback = data["feedback_true"] if answer else data["feedback_false"]
        return Grade(1.0 if right else 0.0, feedback, tags_if_wrong(data, not right))

    def form_values(self, data: Mapping[str, Any], answer: Any,
                    tokens: OptionTokens = AUTHORED_INDEXES) -> dict[str, list[str]]:
        return {} if answer is None else {"": ["true" if answer else "false"]}

    def correct_answer(self, data: Mapping[str, Any]) -> str:
        return str(LABELS[bool(data["answer"])])

    def right_answer(self, data: Mapping[str, Any]) -> bool:
        return bool(data["answer"])

    def wrong_answer(self, data: Mapping[str, Any], rng: random.Random) -> bool:
        return not data["answer"]

    def render_context(
        self, data: Mapping[str, Any], option_order: list[int] | None,
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> dict[str, Any]:
        # The two labels are literal _('True') / _('False') in the template, so
        # translators can find them; there is nothing to pass.
        return {}

    def review_context(
        self, data: Mapping[str, Any], answer: Any, option_order: list[int] | None
    ) -> dict[str, Any]:
        options = [{"text": LABELS[value], "chosen": answer is value,
                    "correct": value is data["answer"]} for value in (True, False)]
        return {"kind": "choices", "options": options}
