from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from audit.labels import GROUPS


class LogFilterForm(FlaskForm):
    """The audit log's filters: read from the address bar, so links can share them."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    who = SelectField(_l("Who"), validate_choice=False, validators=[Optional()])
    what = SelectField(_l("What"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def __init__(self, actors: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.who.choices = [SelectChoice("", _l("Anyone")), SelectChoice("0", _l("The system"))] + [
            SelectChoice(str(user.id), user.name) for user in actors]
        self.what.choices = [SelectChoice("", _l("Everything"))] + [
            SelectChoice(code, label) for code, label in GROUPS.items()]

    def validate_until(self, field: Any) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))
