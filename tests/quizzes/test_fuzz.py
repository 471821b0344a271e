"""Hypothesis fuzzing: parsers and normalisers either succeed or raise their own error."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.aiken import AikenError, parse_aiken
from quizzes.gift import GiftError, parse_gift
from quizzes.gift_export import export_gift
from quizzes.types import REGISTRY, AnswerError, Grade, get_type
from tests.quizzes.test_types import SAMPLES

# database=None: no .hypothesis/ folder left in the work tree.
FUZZ = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# GIFT's special characters, weighted up so the grammar is actually exercised.
GIFT_PIECES = st.sampled_from(
    ["{", "}", "~", "=", "#", "####", "->", "::", "\\", "%", "%50%", "%-100%", "..", ":",
     "\n", "\n\n", "// ", "$CATEGORY:", "[html]", "T", "FALSE", "1822", "3.5", " ", "x",
     "内部客户", "\ue001", "// [relay:", '{"data": {"x": 1}}]']
)  # fmt: skip
GIFT_TEXT = st.lists(st.one_of(GIFT_PIECES, st.text(max_size=5)), max_size=40).map("".join)

AIKEN_PIECES = st.sampled_from(
    ["A. ", "B) ", "C、", "ANSWER: ", "ANSWER：", "A", "B", "Z", "\n", "\n\n", "Q?", " ", "x"]
)
AIKEN_TEXT = st.lists(st.one_of(AIKEN_PIECES, st.text(max_size=5)), max_size=40).map("".join)

FORM_KEYS = st.sampled_from(["", "0", "1", "2", "3", "x", "-1"])
FORM_VALUES = st.one_of(
    st.sampled_from(["", "0", "1", "2", "3", "4", "true", "false", "3.5", "１", "nan", "1e999",
                     " 2 ", "-1", "relay", "x" * 3000]),
    st.text(max_size=12),
)  # fmt: skip
RAW = st.dictionaries(FORM_KEYS, st.lists(FORM_VALUES, max_size=3), max_size=4)


@FUZZ
@given(GIFT_TEXT)
def test_parse_gift_never_crashes(text):
    try:
        questions = parse_gift(text)
    except GiftError as exc:
        assert exc.errors and all(isinstance(line, int) and line >= 1 for line, _ in exc.errors)
        return
    for question in questions:
        # Whatever parses is valid data for its type.
        assert get_type(question["type"]).validate(question["data"]) == question["data"]


@FUZZ
@given(AIKEN_TEXT)
def test_parse_aiken_never_crashes(text):
    try:
        questions = parse_aiken(text)
    except AikenError as exc:
        assert exc.errors
        return
    assert all(q["type"] == "single_choice" for q in questions)


@FUZZ
@given(st.sampled_from(sorted(REGISTRY)), RAW)
def test_normalise_then_grade_never_crashes(type_id, raw):
    qtype = get_type(type_id)
    data = qtype.validate(SAMPLES[type_id][0])
    try:
        answer = qtype.normalise(data, raw)
    except AnswerError:
        return
    grade = qtype.grade(data, answer)
    assert isinstance(grade, Grade) and 0 <= grade.fraction <= 1


# Text that uses every GIFT special character, for export round trips.
TRICKY_TEXT = st.lists(
    st.one_of(st.sampled_from(["{", "}", "~", "=", "#", ":", "\\", "\n", "%", "%5%", "[html]",
                               "____", "-", ">", "内", "x", " "]),
              st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Co")), max_size=3)),
    min_size=1, max_size=12,
).map("".join).map(str.strip).filter(bool)  # fmt: skip


def choice_question(texts: list[str], correct: int) -> dict[str, Any]:
    options = [{"text": t, "correct": i == correct} for i, t in enumerate(texts)]
    data = get_type("single_choice").validate({"options": options})
    return {"key": "k", "type": "single_choice", "prompt": texts[0], "feedback": texts[-1],
            "data": data}  # fmt: skip


@FUZZ
@given(st.lists(TRICKY_TEXT, min_size=2, max_size=4, unique_by=lambda t: t.strip()))
def test_export_round_trips_or_reports(texts):
    try:
        authored = choice_question(texts, 0)
    except ValueError:
        return  # e.g. two texts equal once stripped; not a GIFT matter
    text, skipped = export_gift([authored])
    if skipped:
        assert skipped[0][0] == "k" and not text
        return
    (parsed,) = parse_gift(text)
    for field in ("prompt", "feedback"):  # their line ends are normalised to \n
        assert parsed[field] == authored[field].replace("\r\n", "\n")
    assert (parsed["type"], parsed["data"]) == (authored["type"], authored["data"])


@FUZZ
@given(st.lists(st.sampled_from(["{", "}", "~", "=", "#", ":", "\\", "\n", "a", "%5%"]),
                min_size=1, max_size=10).map("".join).map(str.strip).filter(bool))  # fmt: skip
def test_special_characters_alone_never_force_a_skip(text):
    """Escaping handles every GIFT special character: such text is never skipped."""
    authored = choice_question([text, text + " (no)"], 1)
    _, skipped = export_gift([authored])
    assert skipped == []
