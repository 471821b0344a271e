"""Survey forms. Every form that changes something carries a CSRF token (FlaskForm)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from surveys.models import FACTORS


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def factor_labels() -> dict[str, Any]:
    return {"promises": _l("Keeps promises"), "knowledge": _l("Knows its business"),
            "timeliness": _l("Responds in time"), "respect": _l("Communicates with respect"),
            "adaptability": _l("Adapts"), "pledge": _l("Pledges")}


class ActionForm(FlaskForm):
    """A button that changes something: the CSRF token is all it carries."""

    submit = SubmitField(_l("Confirm"))


class PledgeForm(FlaskForm):
    service = StringField(_l("Service"), validators=[DataRequired(), Length(max=300)])
    standard = StringField(_l("Promised time or standard"),
                           validators=[DataRequired(), Length(max=300)])
    customers = CheckboxesField(_l("For these customer departments (none: all)"), coerce=int,
                                validators=[Optional()])
    submit = SubmitField(_l("Save pledge"))


class CycleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    opens_on = DateField(_l("First day"), validators=[DataRequired()])
    closes_on = DateField(_l("Last day"), validators=[DataRequired()])
    departments = CheckboxesField(_l("Departments taking part"), coerce=int,
                                  validators=[Optional()])
    submit = SubmitField(_l("Create draft"))


class StatementForm(FlaskForm):
    factor = SelectField(_l("Factor"), choices=[SelectChoice(f, f) for f in FACTORS])
    text_zh = StringField(_l("Statement (Chinese)"), validators=[DataRequired(),
                                                                Length(max=300)])
    text_en = StringField(_l("Statement (English)"), validators=[DataRequired(),
                                                                Length(max=300)])
    submit = SubmitField(_l("Save statement"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = factor_labels()
        self.factor.choices = [SelectChoice(f, labels[f]) for f in FACTORS]


class SuppliersForm(FlaskForm):
    suppliers = CheckboxesField(_l("Departments that served you this period"), coerce=int,
                                validators=[Optional()])
    submit = SubmitField(_l("Continue"))


class ResumeForm(FlaskForm):
    code = StringField(_l("Resume code"), validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("Resume"))


def scale(low: int, high: int) -> list[SelectChoice]:
    return [SelectChoice(str(i), str(i)) for i in range(low, high + 1)]


def answer_form(statement_ids: list[int], formdata: Any = None, **data: Any) -> FlaskForm:
    """A form with one optional 1-5 field per statement (s<id>) plus the fixed questions."""

    class AnswerForm(FlaskForm):
        overall = RadioField(_l("Overall, how satisfied are you with their service?"),
                             choices=scale(1, 5), validators=[Optional()])
        loyalty = RadioField(_l("I would keep working with them this way."),
                             choices=scale(1, 5), validators=[Optional()])
        recommend = RadioField(_l("How likely are you to recommend their service to a "
                                  "colleague? (0-10)"), choices=scale(0, 10),
                               validators=[Optional()])
        comment = TextAreaField(_l("One thing they could do better"),
                                validators=[Optional(), Length(max=1000)])
        submit = SubmitField(_l("Save answers"))

    for statement_id in statement_ids:
        setattr(AnswerForm, f"s{statement_id}",
                RadioField(str(statement_id), choices=scale(1, 5), validators=[Optional()]))
    return AnswerForm(formdata=formdata, data=data) if formdata is not None \
        else AnswerForm(data=data)
