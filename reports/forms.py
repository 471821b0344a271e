"""Report forms: GET filters (no CSRF token: they change nothing) and certificate lookup."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

# Dates a report can sensibly ask about; beyond them date arithmetic overflows.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


def in_range(form: Any, field: DateField) -> None:
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Give a date between 1900 and 2199."))


def optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    course = SelectField(_l("Course"), coerce=optional_int, validators=[Optional()])
    department = SelectField(_l("Department (with its sub-departments)"), coerce=optional_int,
                             validators=[Optional()])
    hired_from = DateField(_l("Hired from"), validators=[Optional(), in_range])
    hired_to = DateField(_l("Hired until"), validators=[Optional(), in_range])
    as_of = DateField(_l("As of (end of day)"), validators=[Optional(), in_range])
    submit = SubmitField(_l("Apply"))

    def validate_hired_to(self, field: DateField) -> None:
        if field.data and self.hired_from.data and field.data < self.hired_from.data:
            raise ValidationError(_l("The end of the hire-date range is before its start."))


class LearnerFilterForm(FilterForm):
    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        SelectChoice("", _l("Any status")), SelectChoice("open", _l("Not completed")),
        SelectChoice("overdue", _l("Overdue")), SelectChoice("not_started", _l("Not started")),
        SelectChoice("in_progress", _l("In progress")), SelectChoice("completed", _l("Completed"))])
    subtree = BooleanField(_l("Include sub-departments"))


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("Certificate code"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Verify"))


class ReminderForm(FlaskForm):
    """Preview (GET, the window only) and send (POST, with the CSRF token) reminders."""

    within_days = IntegerField(_l("Also remind those due within (days)"), default=3,
                               validators=[Optional(), NumberRange(min=0, max=365)])
    submit = SubmitField(_l("Send these reminders"))


class ExportForm(FlaskForm):
    """Ask for the raw enrollment list (the filters ride in the address): a POST, since it
    is audited and may start a background job."""

    fmt = SelectField(_l("Format"), choices=[SelectChoice("csv", "CSV"),
                                             SelectChoice("xlsx", "Excel (XLSX)")],
                      validators=[DataRequired()])
