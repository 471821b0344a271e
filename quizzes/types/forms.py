"""Editor forms for a question's ``data``: one QuestionDataForm subclass per type.

Each type module defines its form next to its class (``SingleChoice.form_class``
is ``SingleChoiceForm``). The forms are plain ``wtforms.Form``: the question
editor page around them is a FlaskForm and carries the CSRF token.

    dform = qtype.form_class.from_data(question.data)            # GET: pre-filled
    dform = qtype.form_class.from_data(None, request.form)       # POST: as typed
    data = dform.to_data()          # a data dict for qtype.validate(); never raises
    if dform.validate():            # runs qtype.validate() and puts its error
        question.data = dform.cleaned   # next to the field it names
    render_template(dform.template, dform=dform)

``to_data`` only reshapes: blank rows and lines disappear, numbers become
numbers, and anything that cannot be read is passed on so that the type's
``validate()`` names the field (see ``to_number``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Protocol

import wtforms
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField, StringField, TextAreaField
from wtforms.fields.core import Field

from quizzes.types.errors import QuestionDataError

# Every row list renders this many empty rows after the filled ones, so a
# trainer can add options without JavaScript; to_data drops them again.
EXTRA_ROWS = 2
# A guard against oversized posts (and the FieldList limit): no question needs
# more rows than this, so longer lists are cut to it rather than rejected.
MAX_ROWS = 100
# FieldList turns any str.isdigit() key part into an int: "²" or a 5,000-digit
# index would raise, so such keys are dropped before wtforms sees them.
SAFE_INDEX = re.compile(r"[0-9]{1,4}")
NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
INTEGER_RE = re.compile(r"[+-]?\d+", re.ASCII)
MAX_NUMBER_TEXT = 40

ErrorTarget = tuple[Field, Any]


# --- reading posted values -------------------------------------------------


def field_text(field: Field) -> str:
    """A field's value, stripped; "" for anything that is not text."""
    return field.data.strip() if isinstance(field.data, str) else ""


def field_tag(field: Field) -> str | None:
    """A misconception tag: None when blank (validate() checks the spelling)."""
    return field_text(field) or None


def field_lines(field: Field) -> list[tuple[int, str]]:
    """(1-based line number, stripped line) for every non-blank line of a textarea."""
    raw = field.data if isinstance(field.data, str) else ""
    return [(n, line.strip()) for n, line in enumerate(raw.splitlines(), 1) if line.strip()]


def _number_text(value: Any, percent: bool) -> str:
    if not isinstance(value, str):
        return ""
    value = unicodedata.normalize("NFKC", value).replace("\u2212", "-").strip()
    if percent and value.endswith("%"):
        value = value[:-1].rstrip()
    return value


def to_number(value: Any, percent: bool = False, integer: bool = False) -> int | float | None:
    """Typed text as a number; None when blank or unreadable (validate() names it).

    Full-width digits and the minus sign are folded first; ``percent`` also
    accepts a trailing ``%``; ``integer`` accepts whole numbers only.
    """
    value = _number_text(value, percent)
    if len(value) > MAX_NUMBER_TEXT or not NUMBER_RE.fullmatch(value):
        return None
    if INTEGER_RE.fullmatch(value):
        return int(value)
    if integer:
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def to_optional_number(
    value: Any, percent: bool = False, integer: bool = False
) -> int | float | str | None:
    """For fields where None is a valid default (tolerance, word limits).

    Blank gives None. Unreadable text is passed on as typed rather than as
    None: None would silently mean "no tolerance" or "no limit", while the
    text makes validate() report the field.
    """
    result = to_number(value, percent, integer)
    if result is not None:
        return result
    shown = value.strip() if isinstance(value, str) else ""
    return shown or None


# --- pre-filling from data -------------------------------------------------


def shown(value: Any) -> str:
    """A data value as the text an input shows: numbers without float noise."""
    if value is None:
        return ""
    if isinstance(value, float) and not isinstance(value, bool):
        return repr(value)
    return str(value)


def entries_of(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """``data[key]`` as a list of at most MAX_ROWS mappings, whatever its shape."""
    value = data.get(key)
    if not isinstance(value, list | tuple):
        return []
    return [entry if isinstance(entry, Mapping) else {} for entry in value[:MAX_ROWS]]


def texts_of(data: Mapping[str, Any], key: str) -> str:
    """A list of texts as textarea content, one per line."""
    value = data.get(key)
    if not isinstance(value, list | tuple):
        return ""
    return "\n".join(" ".join(shown(v).splitlines()) for v in value)


def option_initial(entry: Mapping[str, Any], *keys: str) -> dict[str, str]:
    """Row values for ``keys`` plus the shared feedback and misconception."""
    return {key: shown(entry.get(key)) for key in (*keys, "feedback", "misconception")}


def row_extras(row: wtforms.Form) -> dict[str, Any]:
    """The shared ``feedback`` and ``misconception`` of a row, as data."""
    return {"feedback": field_text(row.feedback), "misconception": field_tag(row.misconception)}


# --- rows ------------------------------------------------------------------


class RowForm(wtforms.Form):
    """One row of a row list; blank when every input but ``always_set`` is empty."""

    always_set: ClassVar[tuple[str, ...]] = ()

    def is_blank(self) -> bool:
        return all(
            not (field.data.strip() if isinstance(field.data, str) else field.data)
            for name, field in self._fields.items()
            if name not in self.always_set
        )


def feedback_field() -> TextAreaField:
    return TextAreaField(
        _l("Feedback"),
        description=_l("Shown to the learner after submitting. Markdown."),
        render_kw={"rows": 2},
    )


def misconception_field(description: Any = None) -> StringField:
    if description is None:
        description = _l(
            "Optional kebab-case tag recorded when a learner chooses this, e.g. passes-the-blame."
        )
    return StringField(
        _l("Misconception tag"),
        description=description,
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


def number_field(label: Any, description: Any = "") -> StringField:
    # Text, not type=number: browsers reject "50%" or full-width digits that
    # to_number() reads, and an unreadable value must reach validate() to be named.
    return StringField(label, description=description, render_kw={"size": 6})


class OptionRow(RowForm):
    """text / feedback / misconception: a single-choice option (its correct flag
    is the form's radio group, so only one can be chosen)."""

    text = StringField(_l("Option text"))
    feedback = feedback_field()
    misconception = misconception_field()


class WeightedOptionRow(OptionRow):
    weight = number_field(
        _l("Weight (%)"),
        _l("From -100 to 100. The positive weights must add up to 100."),
    )


def option_rows(row: type[RowForm], label: Any, description: Any = "") -> FieldList:
    """A list of option rows; QuestionDataForm pads it with EXTRA_ROWS empty ones."""
    return FieldList(FormField(row), label=label, description=description, max_entries=MAX_ROWS)


# --- the base form ---------------------------------------------------------


class DataRules(Protocol):
    """What a form asks of its question type: the rules its ``data`` must meet."""

    def validate(self, data: Any) -> dict[str, Any]: ...


class QuestionDataForm(wtforms.Form):
    """The editor form for one question type's ``data``; see the module docstring."""

    type_id: ClassVar[str] = ""
    # The type registered under type_id; register() (quizzes.types) binds it, so this
    # module, which the types build on, never looks the registry up.
    question_type: ClassVar[DataRules | None] = None
    # After validate(): the type's cleaned data, or None when it was rejected.
    cleaned: dict[str, Any] | None = None
    # Filled by to_data(): dotted data path -> (field, label) for attach_error().
    _targets: dict[str, ErrorTarget] | None = None

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any] | None, formdata: Any = None, prefix: str = "data-"
    ) -> QuestionDataForm:
        """Pre-filled from ``data`` when ``formdata`` is None; else from the post."""
        if formdata is not None:
            # wtforms' own rule: a prefix not ending in a separator gets a "-".
            full = prefix + "-" if prefix and prefix[-1] not in "-_;:/." else prefix
            form = cls(formdata=cls.clean_formdata(formdata, full), prefix=prefix)
        else:
            source = data if isinstance(data, Mapping) else {}
            form = cls(prefix=prefix, data=cls.initial(source))
        form.pad_rows()
        return form

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """Field values for existing ``data`` (which may be unvalidated)."""
        raise NotImplementedError

    def to_data(self) -> dict[str, Any]:
        """The ``data`` dict for the type's validate(); blank rows dropped.

        It never raises and does not judge the content: that is validate()'s job.
        """
        self._targets = {}
        return self.build_data()

    def build_data(self) -> dict[str, Any]:
        """to_data() for one type; register error targets with target()/rows()."""
        raise NotImplementedError

    @property
    def template(self) -> str:
        return f"quizzes/type_forms/{self.type_id}.html"

    @classmethod
    def clean_formdata(cls, formdata: Any, prefix: str) -> MultiDict:
        """A MultiDict without keys that would make wtforms raise.

        ``prefix`` is the full prefix of this form's field names.
        """
        if not hasattr(formdata, "getlist"):
            formdata = MultiDict(formdata) if isinstance(formdata, Mapping) else MultiDict()
        clean: MultiDict = MultiDict()
        for key in formdata:
            if not isinstance(key, str):
                continue
            if all(SAFE_INDEX.fullmatch(p) or not p.isdigit() for p in key.split("-")):
                for value in formdata.getlist(key):
                    clean.add(key, value)
        return clean

    def pad_rows(self) -> None:
        """Make every row list end with EXTRA_ROWS blank rows (within MAX_ROWS)."""
        for field in self:
            if not isinstance(field, FieldList):
                continue
            blank = 0
            for entry in reversed(field.entries):
                if not entry.form.is_blank():
                    break
                blank += 1
            for _ in range(EXTRA_ROWS - blank):
                if len(field.entries) >= MAX_ROWS:
                    break
                field.append_entry()

    # --- errors: validate()'s dotted paths back onto fields ----------------

    def target(self, path: str, field: Field, label: Any = None) -> None:
        """Show an error about ``path`` at ``field`` (prefixed with ``label``)."""
        if self._targets is None:
            self._targets = {}
        self._targets[path] = (field, label)

    def rows(self, name: str, build: Callable[[Any, Any], dict[str, Any]]) -> list[dict[str, Any]]:
        """``build(row_form, entry)`` for every non-blank row of the list ``name``."""
        field = getattr(self, name)
        self.target(name, field)
        result: list[dict[str, Any]] = []
        for entry in field.entries:
            if entry.form.is_blank():
                continue
            here = f"{name}.{len(result)}"
            fields = list(entry.form)
            self.target(here, fields[0])
            for sub in fields:
                self.target(f"{here}.{sub.short_name}", sub)
            result.append(build(entry.form, entry))
        return result

    def line_targets(self, path: str, field: Field, numbers: list[int]) -> None:
        """Errors about ``path.<i>`` go to the textarea, naming the line."""
        self.target(path, field)
        for i, line in enumerate(numbers):
            self.target(f"{path}.{i}", field, _l("Line %(num)s", num=line))

    def attach_error(self, error: QuestionDataError) -> Field | None:
        """Put a validate() error on the field its path names; returns the field.

        An error no field matches goes to ``form_errors``.
        """
        if self._targets is None:
            self.to_data()
        assert self._targets is not None  # to_data() fills it
        parts = error.field.split(".") if error.field else []
        while parts:
            hit = self._targets.get(".".join(parts))
            if hit is not None:
                field, label = hit
                message = f"{label}: {error.message}" if label else error.message
                field.errors = [*field.errors, message]
                return field
            parts.pop()
        self.form_errors.append(str(error))
        return None

    def validate(self, extra_validators: Any = None) -> bool:
        """The type's validate() on to_data(); its error lands next to the field.

        wtforms' own validation is not run: the fields carry no validators, and
        what a value must be is the type's rule alone.
        """
        if self.question_type is None:
            raise LookupError(f"no question type is registered for {type(self).__name__}")
        clear_errors(self)
        self.form_errors: list[str] = []
        try:
            self.cleaned = self.question_type.validate(self.to_data())
        except QuestionDataError as error:
            self.cleaned = None
            self.attach_error(error)
            return False
        return True


class WeightedRowsForm(QuestionDataForm):
    """A type whose data is one list (``rows_key``) of text rows with a weight in %."""

    rows_key: ClassVar[str] = ""

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        rows = entries_of(data, cls.rows_key)
        return {cls.rows_key: [option_initial(row, "text", "weight") for row in rows]}

    def build_data(self) -> dict[str, Any]:
        rows = self.rows(
            self.rows_key,
            lambda row, entry: {
                "text": field_text(row.text),
                "weight": to_number(row.weight.data, percent=True),
                **row_extras(row),
            },
        )
        return {self.rows_key: rows}


def clear_errors(form: wtforms.Form) -> None:
    for field in form:
        field.errors = []
        if isinstance(field, FieldList):
            for entry in field.entries:  # a FormField's errors are its form's
                clear_errors(entry.form)
