"""Rollout forms: a lesson question, its answer, a briefing, a receipt, a contest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from rollouts.service import ANSWER_MAX, QUESTION_MAX


class QuestionForm(FlaskForm):
    body = TextAreaField(_l("Your question (Markdown)"),
                         validators=[DataRequired(), Length(max=QUESTION_MAX)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer (Markdown)"),
                           validators=[DataRequired(), Length(max=ANSWER_MAX)])
    publish = BooleanField(_l("Publish as FAQ under the lesson (without the asker's name)"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class BriefingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Briefing (Markdown)"), validators=[DataRequired(), Length(max=20000)])
    departments = SelectMultipleField(_l("Departments (each with the teams below it)"), coerce=int,
                                      validators=[DataRequired()])
    course = SelectField(_l("Related course (optional)"), coerce=int, default=0)


class ContestForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    quiz = SelectField(_l("Question bank"), coerce=int)
    starts_at = DateTimeLocalField(_l("Start (your local time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired()])
    minutes = IntegerField(_l("Duration (minutes)"), default=10,
                           validators=[InputRequired(), NumberRange(min=1, max=240)])
    per_person = IntegerField(_l("Questions per person"), default=5,
                              validators=[InputRequired(), NumberRange(min=1, max=200)])
    departments = SelectMultipleField(_l("Departments (each with the teams below it)"),
                                      coerce=int, validators=[DataRequired()])


class JoinForm(FlaskForm):
    show_name = BooleanField(_l("Show my name on the leaderboard"))
