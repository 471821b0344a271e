from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length

from accounts.passwords import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))
    # Filled by static/js/browser-zone.js; never validated here (a bad value must not
    # block a sign-in): preferences.remember_time_zone keeps only a known zone.
    browser_time_zone = HiddenField()
    submit = SubmitField(_l("Sign in"))


class SetPasswordForm(FlaskForm):
    new = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )
    browser_time_zone = HiddenField()  # as on LoginForm: an invitation is the first sign-in
    submit = SubmitField(_l("Set password and sign in"))


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Change password"))


class LocaleForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("zh_CN", "简体中文"), SelectChoice("en", "English")],
    )
    submit = SubmitField(_l("Switch"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Sign out"))


LANGUAGE_CHOICES = [SelectChoice("zh_CN", "简体中文"), SelectChoice("en", "English")]


def _zone_choices(first_label: Any) -> list[SelectChoice]:
    from accounts.preferences import time_zone_names

    return [SelectChoice("", first_label)] + [SelectChoice(n, n) for n in time_zone_names()]


class PreferencesForm(FlaskForm):
    """A person's own language and time zone."""

    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    time_zone = SelectField(_l("Time zone"), validate_choice=False,
                            description=_l("Deadlines, history and logs show times in it."))
    submit = SubmitField(_l("Save settings"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = _zone_choices(_l("The school's time zone"))


class SchoolSettingsForm(FlaskForm):
    """The defaults for everyone who has not chosen their own (admins only)."""

    default_locale = SelectField(_l("Default language"), choices=LANGUAGE_CHOICES,
                                 description=_l("Pages and emails for people who have not "
                                                "chosen a language yet."))
    time_zone = SelectField(_l("School time zone"), validate_choice=False,
                            validators=[DataRequired()])
    submit = SubmitField(_l("Save settings"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = _zone_choices(_l("Choose a time zone"))
