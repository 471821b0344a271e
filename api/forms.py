"""Admin forms for API tokens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from api.tokens import SCOPES

SCOPE_LABELS = {
    "roster:read": _l("Read departments and users"),
    "roster:write": _l("Create, update and deactivate departments and users"),
    "courses:read": _l("Read courses, outlines and assignments"),
    "assignments:write": _l("Assign courses to departments"),
    "reports:read": _l("Read enrollments, completions and transcripts"),
    "statements:read": _l("Read xAPI statements, learners’ answers included"),
    "surveys:read": _l("Read survey cycles and their aggregate results"),
}
assert set(SCOPE_LABELS) == set(SCOPES)


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Which system uses it, e.g. “HR sync”."))
    scopes = CheckboxListField(
        _l("Scopes"), choices=[SelectChoice(scope, label) for scope, label in SCOPE_LABELS.items()],
        validators=[DataRequired(message=_l("Choose at least one scope."))])
    expires_in_days = IntegerField(_l("Expires after (days)"),
                                   validators=[Optional(), NumberRange(min=1, max=3650)],
                                   description=_l("Leave empty for a lasting token."))
    submit = SubmitField(_l("Create token"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))
