"""The question-data editor forms: each type owns its form, data round-trips, rows.

No Flask app: the lazy labels fall back to English outside an app context,
and the partials render with the plain Jinja environment from conftest.py.
"""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from quizzes.types import REGISTRY, get_type
from quizzes.types.forms import QuestionDataForm
from tests.quizzes.type_form_samples import (
    ROOT,
    ROW_LISTS,
    SAMPLES,
    TYPES,
    clean,
    form_for,
)


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
