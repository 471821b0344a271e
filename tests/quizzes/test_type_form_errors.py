"""The question-data editor forms: bad input, errors next to their fields, labels,
cloze lines, and a Chinese translation for every string.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from babel.messages.pofile import read_po
from werkzeug.datastructures import MultiDict
from wtforms import FormField
from wtforms.fields.core import UnboundField

from quizzes.types import REGISTRY, QuestionDataError, get_type
from quizzes.types.cloze import format_line, parse_line
from tests.quizzes.type_form_samples import (
    ROOT,
    TYPES,
    clean,
    form_for,
    leaf_names,
)

BAD_NUMBERS = [
    ("multiple_response", "data-options-0-weight", "abc", "options.0.weight"),
    ("short_answer", "data-answers-0-weight", "1e999", "answers.0.weight"),
    ("short_answer", "data-answers-1-weight", "", "answers.1.weight"),
    ("numerical", "data-answers-0-value", "3,5", "answers.0.value"),
    ("numerical", "data-answers-0-tolerance", "a bit", "answers.0.tolerance"),
    ("numerical", "data-answers-1-min", "low", "answers.1.min"),
    ("numerical", "data-answers-2-weight", "nan", "answers.2.weight"),
    ("essay", "data-min_words", "ten", "min_words"),
    ("essay", "data-max_words", "2.5", "max_words"),
    ("cloze", "data-gaps-1-lines", "=HR\n%half%human", "gaps.1.answers.1.weight"),
]


@pytest.mark.parametrize(("type_id", "name", "value", "path"), BAD_NUMBERS)
def test_bad_numbers_are_named_by_validate(type_id, name, value, path, page):
    post = page(form_for(type_id, clean(type_id))).post
    assert name in post
    post.setlist(name, [value])
    dform = form_for(type_id, None, post)
    with pytest.raises(QuestionDataError) as caught:
        get_type(type_id).validate(dform.to_data())
    assert caught.value.field == path
    # The editor shows that error next to the input that was typed in.
    assert not dform.validate()
    rendered = page(dform)
    control = next(c for c in rendered.controls if c["name"] == name)
    assert control["aria-invalid"] == "true"
    assert f"{control['id']}-error-1" in rendered.error_ids
    assert f"{control['id']}-error-1" in control["aria-describedby"].split()


# fmt: off
ODD_DATA = [
    None, [], "text", {"options": "x", "answers": 3, "pairs": None, "gaps": "x"},
    {"options": [1, None, {"text": 5, "weight": "x", "correct": "yes"}],
     "answers": [{"value": [1], "weight": True}], "pairs": [{"left": None}],
     "items": "abc", "distractors": [1, None],
     "gaps": [{"kind": 3}, 4, {"kind": "short", "answers": [{"weight": [1]}, 2]}],
     "answer": "maybe", "min_words": {"a": 1}, "text": None, "scoring": []},
]
ODD_POSTS = [
    {},
    MultiDict([("data-options-²-text", "x"), ("data-answers-" + "9" * 5000 + "-text", "y")]),
    MultiDict([("data-gaps-9999-lines", "=x"), ("data-gaps-0-kind", "essay"),
               ("data-pairs-0-left", "a"), ("data-correct", "zz"), ("data-answer", "maybe"),
               ("data-options-0-weight", "9" * 5000), ("data-min_words", "1" * 5000)]),
    {"data-options-0-text": ["a", "b"], "data-items": ["1", "2"], "data-text": "x"},
    MultiDict([("data-options-0-text", 5), ("data-answers-0-weight", None), (7, "x")]),
]
# fmt: on


@pytest.mark.parametrize("type_id", TYPES)
def test_odd_input_never_raises(type_id, page):
    forms = [form_for(type_id, data) for data in ODD_DATA]
    forms += [form_for(type_id, None, post) for post in ODD_POSTS]
    for dform in forms:
        assert isinstance(dform.to_data(), dict)
        page(dform)
        with contextlib.suppress(QuestionDataError):
            get_type(type_id).validate(dform.to_data())
        dform.validate()
        page(dform)


def test_too_many_rows_are_capped():
    post = MultiDict([(f"data-options-{i}-text", f"o{i}") for i in range(150)])
    dform = form_for("multiple_response", None, post)
    assert len(dform.options.entries) == 100
    assert len(dform.to_data()["options"]) == 100
    data = {"options": [{"text": f"o{i}", "weight": 1} for i in range(150)]}
    assert len(form_for("multiple_response", data).to_data()["options"]) == 100


@pytest.mark.parametrize("type_id", TYPES)
def test_template_has_a_labelled_control_for_every_field(type_id, page):
    dform = form_for(type_id, clean(type_id))
    rendered = page(dform)
    names = {c["name"] for c in rendered.controls}
    assert leaf_names(dform) <= names
    assert names <= leaf_names(dform)
    for control in rendered.controls:
        assert control["id"] in rendered.label_for, control
        for ref in control.get("aria-describedby", "").split():
            assert ref in rendered.ids, (control, ref)


def test_lists_use_fieldsets_and_tables(jinja_env):
    html = jinja_env.get_template("quizzes/type_forms/numerical.html").render(
        dform=form_for("numerical", clean("numerical"))
    )
    assert re.search(r'<fieldset class="data-rows"[^>]*>\s*<legend>Accepted answers</legend>', html)
    assert re.search(r'<table class="data"[ >]', html)  # (an id for the add-a-row script)
    assert 'scope="col">Tolerance (±)</th>' in html


# fmt: off
ERRORS = [
    ("single_choice", [("data-options-0-text", "A"), ("data-options-1-text", "B")],
     "options", "data-options", "exactly one option must be correct, found 0"),
    # The blank row 1 is dropped, so data entry 1 is the form's row 2.
    ("single_choice", [("data-options-0-text", "A"), ("data-options-1-text", " "),
                       ("data-options-2-text", "A"), ("data-correct", "0")],
     "options.1.text", "data-options-2-text", "repeats entry 0"),
    ("ordering", [("data-items", "a\n\nb\nc\nb")], "items.3", "data-items",
     "Line 5: repeats entry 1"),
    ("matching", [("data-pairs-0-left", "a"), ("data-pairs-0-right", "x"),
                  ("data-pairs-1-left", "b"), ("data-pairs-1-right", "y"),
                  ("data-distractors", "z\nx")],
     "distractors.1", "data-distractors", "Line 2: is also a correct right item"),
    ("cloze", [("data-text", "{{1}}"), ("data-gaps-0-kind", "choice"),
               ("data-gaps-0-lines", "=a\n%50%b")],
     "gaps.0.options.1.weight", "data-gaps-0-lines", "Line 2: unknown field"),
    ("true_false", [("data-feedback_true", "x")], "answer", "data-answer",
     "must be true or false"),
    ("essay", [("data-min_words", "9"), ("data-max_words", "3")], "max_words",
     "data-max_words", "must not be below min_words"),
]
# fmt: on


@pytest.mark.parametrize(("type_id", "post", "path", "name", "message"), ERRORS)
def test_validate_puts_the_error_next_to_its_field(type_id, post, path, name, message, jinja_env):
    dform = form_for(type_id, None, MultiDict(post))
    with pytest.raises(QuestionDataError) as caught:
        get_type(type_id).validate(dform.to_data())
    assert caught.value.field == path
    assert dform.validate() is False
    assert dform.cleaned is None
    html = jinja_env.get_template(dform.template).render(dform=dform)
    assert f'class="error" id="{name}-error-1">{message}</p>' in html
    assert html.count('class="error"') == 1


def test_validate_keeps_the_cleaned_data():
    dform = form_for("ordering", clean("ordering"))
    assert dform.validate() is True
    assert dform.cleaned == clean("ordering")


def test_unknown_paths_become_form_errors(jinja_env):
    dform = form_for("essay", None)
    assert dform.attach_error(QuestionDataError("nowhere", "is odd")) is None
    html = jinja_env.get_template(dform.template).render(dform=dform)
    assert '<p class="error">nowhere: is odd</p>' in html


LINES = [
    "plain",
    "=starts with equals",
    "%5% percent",
    "a | bar",
    "back\\slash",
    "ends with \\",
    "\\*literal star",
    "C:\\new",
    "two\nlines",
    "\\|",
    "\\\\n",
]


@pytest.mark.parametrize("text", LINES)
def test_cloze_lines_escape_and_read_back(text):
    for feedback, tag in (("", ""), (text, ""), ("fb", "a-tag")):
        line = format_line("=", text, feedback, tag)
        assert "\n" not in line
        assert parse_line(line) == ("=", text.strip(), feedback.strip(), tag or None)


def test_cloze_line_marks():
    assert parse_line("=Paris | Right! | knows-capitals") == (
        "=",
        "Paris",
        "Right!",
        "knows-capitals",
    )
    assert parse_line(" %50% Lyon") == ("50", "Lyon", "", None)
    assert parse_line("Rome|") == (None, "Rome", "", None)
    assert parse_line("\\=x \\| y | line\\none") == (None, "=x | y", "line\none", None)


def _msgids(form_class: type) -> list[str]:
    found = []
    for name in dir(form_class):
        unbound = getattr(form_class, name)
        if not isinstance(unbound, UnboundField):
            continue
        label = unbound.kwargs.get("label", unbound.args[0] if unbound.args else None)
        found += [str(s) for s in (label, unbound.kwargs.get("description")) if s]
        found += [str(choice.label) for choice in unbound.kwargs.get("choices") or []]
        inner = unbound.args[0] if unbound.args else None
        if isinstance(inner, UnboundField) and inner.field_class is FormField:
            found += _msgids(inner.args[0])
    return found


def test_every_string_has_a_chinese_translation():
    msgids = {"Line %(num)s"}
    for qtype in REGISTRY.values():
        msgids.update(_msgids(qtype.form_class))
    for path in (ROOT / "templates" / "quizzes" / "type_forms").glob("*.html"):
        msgids.update(re.findall(r"_\('([^']*)'", path.read_text(encoding="utf-8")))
    assert len(msgids) > 50
    po = ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        known = {m.id: m.string for m in read_po(handle) if m.id and m.string}
    missing = sorted(m for m in msgids if not known.get(m))
    assert missing == []
    assert all(re.search(r"[\u4e00-\u9fff]", known[m]) for m in msgids), "untranslated"
