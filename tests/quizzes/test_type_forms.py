"""The question-data editor forms (quizzes/types/forms.py and each type's form).

No Flask app: the lazy labels fall back to English outside an app context,
and the partials render with the plain Jinja environment from conftest.py.
"""

from __future__ import annotations

import contextlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField
from wtforms.fields.core import UnboundField

from quizzes.types import REGISTRY, QuestionDataError, get_type
from quizzes.types.cloze import format_line, parse_line
from quizzes.types.forms import QuestionDataForm

ROOT = Path(__file__).resolve().parents[2]

# One valid question per type, using every field its form edits.
# fmt: off
SAMPLES: dict[str, dict[str, Any]] = {
    "single_choice": {"options": [
        {"text": "Ask HR", "correct": False, "feedback": "Not | quite.\n\nTry again.",
         "misconception": "passes-the-blame"},
        {"text": "Ask your manager", "correct": True, "feedback": "Yes."},
        {"text": "=Wait", "correct": False},
    ]},
    "multiple_response": {"options": [
        {"text": "A", "weight": 33.333, "feedback": "a"},
        {"text": "B", "weight": 66.667},
        {"text": "C", "weight": -100, "misconception": "guesses-wildly"},
    ]},
    "true_false": {"answer": False, "feedback_true": "No.", "feedback_false": "Right.",
                   "misconception": "trusts-rumours"},
    "short_answer": {"answers": [
        {"text": "relay*", "weight": 100, "feedback": "Good."},
        {"text": "a \\* b", "weight": 50, "misconception": "half-right"},
    ]},
    "numerical": {"answers": [
        {"value": 3.5, "tolerance": 0.1, "weight": 100, "feedback": "Exact."},
        {"min": -2, "max": 1e-05, "weight": 25, "misconception": "sign-error"},
        {"value": 7, "weight": 0},
    ]},
    "matching": {
        "pairs": [
            {"left": "HR", "right": "Payroll", "feedback": "Pay is HR's."},
            {"left": "IT", "right": "Laptops", "misconception": "mixes-it-up"},
        ],
        "distractors": ["Tea", "Parking"],
    },
    "ordering": {"items": ["Plan", "Do", "Check", "Act"], "scoring": "longest_run"},
    "cloze": {"text": "Ask {{1}} first, then {{2}}.", "gaps": [
        {"kind": "choice", "options": [
            {"text": "=your manager|HR", "correct": True, "feedback": "Yes\nreally"},
            {"text": "%5% C:\\new", "correct": False, "misconception": "skips-the-line"},
        ]},
        {"kind": "short", "answers": [
            {"text": "HR \\* team", "weight": 100},
            {"text": "human*", "weight": 40.5, "feedback": "Close | ish"},
            {"text": "nobody", "weight": 0},
        ]},
    ]},
    "essay": {"min_words": 50, "max_words": 300, "rubric": "Names a **customer**."},
}
# Each type's row list, and the row field that fills a row.
ROW_LISTS = {
    "single_choice": ("options", "text"), "multiple_response": ("options", "text"),
    "short_answer": ("answers", "text"), "numerical": ("answers", "value"),
    "matching": ("pairs", "left"), "cloze": ("gaps", "lines"),
}
# fmt: on
TYPES = sorted(SAMPLES)


class Page(HTMLParser):
    """A rendered partial: what a browser would post, and its labels and ids."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.post: MultiDict = MultiDict()
        self.controls: list[dict[str, Any]] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.error_ids: set[str] = set()
        self._textarea: dict[str, Any] | None = None
        self._select: dict[str, Any] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if "id" in attr:
            self.ids.add(attr["id"])
        if tag == "p" and "error" in attr.get("class", "").split():
            self.error_ids.add(attr.get("id", ""))
        if tag == "label" and "for" in attr:
            self.label_for.add(attr["for"])
        if tag in ("input", "select", "textarea"):
            self.controls.append({"tag": tag, **attr})
        if tag == "input":
            if attr.get("type") in ("radio", "checkbox"):
                if "checked" in attr:
                    self.post.add(attr["name"], attr.get("value", "on"))
            else:
                self.post.add(attr["name"], attr.get("value", ""))
        elif tag == "textarea":
            self._textarea = {"name": attr["name"], "text": ""}
        elif tag == "select":
            self._select = {"name": attr["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            if self._select["first"] is None:
                self._select["first"] = attr["value"]
            if "selected" in attr:
                self._select["chosen"] = attr["value"]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]  # browsers drop one newline after <textarea>
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self.post.add(self._textarea["name"], text)
            self._textarea = None
        if tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or self._select["first"]
            self.post.add(self._select["name"], chosen)
            self._select = None


@pytest.fixture
def page(jinja_env):
    def _page(dform: QuestionDataForm) -> Page:
        return Page(jinja_env.get_template(dform.template).render(dform=dform))

    return _page


def form_for(type_id: str, data: Any = None, formdata: Any = None) -> QuestionDataForm:
    return get_type(type_id).form_class.from_data(data, formdata)


def leaf_names(dform: Any) -> set[str]:
    names = set()
    for field in dform:
        if isinstance(field, FieldList):
            for entry in field.entries:
                names |= leaf_names(entry.form)
        else:
            names.add(field.name)
    return names


def clean(type_id: str) -> dict[str, Any]:
    return get_type(type_id).validate(SAMPLES[type_id])


@pytest.mark.parametrize("type_id", TYPES)
def test_each_type_owns_its_form(type_id):
    form_class = get_type(type_id).form_class
    assert issubclass(form_class, QuestionDataForm)
    assert not issubclass(form_class, FlaskForm)
    assert form_class.__module__ == f"quizzes.types.{type_id}"
    dform = form_class.from_data(None)
    assert dform.type_id == type_id
    assert dform.template == f"quizzes/type_forms/{type_id}.html"
    assert (ROOT / "templates" / dform.template).is_file()
    assert "csrf_token" not in dform._fields


def test_every_registered_type_is_covered():
    assert set(REGISTRY) == set(SAMPLES)


@pytest.mark.parametrize("type_id", TYPES)
def test_from_data_to_data_round_trip(type_id):
    expected = clean(type_id)
    data = form_for(type_id, expected).to_data()
    assert data == expected
    assert get_type(type_id).validate(data) == expected
    # Unvalidated data (defaults not filled in) gives the same result.
    assert get_type(type_id).validate(form_for(type_id, SAMPLES[type_id]).to_data()) == expected


@pytest.mark.parametrize("type_id", TYPES)
def test_round_trip_through_the_rendered_form(type_id, page):
    rendered = page(form_for(type_id, clean(type_id)))
    posted = form_for(type_id, None, rendered.post)
    assert posted.to_data() == clean(type_id)


@pytest.mark.parametrize("type_id", sorted(ROW_LISTS))
def test_row_lists_offer_two_empty_rows_that_to_data_drops(type_id, page):
    name, first = ROW_LISTS[type_id]
    count = len(clean(type_id)[name])
    dform = form_for(type_id, clean(type_id))
    rows = getattr(dform, name).entries
    assert len(rows) == count + 2
    assert [r.form.is_blank() for r in rows] == [False] * count + [True, True]
    assert len(getattr(form_for(type_id, None), name).entries) == 2
    # A trainer fills one empty row: the re-rendered form again ends in two.
    post = page(dform).post
    post.setlist(f"data-{name}-{count}-{first}", ["x"])
    again = getattr(form_for(type_id, None, post), name).entries
    assert len(again) == count + 3
    assert [r.form.is_blank() for r in again][-3:] == [False, True, True]


def test_blank_rows_in_the_middle_are_dropped_and_the_radio_follows():
    post = MultiDict(
        [
            ("data-options-0-text", "A"),
            ("data-options-1-text", "   "),
            ("data-options-1-feedback", "\r\n"),
            ("data-options-2-text", "C"),
            ("data-options-3-text", ""),
            ("data-correct", "2"),
        ]
    )
    data = form_for("single_choice", None, post).to_data()
    assert [(o["text"], o["correct"]) for o in data["options"]] == [("A", False), ("C", True)]


def test_posted_row_numbers_need_not_be_consecutive():
    post = MultiDict(
        [("data-options-3-text", "A"), ("data-options-7-text", "B"), ("data-correct", "7")]
    )
    data = form_for("single_choice", None, post).to_data()
    assert [o["correct"] for o in data["options"]] == [False, True]


def test_blank_lines_and_rows_are_dropped_for_matching_and_numerical():
    post = MultiDict(
        [
            ("data-pairs-0-left", "HR"),
            ("data-pairs-0-right", "Pay"),
            ("data-pairs-1-left", ""),
            ("data-pairs-1-right", " "),
            ("data-pairs-2-left", "IT"),
            ("data-pairs-2-right", "Laptops"),
            ("data-distractors", "\r\n Tea \r\n\r\n  \r\nCake\r\n"),
        ]
    )
    data = form_for("matching", None, post).to_data()
    assert [p["left"] for p in data["pairs"]] == ["HR", "IT"]
    assert data["distractors"] == ["Tea", "Cake"]
    post = MultiDict(
        [
            ("data-answers-0-value", " "),
            ("data-answers-0-weight", ""),
            ("data-answers-1-value", "2"),
            ("data-answers-1-weight", "100"),
        ]
    )
    assert form_for("numerical", None, post).to_data()["answers"] == [
        {"value": 2, "weight": 100, "feedback": "", "misconception": None}
    ]


def test_cloze_drops_trailing_blank_gaps_but_keeps_numbering():
    post = MultiDict(
        [
            ("data-text", "{{1}} {{2}} {{3}}"),
            ("data-gaps-0-kind", "short"),
            ("data-gaps-0-lines", "=a"),
            ("data-gaps-1-kind", "choice"),
            ("data-gaps-1-lines", "\r\n  \r\n"),
            ("data-gaps-2-kind", "short"),
            ("data-gaps-2-lines", "=c"),
            ("data-gaps-3-kind", "choice"),
            ("data-gaps-3-lines", ""),
        ]
    )
    dform = form_for("cloze", None, post)
    assert [g["kind"] for g in dform.to_data()["gaps"]] == ["short", "choice", "short"]
    assert not dform.validate()
    assert dform.gaps.entries[1].form.lines.errors == ["needs at least 2 entries"]


def test_numbers_become_numbers():
    post = MultiDict(
        [
            ("data-options-0-text", "A"),
            ("data-options-0-weight", "５０"),
            ("data-options-1-text", "B"),
            ("data-options-1-weight", " 50% "),
            ("data-options-2-text", "C"),
            ("data-options-2-weight", "\u2212100"),
            ("data-options-3-text", "D"),
            ("data-options-3-weight", "-2.5e1"),
        ]
    )
    weights = [o["weight"] for o in form_for("multiple_response", None, post).to_data()["options"]]
    assert weights == [50, 50, -100, -25.0]
    assert [type(w) for w in weights] == [int, int, int, float]
    essay = form_for("essay", None, MultiDict([("data-min_words", "10"), ("data-max_words", "")]))
    assert essay.to_data() == {"min_words": 10, "max_words": None, "rubric": ""}


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
    assert '<table class="data">' in html
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
