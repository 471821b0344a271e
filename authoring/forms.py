from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from courses.models import ESTIMATED_MINUTES_MAX, SLUG, TITLE_MAX
from quizzes.settings import MAX_ATTEMPTS, MAX_GRACE_MINUTES, MAX_TIME_LIMIT_MINUTES

SLUG_RULE = Regexp(SLUG.pattern, message=_l("Lower-case letters, digits and dashes."))


class CourseForm(FlaskForm):
    slug = StringField(_l("Slug (web address)"), validators=[DataRequired(), Length(max=100),
                                                            SLUG_RULE])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    title_en = StringField(_l("English subtitle"), validators=[Optional(), Length(max=TITLE_MAX)])
    summary = TextAreaField(_l("Summary"), validators=[DataRequired()])
    estimated_minutes = IntegerField(_l("Estimated minutes"), default=30,
                                     validators=[InputRequired(),
                                                 NumberRange(min=1, max=ESTIMATED_MINUTES_MAX)])
    version = HiddenField()
    submit = SubmitField(_l("Save course"))


class NewItemForm(FlaskForm):
    kind = SelectField(_l("Add"), choices=[SelectChoice("lesson", _l("Lesson")),
                                           SelectChoice("quiz", _l("Quiz"))])
    slug = StringField(_l("Slug"), validators=[DataRequired(), Length(max=100), SLUG_RULE])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    version = HiddenField()
    submit = SubmitField(_l("Add to outline"))


class VersionedActionForm(FlaskForm):
    """Outline buttons and other one-click actions; `version` guards against stale pages."""

    version = HiddenField()


class LessonForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    source = TextAreaField(_l("Text (Markdown)"), validators=[Optional()])
    base_revision = HiddenField()
    image = FileField(_l("Add an image (PNG, JPEG, GIF or WebP, up to 2 MB)"))
    upload = SubmitField(_l("Upload image"))
    save = SubmitField(_l("Save draft"))
    preview = SubmitField(_l("Preview"))


class QuizSettingsForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    pass_mark = IntegerField(_l("Pass mark (%)"), validators=[InputRequired(),
                                                              NumberRange(min=0, max=100)])
    attempts_allowed = IntegerField(_l("Attempts allowed (empty: unlimited)"),
                                    validators=[Optional(), NumberRange(min=1, max=MAX_ATTEMPTS)])
    time_limit_minutes = IntegerField(_l("Time limit in minutes (empty: none)"),
                                      validators=[Optional(),
                                                  NumberRange(min=1, max=MAX_TIME_LIMIT_MINUTES)])
    deadline_action = SelectField(_l("At the time limit"), choices=[
        SelectChoice("submit", _l("Submit what was saved")),
        SelectChoice("grace", _l("Allow a grace period to submit"))])
    grace_minutes = IntegerField(_l("Grace minutes"), default=0,
                                 validators=[Optional(), NumberRange(min=0, max=MAX_GRACE_MINUTES)])
    grading_method = SelectField(_l("Grade from"), choices=[
        SelectChoice("highest", _l("Highest attempt")),
        SelectChoice("latest", _l("Latest attempt")),
        SelectChoice("first", _l("First attempt")),
        SelectChoice("average", _l("Average of attempts"))])
    shuffle_questions = BooleanField(_l("Shuffle questions"))
    draw = StringField(_l("Questions drawn per attempt"), validators=[Optional()],
                       description=_l("Empty: all. A number, or tag:number pairs separated "
                                      "by commas, e.g. relay-baton:2, lead-time:1"))
    review = SelectField(_l("Show answers and feedback"), choices=[
        SelectChoice("after_submit", _l("After each submit")),
        SelectChoice("after_last_attempt", _l("After the last attempt")),
        SelectChoice("never", _l("Never"))])
    feedback_bands = TextAreaField(_l("Overall feedback by grade"), validators=[Optional()],
                                   description=_l("One band per line: minimum percent, colon, "
                                                  "text. E.g. 80: Well done."))
    fingerprint = HiddenField()
    submit = SubmitField(_l("Save settings"))


class QuestionForm(FlaskForm):
    """The fields every question has; its type's own form edits `data`."""

    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=100), SLUG_RULE],
                      description=_l("A short name for this question inside the quiz, e.g. "
                                     "handoff-1. Lower-case letters, digits and dashes. Reports "
                                     "and past attempts refer to it, so it cannot change later."))
    prompt = TextAreaField(_l("Question (Markdown)"), validators=[DataRequired()])
    points = StringField(_l("Points"), default="1", validators=[DataRequired()])
    tags = StringField(_l("Concept tags"), validators=[Optional()],
                       description=_l("Comma-separated, e.g. relay-baton, lead-time"))
    feedback = TextAreaField(_l("General feedback"), validators=[Optional()])
    base_revision_id = HiddenField()
    submit = SubmitField(_l("Save draft"))


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))


class ConfirmForm(FlaskForm):
    token = HiddenField()
    text = HiddenField()
    submit = SubmitField(_l("Import"))


def settings_to_form(form: QuizSettingsForm, title: str, settings: dict) -> None:
    """Fill the settings form from stored settings (draw and bands as editable text)."""
    for name in ("pass_mark", "attempts_allowed", "time_limit_minutes", "deadline_action",
                 "grace_minutes", "grading_method", "shuffle_questions", "review"):
        getattr(form, name).data = settings.get(name)
    form.title.data = title
    draw = settings.get("draw")
    form.draw.data = (", ".join(f"{tag}:{n}" for tag, n in draw.items())
                      if isinstance(draw, dict) else ("" if draw is None else str(draw)))
    form.feedback_bands.data = "\n".join(f"{band['min']:g}: {band['text']}"
                                         for band in settings.get("feedback_bands", []))


def settings_from_form(form: QuizSettingsForm) -> dict:
    """The raw settings dict; quizzes.settings.validate_settings judges it."""
    settings = {name: getattr(form, name).data for name in (
        "pass_mark", "attempts_allowed", "time_limit_minutes", "deadline_action",
        "grading_method", "shuffle_questions", "review")}
    settings["grace_minutes"] = form.grace_minutes.data or 0
    draw = (form.draw.data or "").strip()
    if not draw:
        settings["draw"] = None
    elif draw.isdigit():
        settings["draw"] = int(draw)
    else:
        pairs = [part.split(":", 1) for part in draw.split(",") if part.strip()]
        settings["draw"] = {tag.strip(): int(n) if n.strip().isdigit() else n.strip()
                            for tag, n in (p if len(p) == 2 else (p[0], "") for p in pairs)}
    bands = []
    for line in (form.feedback_bands.data or "").splitlines():
        low, _, text = line.partition(":")
        if line.strip():
            try:
                bands.append({"min": float(low), "text": text.strip()})
            except ValueError:
                bands.append({"min": None, "text": line})
    settings["feedback_bands"] = bands
    return settings
