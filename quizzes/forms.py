"""Quiz forms. A question's inputs come from its type's template; this module reads them back."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, EmailField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

SlotAnswers = dict[int, tuple[dict[str, list[str]], int | None]]


class FiniteDecimalField(DecimalField):
    """A DecimalField that refuses NaN and infinities: Decimal("sNaN") passes parsing and
    then raises on the first comparison (a validator's, or ours)."""

    data: Decimal | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class AttemptForm(FlaskForm):
    """Carries the CSRF token; the answer fields are the question types' own inputs."""


class GradeForm(FlaskForm):
    points = FiniteDecimalField(_l("Points"), validators=[InputRequired(), NumberRange(min=0)])
    feedback = TextAreaField(_l("Feedback to the learner"), validators=[Optional()])
    submit = SubmitField(_l("Save grade"))


class OverrideForm(FlaskForm):
    email = EmailField(_l("Learner email"), validators=[DataRequired()])
    extra_minutes = IntegerField(_l("Extra minutes"), default=0,
                                 validators=[InputRequired(), NumberRange(min=0, max=10000)])
    extra_attempts = IntegerField(_l("Extra attempts"), default=0,
                                  validators=[InputRequired(), NumberRange(min=0, max=100)])
    submit = SubmitField(_l("Save override"))


def raw_answer(form: Mapping[str, Any], prefix: str) -> dict[str, list[str]]:
    """One question's fields from a posted form: `q3` becomes "", `q3-1` becomes "1"."""
    raw: dict[str, list[str]] = {}
    getlist = getattr(form, "getlist", None)
    for key in form:
        if key == prefix or key.startswith(prefix + "-"):
            values = getlist(key) if getlist else [form[key]]
            raw[key[len(prefix) + 1:]] = [str(v) for v in values]
    return raw


def slot_answers(form: Mapping[str, Any], slots: list[int]) -> SlotAnswers:
    """{slot: (raw, seq)} for the slots a page showed (unticked boxes send nothing)."""
    answers: SlotAnswers = {}
    for slot in slots:
        seq_text = str(form.get(f"seq-{slot}") or "")
        seq = int(seq_text) if seq_text.isdigit() else None
        answers[slot] = (raw_answer(form, f"q{slot}"), seq)
    return answers


def shown_slots(form: Mapping[str, Any], total: int) -> list[int]:
    """The slots listed in the page's hidden `slots` field, bounded by the attempt."""
    text = str(form.get("slots") or "")
    return [int(s) for s in text.split(",") if s.isdigit() and int(s) < total]
